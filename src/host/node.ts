import { type ResourceLimits, Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { runEventOf, type WorkerApi } from '../protocol/messages.js';
import { crashReporter, type WorkerFactory, type WorkerHandle } from './types.js';

export { hostReader, readHostTree, writeHostTree } from '../cli/host-files.js';

// Built code runs dist/workers/execution.node.js; sources (tests) load the .ts through tsx.
const fromSource = import.meta.url.endsWith('.ts');
const builtWorker = new URL(`../../workers/execution.node.${fromSource ? 'ts' : 'js'}`, import.meta.url);
const sourceBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(builtWorker.href)}); })`;

/**
 * Starts a worker_threads worker running the execution worker at `url` (the bundled CLI has its
 * own, beside it), with optional V8 heap limits. Messages posted before it is up wait for it.
 */
export function startNodeWorker(url = builtWorker, resourceLimits?: ResourceLimits): Worker {
  // Workers inherit the process's flags; --input-type (for `node -e`) would stop them from starting.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  const options = { execArgv, ...(resourceLimits === undefined ? {} : { resourceLimits }) };
  return url === builtWorker && fromSource
    ? new Worker(sourceBootstrap, { eval: true, ...options })
    : new Worker(url, options);
}

/** The handle the executor drives a started worker by. */
export function nodeWorkerHandle(worker: Worker): WorkerHandle {
  const crashes = crashReporter();
  worker.on('error', (error) => crashes.crashed(error.message));
  worker.on('exit', (code) => crashes.crashed(`the worker exited with code ${code}`));
  return {
    api: wrap<WorkerApi>(nodeEndpoint(worker)),
    terminate: () => {
      crashes.ended();
      void worker.terminate();
    },
    onCrash: crashes.subscribe,
    onEvent: (listener) => {
      const onMessage = (data: unknown) => {
        const event = runEventOf(data);
        if (event !== undefined) listener(event);
      };
      worker.on('message', onMessage);
      return () => worker.off('message', onMessage);
    },
    setIdle: (idle) => (idle ? worker.unref() : worker.ref()),
  };
}

/** Node worker_threads running the same worker code as the browser, with optional V8 heap limits. */
export const nodeWorkerFactory =
  (resourceLimits?: ResourceLimits, url = builtWorker): WorkerFactory =>
  () =>
    nodeWorkerHandle(startNodeWorker(url, resourceLimits));

export const createNodeWorker = nodeWorkerFactory();
