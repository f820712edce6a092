import { wrap } from 'comlink';
import { runEventOf, type WorkerApi } from '../protocol/messages.js';
import { crashReporter, type WorkerFactory } from './types.js';

/** Web Workers, bundled by Vite from workers/execution.worker.ts. */
export const createBrowserWorker: WorkerFactory = () => {
  const worker = new Worker(new URL('../../workers/execution.worker.ts', import.meta.url), { type: 'module' });
  const crashes = crashReporter();
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    crashes.crashed(event.message || 'the worker failed');
  });
  return {
    api: wrap<WorkerApi>(worker),
    terminate: () => {
      crashes.ended();
      worker.terminate();
    },
    onCrash: crashes.subscribe,
    onEvent: (listener) => {
      const onMessage = (message: MessageEvent) => {
        const event = runEventOf(message.data);
        if (event !== undefined) listener(event);
      };
      worker.addEventListener('message', onMessage);
      return () => worker.removeEventListener('message', onMessage);
    },
    setIdle: () => {},
  };
};
