/**
 * The package in browsers (`brine` outside Node, and `brine/browser`): the core API, runJob on Web
 * Workers, and their factory. Built into one self-contained module (dist/browser/brine.js) that
 * finds its worker, dist/browser/execution.worker.js, beside itself (WORKER_URL): bundlers that
 * follow such URLs (Vite, webpack) copy the worker into the app's build.
 */
import { jobRunner, type RunJob } from '../executor/run-job.js';
import { startModuleWorker, webWorkerFactory } from '../host/web-worker.js';

export { startModuleWorker, webWorkerFactory } from '../host/web-worker.js';
export * from '../index.js';

const WORKER_URL = new URL('./execution.worker.js', import.meta.url);

/** Web Workers running the package's built worker (dist/browser/execution.worker.js). */
export const createBrowserWorker = webWorkerFactory(() => startModuleWorker(WORKER_URL), WORKER_URL.href);

/**
 * Runs a job and resolves with its result. localDirectory sources come from `options.files`
 * (a browser reads no host paths).
 */
export const runJob: RunJob = jobRunner({ createWorker: createBrowserWorker, readLocal: () => undefined });
