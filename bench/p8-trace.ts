import { atMost, type Benchmark, compare, expectEqual, ms, type Row } from './lib.js';

const CALLS = 1_000_000;

/** P8: a job making 1,000,000 small fd_write calls with the WASI call trace on ÷ the same job with it off. */
export const p8: Benchmark = {
  id: 'P8',
  async run(ctx) {
    const rows: Row[] = [];
    // write_calls makes one write() of "x\n" per call: one fd_write each.
    const spec = { executor: 'p8', module: 'c/write_calls.wasm', args: [String(CALLS)] };
    for (const host of await ctx.hosts()) {
      const side = (trace: boolean) => async () => {
        const sample = await host.brine({ ...spec, trace });
        expectEqual('stdout bytes kept', sample.stdoutKept, 2 * CALLS);
        return sample.ms;
      };
      const [on, off] = await compare([side(true), side(false)]);
      await host.dispose('p8');
      rows.push({
        id: `P8 ${host.name}`,
        measure: `${CALLS.toLocaleString('en-US')} fd_write calls of 2 bytes, start → result: trace on ÷ trace off`,
        brine: ms(on),
        baseline: ms(off),
        ratio: on / off,
        target: atMost(3),
      });
    }
    return rows;
  },
};
