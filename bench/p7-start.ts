import { codeHeavy } from './gen.js';
import { atMost, type Benchmark, median, ms, type Row } from './lib.js';

const REPS = 5;

/**
 * P7: start → first guest instruction of a 10 MB-code module, second run ÷ first, on a new
 * executor each time. Context row: the first run of the same module with one memory.grow (every
 * instruction decoded and the module rewritten before compiling, see src/loader/grow-hooks.ts) ÷
 * the first run without (where a byte scan rules memory.grow out).
 */
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
      // Afterwards, so that the rows above run as they always did: first runs of modules with a grow.
      const rewritten: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const module = ctx.files.add(`p7-${host.name}-${rep}-grow.wasm`, codeHeavy(REPS + rep, { grow: true }));
        const executor = `p7-grow-${rep}`;
        rewritten.push((await host.brine({ executor, module })).startMs);
        await host.dispose(executor);
        ctx.files.delete(module);
      }
      rows.push(
        {
          id: `P7 ${host.name}`,
          measure:
            'start → first guest instruction, 10.5 MB of code: second run ÷ first (baseline column) on one executor',
          brine: ms(median(second)),
          baseline: ms(median(first)),
          ratio: median(second) / median(first),
          target: atMost(0.1),
        },
        {
          id: `P7 ${host.name} grow`,
          measure:
            'context: first run of the same code with one memory.grow (decoded, rewritten) ÷ without (baseline column)',
          brine: ms(median(rewritten)),
          baseline: ms(median(first)),
          ratio: median(rewritten) / median(first),
          target: null,
        },
      );
    }
    return rows;
  },
};
