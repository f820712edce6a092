import { transfer } from 'comlink';
import { errorText } from '../errors/index.js';
import { treeBuffers } from '../mounts/tree.js';
import type { HttpOptions, RunOutcome, RunRequest, WorkerApi, WorkerMessage } from '../protocol/messages.js';
import { type LaneRequest, type LaneResult, RunLane } from '../protocol/run-lane.js';
import { FileCache, Held } from './file-cache.js';
import { type ResolvedRunRequest, runExecution } from './run.js';

/** How a worker entry posts its own messages to the host, beside Comlink's. */
export type PostMessage = (message: WorkerMessage, transfer: ArrayBuffer[]) => void;

/** Compiled modules a worker keeps (as many as the host's compile cache). */
const HELD_MODULES = 128;

/**
 * The worker's side of the contract. While the guest runs, its events are posted on the
 * worker's own port (so they arrive before the outcome); the outcome's buffers are transferred.
 * Big input files and compiled modules are kept between runs, so the host sends them once; once
 * a request brings a fast lane (protocol/run-lane.ts), the worker waits there between runs and
 * takes the requests that name only what it holds.
 */
export function createWorkerApi(post: PostMessage): WorkerApi {
  const files = new FileCache();
  const modules = new Held<WebAssembly.Module>(HELD_MODULES, () => 1);
  /** The shared buffers the last request by message brought. */
  let logStaging: SharedArrayBuffer | undefined;
  let httpLane: SharedArrayBuffer | undefined;
  let lane: RunLane | undefined;

  const execute = (request: ResolvedRunRequest, send: PostMessage, over?: RunLane) => {
    const outcome = runExecution(request, (event, buffers) => send({ brineEvent: event }, buffers), over);
    return { ...outcome, heldFiles: files.held, heldModules: modules.keys };
  };

  /** A lane request with what it names filled in. */
  const resolve = (request: LaneRequest): ResolvedRunRequest => {
    const { http, ...rest } = request;
    return {
      ...rest,
      mounts: files.resolve(request.mounts),
      modules: request.modules.map((held) => {
        const module = modules.get(held.key);
        if (module === undefined) throw new Error(`the worker no longer holds module ${held.name}`);
        return { ...held, module };
      }),
      ...(logStaging === undefined ? {} : { logStaging }),
      ...(http === undefined ? {} : { http: laneHttp(http, httpLane) }),
    };
  };

  /** Takes the requests over the lane until the host asks for a yield (a request by message follows). */
  const serve = () => {
    const current = lane;
    if (current === undefined) return;
    for (let request = current.next(); request !== null; request = current.next()) {
      let posted = 0;
      const counted: PostMessage = (message, buffers) => {
        posted++;
        post(message, buffers);
      };
      let result: LaneResult;
      try {
        result = { outcome: execute(resolve(request), counted, current) };
      } catch (error) {
        result = { failed: errorText(error) };
      }
      current.complete(result, posted, () => {
        if ('outcome' in result) {
          post({ brineEvent: { type: 'outcome', outcome: result.outcome } }, outcomeBuffers(result.outcome));
        }
      });
    }
  };

  return {
    run(request: RunRequest): RunOutcome {
      if (request.runLane !== undefined && request.runLane !== lane?.buffer) lane = new RunLane(request.runLane);
      lane?.takeYield();
      for (const planned of request.modules) modules.keep(planned.key, planned.module);
      logStaging = request.logStaging;
      httpLane = request.http?.lane ?? httpLane;
      const outcome = execute({ ...request, mounts: files.resolve(request.mounts) }, post);
      // After Comlink has posted the outcome (it does so in a microtask), wait on the lane.
      if (lane !== undefined) setTimeout(serve, 0);
      return transfer(outcome, outcomeBuffers(outcome));
    },
  };
}

function laneHttp(http: NonNullable<LaneRequest['http']>, lane: SharedArrayBuffer | undefined): HttpOptions {
  const { lane: useLane, ...rest } = http;
  if (!useLane) return rest;
  if (lane === undefined) throw new Error('the worker has no HTTP lane');
  return { ...rest, lane };
}

function outcomeBuffers(outcome: RunOutcome): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const output of outcome.outputs) treeBuffers(output.tree, buffers);
  return [...buffers];
}
