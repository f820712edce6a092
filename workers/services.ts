import { transfer } from 'comlink';
import { treeBuffers } from '../src/fs/tree.js';
import type { RunOutcome, RunRequest } from '../src/runtime/protocol.js';
import { runExecution } from '../src/runtime/run.js';

/**
 * What a worker offers. The host posts a request and a MessagePort; the worker posts log and
 * phase events on the port as the guest runs and returns the outcome, with buffers transferred.
 */
export const services = {
  run(request: RunRequest, events: MessagePort): RunOutcome & { eventsPosted: number } {
    let eventsPosted = 0;
    const outcome = runExecution(request, (event, buffers) => {
      events.postMessage(event, buffers);
      eventsPosted++;
    });
    events.close();
    const buffers = new Set<ArrayBuffer>();
    for (const output of outcome.outputs) treeBuffers(output.tree, buffers);
    return transfer({ ...outcome, eventsPosted }, [...buffers]);
  },
};

/** The whole Comlink contract between host and worker. */
export type RemoteServices = typeof services;
