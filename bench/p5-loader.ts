import { CompileCache } from '../src/loader/compile-cache.js';
import { loadModules } from '../src/loader/loader.js';
import { MountTable } from '../src/mounts/mount-table.js';
import { file } from '../src/mounts/tree.js';
import { WASM_MAX_PAGES } from '../src/spec/memory.js';
import { chain, fanOut, type Graph, salted } from './gen.js';
import { atMost, type Benchmark, compare, expectEqual, ms, type Row } from './lib.js';

const SMALL = 100;
const LARGE = 1000;

/** One cold load (new bytes, a new compile cache) of the graph: resolve, hash, parse, compile and check every module. */
async function load(graph: Graph): Promise<number> {
  const mounts = new MountTable();
  for (const [target, bytes] of graph.modules) mounts.addInput(target, file(bytes), false);
  const started = performance.now();
  const loaded = await loadModules({
    mounts,
    entryModule: graph.entry,
    importModules: [],
    entrypoint: 'f',
    limitPages: WASM_MAX_PAGES,
    http: false,
    cache: new CompileCache(),
  });
  const elapsed = performance.now() - started;
  expectEqual('modules loaded', loaded.modules.length, graph.modules.size);
  return elapsed;
}

/** P5: the loader on import graphs of 100 and 1000 modules; the time ratio shows how it scales. */
export const p5: Benchmark = {
  id: 'P5',
  async run() {
    const rows: Row[] = [];
    let salt = 0;
    for (const [shape, make] of [
      ['chain', chain],
      ['fan-out', fanOut],
    ] as const) {
      const small = await make(SMALL);
      const large = await make(LARGE);
      const [largeMs, smallMs] = await compare([() => load(salted(large, salt++)), () => load(salted(small, salt++))], {
        reps: 9,
      });
      rows.push({
        id: `P5 ${shape}`,
        measure: `loadModules (cold cache), ${shape} of ${LARGE} modules ÷ of ${SMALL} (baseline column)`,
        brine: ms(largeMs),
        baseline: ms(smallMs),
        ratio: largeMs / smallMs,
        target: atMost(12),
      });
    }
    return rows;
  },
};
