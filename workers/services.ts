import { transfer } from 'comlink';
import { treeBuffers } from '../src/fs/tree.js';
import { FileCache } from '../src/runtime/file-cache.js';
import type { RunEvent, RunOutcome, RunRequest } from '../src/runtime/protocol.js';
import { runExecution } from '../src/runtime/run.js';

/** How a worker entry posts run events to its host, beside Comlink's own messages. */
export type PostEvent = (message: { brineEvent: RunEvent }, transfer: ArrayBuffer[]) => void;

/**
 * What a worker offers. While the guest runs, log and phase events are posted on the worker's
 * own port (so they arrive before the outcome); the outcome's buffers are transferred. Big input
 * files are kept between runs, so the host sends them once.
 */
export function createServices(post: PostEvent) {
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

/** The whole Comlink contract between host and worker (events are `{ brineEvent }` messages). */
export type RemoteServices = ReturnType<typeof createServices>;
