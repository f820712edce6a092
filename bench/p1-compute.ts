import { atMost, type Benchmark, compare, ms, type Row } from './lib.js';

const MIB = 64;

/** P1: a CPU-bound guest through the whole executor ÷ the bare shim on one thread. */
export const p1: Benchmark = {
  id: 'P1',
  async run(ctx) {
    const rows: Row[] = [];
    for (const host of await ctx.hosts()) {
      const spec = { module: 'c/bench_hash.wasm', args: [String(MIB)] };
      const [brine, bare] = await compare(
        [async () => (await host.brine({ executor: 'p1', ...spec })).ms, async () => (await host.shim(spec)).ms],
        { reps: 7 },
      );
      await host.dispose('p1');
      rows.push({
        id: `P1 ${host.name}`,
        measure: `SHA-256 of ${MIB} MiB generated in the guest: executor ÷ WebAssembly.instantiate + shim on one thread`,
        brine: ms(brine),
        baseline: ms(bare),
        ratio: brine / bare,
        target: atMost(1.03),
      });
    }
    return rows;
  },
};
