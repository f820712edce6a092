import { codeHeavy } from './gen.js';
import { atMost, type Benchmark, median, ms, type Row } from './lib.js';

const REPS = 5;

/** P7: start → first guest instruction of a 10 MB-code module, second run ÷ first, on a new executor each time. */
export const p7: Benchmark = {
  id: 'P7',
  async run(ctx) {
    const rows: Row[] = [];
    for (const host of await ctx.hosts()) {
      const first: number[] = [];
      const second: number[] = [];
      // Each repetition gets different bytes, so nothing (Brine's cache or V8's) has seen them.
      for (let rep = 0; rep < REPS; rep++) {
        const module = ctx.files.add(`p7-${host.name}-${rep}.wasm`, codeHeavy(rep));
        const executor = `p7-${rep}`;
        first.push((await host.brine({ executor, module })).startMs);
        second.push((await host.brine({ executor, module })).startMs);
        await host.dispose(executor);
        ctx.files.delete(module);
      }
      rows.push({
        id: `P7 ${host.name}`,
        measure:
          'start → first guest instruction, 10.5 MB of code: second run ÷ first (baseline column) on one executor',
        brine: ms(median(second)),
        baseline: ms(median(first)),
        ratio: median(second) / median(first),
        target: atMost(0.1),
      });
    }
    return rows;
  },
};
