import { atMost, type Benchmark, compare, ms, type Row } from './lib.js';

/**
 * P2: a warm hello-world run end to end ÷ the bare shim on a precompiled module. For context, the
 * naive way (a new worker compiling the module per run) and the raw shim in a warm worker (the
 * worker hop alone).
 */
export const p2: Benchmark = {
  id: 'P2',
  async run(ctx) {
    const rows: Row[] = [];
    for (const host of await ctx.hosts()) {
      const module = 'c/hello.wasm';
      const bare = async () => (await host.shim({ module, precompiled: true })).ms;
      // First, and apart: new workers' start-ups and teardowns would disturb the runs below.
      const [naive, bareBeside] = await compare([async () => (await host.worker({ module })).ms, bare], {
        reps: 10,
        warmup: 2,
      });
      const [brine, bareMs, warm] = await compare(
        [
          async () => (await host.brine({ executor: 'p2', module })).ms,
          bare,
          async () => (await host.worker({ module, warm: 'p2' })).ms,
        ],
        { reps: 40, warmup: 15 },
      );
      await host.dispose('p2');
      const row = (id: string, measure: string, value: number, baseline: number, target: Row['target']): Row => ({
        id: `P2 ${host.name}${id}`,
        measure,
        brine: ms(value),
        baseline: ms(baseline),
        ratio: value / baseline,
        target,
      });
      rows.push(
        row(
          '',
          'hello world, warm executor, start → result ÷ bare instantiate + _start of a precompiled module',
          brine,
          bareMs,
          atMost(3),
        ),
        row(
          ' warm worker',
          'context: raw shim in a warm worker, precompiled module ÷ the same bare baseline',
          warm,
          bareMs,
          null,
        ),
        row(' naive', 'context: a new worker compiling the module per run (raw shim) ÷ bare', naive, bareBeside, null),
      );
    }
    return rows;
  },
};
