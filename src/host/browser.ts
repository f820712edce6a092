import { webWorkerFactory } from './web-worker.js';

/** Web Workers, bundled by Vite from workers/execution.worker.ts (the app; the package has its own). */
export const createBrowserWorker = webWorkerFactory(
  () => new Worker(new URL('../../workers/execution.worker.ts', import.meta.url), { type: 'module' }),
  'execution.worker',
);
