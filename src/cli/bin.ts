/**
 * The `brine` command as bin/brine.js runs it: this file bundled with the CLI, and the execution
 * worker bundled beside it (dist/node, scripts/bundle.ts), so each loads as one file. For `run`,
 * bin/brine.js starts the worker before it loads this, so the worker loads on another thread
 * while the CLI loads and reads the job.
 */
import type { Worker } from 'node:worker_threads';
import { nodeWorkerFactory, nodeWorkerHandle } from '../host/node.js';
import type { WorkerFactory, WorkerHandle } from '../host/types.js';
import { main } from './main.js';

/**
 * Runs the command; `started`: the worker bin/brine.js started for it (unreferenced until a run
 * takes it); `build`: this build's identity, by content, for what runs keep between them.
 */
export function brine(argv: string[], started?: Worker, build?: string): Promise<number> {
  const spawn = nodeWorkerFactory(undefined, new URL('./execution.node.cjs', import.meta.url));
  let early: WorkerHandle | undefined = started && nodeWorkerHandle(started);
  const createWorker: WorkerFactory = () => {
    const worker = early ?? spawn();
    early = undefined;
    return worker;
  };
  return main(argv, createWorker, build);
}
