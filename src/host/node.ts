import { Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { RemoteServices } from '../../workers/services.js';
import { crashReporter, type WorkerFactory } from './types.js';

// Built code runs dist/workers/execution.node.js; sources (tests) run the .ts through tsx.
const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`../../workers/execution.node.${fromSource ? 'ts' : 'js'}`, import.meta.url);

/** Node worker_threads running the same worker code as the browser. */
export const createNodeWorker: WorkerFactory = () => {
  const worker = new Worker(workerUrl, fromSource ? { execArgv: ['--import', 'tsx'] } : {});
  const crashes = crashReporter();
  worker.on('error', (error) => crashes.crashed(error.message));
  worker.on('exit', (code) => crashes.crashed(`the worker exited with code ${code}`));
  return {
    services: wrap<RemoteServices>(nodeEndpoint(worker)),
    terminate: () => {
      crashes.ended();
      void worker.terminate();
    },
    onCrash: crashes.subscribe,
    setIdle: (idle) => (idle ? worker.unref() : worker.ref()),
  };
};
