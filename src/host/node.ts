import { type ResourceLimits, Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { runEventOf, type WorkerApi } from '../protocol/messages.js';
import { crashReporter, type WorkerFactory } from './types.js';

export { hostReader, readHostTree, writeHostTree } from '../cli/host-files.js';

// Built code runs dist/workers/execution.node.js; sources (tests) load the .ts through tsx.
const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`../../workers/execution.node.${fromSource ? 'ts' : 'js'}`, import.meta.url);
const sourceBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); })`;

/** Node worker_threads running the same worker code as the browser, with optional V8 heap limits. */
export const nodeWorkerFactory =
  (resourceLimits?: ResourceLimits): WorkerFactory =>
  () => {
    // Workers inherit the process's flags; --input-type (for `node -e`) would stop them from starting.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    const options = { execArgv, ...(resourceLimits === undefined ? {} : { resourceLimits }) };
    const worker = fromSource
      ? new Worker(sourceBootstrap, { eval: true, ...options })
      : new Worker(workerUrl, options);
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
  };

export const createNodeWorker = nodeWorkerFactory();
