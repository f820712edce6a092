import { wrap } from 'comlink';
import { runEventOf, type WorkerApi } from '../protocol/messages.js';
import { crashReporter, type WorkerFactory } from './types.js';

/**
 * Web Workers made by `start`: the app's, bundled by Vite, or the package's built worker file.
 * `script` names the worker's script in the error a failed load gives.
 */
export function webWorkerFactory(start: () => Worker, script: string): WorkerFactory {
  return () => {
    const worker = start();
    const crashes = crashReporter();
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // An uncaught error in the worker is an ErrorEvent; a script that failed to load, a plain Event.
      crashes.crashed(event.message || `the worker's script could not be loaded (${script})`);
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
}

const crossOriginStarters = new Map<string, string>();

/**
 * A module worker running the script at `url`. Browsers start workers only from the page's own
 * origin, so a script served from elsewhere (a CDN) is imported by a same-origin blob module.
 */
export function startModuleWorker(url: URL): Worker {
  if (url.origin === globalThis.location?.origin) return new Worker(url, { type: 'module' });
  let starter = crossOriginStarters.get(url.href);
  if (starter === undefined) {
    starter = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
    crossOriginStarters.set(url.href, starter);
  }
  return new Worker(starter, { type: 'module' });
}
