import { transfer } from 'comlink';
import { treeBuffers } from '../mounts/tree.js';
import type { RunOutcome, RunRequest, WorkerApi, WorkerMessage } from '../protocol/messages.js';
import { FileCache } from './file-cache.js';
import { runExecution } from './run.js';

/** How a worker entry posts its own messages to the host, beside Comlink's. */
export type PostMessage = (message: WorkerMessage, transfer: ArrayBuffer[]) => void;

/**
 * The worker's side of the contract. While the guest runs, its events are posted on the
 * worker's own port (so they arrive before the outcome); the outcome's buffers are transferred.
 * Big input files are kept between runs, so the host sends them once.
 */
export function createWorkerApi(post: PostMessage): WorkerApi {
  const files = new FileCache();
  return {
    run(request: RunRequest): RunOutcome {
      const resolved = { ...request, mounts: files.resolve(request.mounts) };
      const outcome = runExecution(resolved, (event, buffers) => post({ brineEvent: event }, buffers));
      const buffers = new Set<ArrayBuffer>();
      for (const output of outcome.outputs) treeBuffers(output.tree, buffers);
      return transfer({ ...outcome, heldFiles: files.held }, [...buffers]);
    },
  };
}
