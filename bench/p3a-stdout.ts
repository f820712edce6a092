import { atLeast, type Benchmark, compare, expectEqual, MiB, type Row, rate } from './lib.js';

const MIB = 256;

/** P3a: stdout in 64 KiB writes, every byte received by the caller ÷ the raw shim counting bytes. */
export const p3a: Benchmark = {
  id: 'P3a',
  async run(ctx) {
    const rows: Row[] = [];
    // flood writes its MiB to stdout in 64 KiB write() calls.
    const spec = { module: 'c/flood.wasm', args: [String(MIB)] };
    for (const host of await ctx.hosts()) {
      const [brine, shim] = await compare([
        async () => {
          const sample = await host.brine({ executor: 'p3a', ...spec });
          expectEqual('stdout bytes kept', sample.stdoutKept, MIB * MiB);
          return sample.ms;
        },
        async () => {
          const sample = await host.shim({ ...spec, precompiled: true });
          expectEqual('stdout bytes counted', sample.stdoutBytes, MIB * MiB);
          return sample.ms;
        },
      ]);
      await host.dispose('p3a');
      rows.push({
        id: `P3a ${host.name}`,
        measure: `stdout, ${MIB} MiB in 64 KiB writes, all kept by the log store: throughput ÷ raw shim counting bytes`,
        brine: rate(MIB * MiB, brine),
        baseline: rate(MIB * MiB, shim),
        ratio: shim / brine,
        target: atLeast(0.5),
      });
    }
    return rows;
  },
};
