import { errorText } from '../errors/index.js';
import type { WorkerHandle } from '../host/types.js';
import type { HttpRecord } from '../protocol/http.js';
import type { LaneServer } from '../protocol/lane.js';
import type { GrowBatch, RunEvent, RunOutcome, RunRequest } from '../protocol/messages.js';
import { type LaneRequest, LaneState, type RunLane } from '../protocol/run-lane.js';
import type { Execution } from './execution.js';
import type { LogReceiver } from './log-receiver.js';
import type { TraceReceiver } from './trace-receiver.js';

/** How often the host looks for output a computing guest left staged in its worker. */
const STAGED_POLL_MS = 25;
/**
 * How long the host waits for a run over the lane to end before it asks to hear of the guest's
 * start too (see RunLane.waitChange; where the thread may block, as Node's main thread, it
 * spins that long, so a short job ends with no task on the host's event loop and no wake).
 */
const LANE_QUIET_MS = 1;

/** The worker died on its own (an uncaught error, an out-of-memory kill) during a run. */
export class WorkerCrash extends Error {}

export interface WorkerRun {
  execution: Execution;
  worker: WorkerHandle;
  request: RunRequest;
  /** The worker's fast lane, and the request as it may go there (absent: the run goes by message). */
  lane?: { lane: RunLane; request: LaneRequest | undefined };
  logs: LogReceiver;
  /** Output staged at least this long ago is taken while the guest runs. */
  stagedAgeMs: number;
  /** A traced run's records; those staged after a post this old are taken while the guest runs. */
  trace: { receiver: TraceReceiver; stagedAgeMs: number } | null;
  /** Hears of the memory size the worker reports with its logs, in pages. */
  onMemory: (pages: number) => void;
  /** Hears of the guest's memory.grow calls. */
  onGrows: (batch: GrowBatch) => void;
  /** Hears of each request the guest made through the HTTP host module. */
  onHttp: (record: HttpRecord) => void;
  /** Answers the worker's lane calls (requests the host makes for it), when it has a lane. */
  httpLane: LaneServer | undefined;
}

/**
 * Runs the request on the worker and follows it: over the fast lane when the request can go
 * there, else by message (Comlink). Events arrive on the worker's port ahead of the outcome,
 * and the shared staging is polled meanwhile. Resolves with the outcome, or null if the
 * execution was stopped (cancel, timeout); rejects with WorkerCrash if the worker died.
 */
export function superviseRun({
  execution,
  worker,
  request,
  lane,
  logs,
  stagedAgeMs,
  trace,
  onMemory,
  onGrows,
  onHttp,
  httpLane,
}: WorkerRun): Promise<RunOutcome | null> {
  const { signal } = execution.abort;
  if (signal.aborted) return Promise.resolve(null);
  const fast = lane?.request !== undefined && lane.lane.send(lane.request) ? lane.lane : undefined;
  /** Events received, and what to do once the lane run's last one is in. */
  let received = 0;
  let posted: { count: number; finish: () => void } | null = null;
  let postedOutcome: RunOutcome | undefined;
  const onEvent = (event: RunEvent) => {
    received++;
    if (!execution.finished) {
      switch (event.type) {
        case 'running':
          execution.transition('running');
          break;
        case 'trace':
          trace?.receiver.accept(event.batch);
          break;
        case 'grows':
          onGrows(event.events);
          break;
        case 'http':
          onHttp(event.record);
          break;
        case 'lane-call':
        case 'lane-next':
          httpLane?.handle(event);
          break;
        case 'logs':
          if (fast?.entered) execution.transition('running');
          logs.accept(event);
          onMemory(event.memoryPages);
          break;
        case 'outcome':
          postedOutcome = event.outcome;
      }
    }
    if (posted !== null && received >= posted.count) posted.finish();
  };
  return new Promise<RunOutcome | null>((resolve, reject) => {
    const poll = setInterval(() => {
      logs.takeStaged(stagedAgeMs);
      trace?.receiver.takeStaged(trace.stagedAgeMs);
    }, STAGED_POLL_MS);
    let settled = false;
    const unsubscribe = [
      worker.onEvent(onEvent),
      worker.onCrash((reason) => giveUp(() => reject(new WorkerCrash(reason)))),
      () => clearInterval(poll),
    ];
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      for (const stop of unsubscribe) stop();
      signal.removeEventListener('abort', stopped);
      end();
    };
    /** Ends a run the worker will not finish; wakes the host's own wait on the lane. */
    const giveUp = (end: () => void) => {
      settle(end);
      fast?.abandon();
    };
    const stopped = () => giveUp(() => resolve(null));
    signal.addEventListener('abort', stopped, { once: true });

    if (fast === undefined) {
      if (lane !== undefined) lane.lane.yieldToMessages();
      worker.api.run(request).then(
        (outcome) => settle(() => resolve(outcome)),
        (error: unknown) => settle(() => reject(new WorkerCrash(errorText(error)))),
      );
      return;
    }
    const done = () => {
      if (fast.entered) execution.transition('running');
      const result = fast.result();
      const finish = () => {
        // Output left staged at the end is taken now; the worker clears it when it next runs.
        logs.takeStaged();
        if (result === null) settle(() => resolve(postedOutcome!));
        else if ('outcome' in result) settle(() => resolve(result.outcome));
        else settle(() => reject(new WorkerCrash(result.failed)));
      };
      const count = fast.posted;
      if (received >= count) finish();
      else posted = { count, finish };
    };
    void followLane(fast, () => settled, execution).then((state) => {
      if (state === LaneState.done && !settled) done();
    });
  });
}

/** Waits for the run on the lane to end, marking the execution running on the way; returns the last state seen. */
async function followLane(lane: RunLane, settled: () => boolean, execution: Execution): Promise<number> {
  const quietUntil = performance.now() + LANE_QUIET_MS;
  let state: number = LaneState.request;
  for (;;) {
    state = await lane.waitChange(state, Math.max(0, quietUntil - performance.now()));
    if (settled()) return state;
    if (state !== LaneState.running) return state;
    execution.transition('running');
  }
}
