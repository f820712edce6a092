import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from '../src/host/types.js';
import type { Files } from './files.js';
import { Runner, type ShimWorker } from './runner.js';
import type { ShimResult } from './shim.mjs';

/**
 * Brine in Node as the CLI runs it: the built worker (dist/, from `npm run build`), so a new
 * worker does not compile TypeScript first. The executor itself runs from source.
 */
export async function nodeHost(files: Files): Promise<Runner> {
  const built = new URL('../dist/src/host/node.js', import.meta.url).href;
  const { createNodeWorker } = (await import(built)) as { createNodeWorker: WorkerFactory };
  return new Runner('node', createNodeWorker, async (name) => files.get(name), spawnShimWorker);
}

/** A worker_threads worker running the shim (without this process's TypeScript loader). */
function spawnShimWorker(): ShimWorker {
  const worker = new Worker(new URL('./shim-worker.node.mjs', import.meta.url), { execArgv: [] });
  return {
    async run(source, args) {
      worker.postMessage({ source, args });
      const [result] = (await once(worker, 'message')) as [ShimResult];
      return result;
    },
    terminate: async () => void (await worker.terminate()),
  };
}
