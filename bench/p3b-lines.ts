import { atLeast, type Benchmark, compare, expectEqual, type Row, rate } from './lib.js';

const LINES = 1_000_000;
/** printf_lines prints "line <i>\n" for i below LINES. */
const BYTES = Array.from({ length: LINES }, (_, i) => 6 + String(i).length).reduce((a, b) => a + b, 0);
const MEASURE = '1,000,000 printf lines, all kept: throughput ÷ node:wasi to /dev/null';

/** P3b: 1,000,000 printf lines, every byte received by the caller ÷ node:wasi writing to /dev/null. */
export const p3b: Benchmark = {
  id: 'P3b',
  async run(ctx) {
    const rows: Row[] = [];
    const spec = { module: 'c/printf_lines.wasm', args: [String(LINES)] };
    const nodeWasi = await ctx.nodeWasi();
    const reference = () => nodeWasi.run({ name: spec.module, bytes: ctx.files.get(spec.module), args: spec.args });
    const row = (id: string, measure: string, brine: number, baseline: number, target: Row['target']): Row => ({
      id,
      measure,
      brine: rate(BYTES, brine),
      baseline: rate(BYTES, baseline),
      ratio: baseline / brine,
      target,
    });
    for (const host of await ctx.hosts()) {
      const brineRun = async () => {
        const sample = await host.brine({ executor: 'p3b', ...spec });
        expectEqual('stdout bytes kept', sample.stdoutKept, BYTES);
        return sample.ms;
      };
      if (host.name === 'chromium') {
        const [brine, node] = await compare([brineRun, reference]);
        await host.dispose('p3b');
        rows.push(row(`P3b ${host.name}`, MEASURE, brine, node, atLeast(0.5)));
        continue;
      }
      // The raw shim's stdout looks like a tty, so wasi-libc line-buffers it: one fd_write per line.
      const shimRun = (keep: boolean) => async () => {
        const sample = await host.shim({ ...spec, precompiled: true, keep });
        expectEqual('stdout bytes counted', sample.stdoutBytes, BYTES);
        return sample.ms;
      };
      const [brine, node, shim, shimKeep] = await compare([brineRun, reference, shimRun(false), shimRun(true)]);
      await host.dispose('p3b');
      rows.push(
        row(`P3b ${host.name}`, MEASURE, brine, node, atLeast(0.5)),
        row('P3b raw shim', 'context: raw shim counting bytes ÷ node:wasi', shim, node, null),
        row('P3b raw shim kept', 'context: raw shim keeping every chunk ÷ node:wasi', shimKeep, node, null),
      );
    }
    return rows;
  },
};
