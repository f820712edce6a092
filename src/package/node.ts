/**
 * The package in Node (`brine` under the "node" condition): the core API and runJob on
 * worker_threads. The worker factory and host-file helpers are in `brine/node`.
 */

import { hostReader } from '../cli/host-files.js';
import { jobRunner, type RunJob } from '../executor/run-job.js';
import { createNodeWorker } from '../host/node.js';

export * from '../index.js';

/**
 * Runs a job and resolves with its result. localDirectory sources come from `options.files`, else
 * from the disk, relative to `options.baseDir` (default: the current directory).
 */
export const runJob: RunJob = jobRunner({
  createWorker: createNodeWorker,
  readLocal: (options) => hostReader(options.baseDir ?? process.cwd()),
});
