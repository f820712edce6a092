import { transfer } from 'comlink';
import { treeBuffers } from '../src/fs/tree.js';
import type { RunEvent, RunOutcome, RunRequest } from '../src/runtime/protocol.js';
import { runExecution } from '../src/runtime/run.js';

/** How a worker entry posts run events to its host, beside Comlink's own messages. */
export type PostEvent = (message: { brineEvent: RunEvent }, transfer: ArrayBuffer[]) => void;

/**
 * What a worker offers. While the guest runs, log and phase events are posted on the worker's
 * own port (so they arrive before the outcome); the outcome's buffers are transferred.
 */
export function createServices(post: PostEvent) {
  return {
    run(request: RunRequest): RunOutcome {
      const outcome = runExecution(request, (event, buffers) => post({ brineEvent: event }, buffers));
      const buffers = new Set<ArrayBuffer>();
      for (const output of outcome.outputs) treeBuffers(output.tree, buffers);
      return transfer(outcome, [...buffers]);
    },
  };
}

/** The whole Comlink contract between host and worker (events are `{ brineEvent }` messages). */
export type RemoteServices = ReturnType<typeof createServices>;
