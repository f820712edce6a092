import { errorText } from '../errors/index.js';
import type { WorkerHandle } from '../host/types.js';
import type { HttpRecord } from '../protocol/http.js';
import type { LaneServer } from '../protocol/lane.js';
import type { GrowBatch, RunEvent, RunOutcome, RunRequest } from '../protocol/messages.js';
import type { Execution } from './execution.js';
import type { LogReceiver } from './log-receiver.js';
import type { TraceReceiver } from './trace-receiver.js';

/** How often the host looks for output a computing guest left staged in its worker. */
const STAGED_POLL_MS = 25;

/** The worker died on its own (an uncaught error, an out-of-memory kill) during a run. */
export class WorkerCrash extends Error {}

export interface WorkerRun {
  execution: Execution;
  worker: WorkerHandle;
  request: RunRequest;
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
  lane: LaneServer | undefined;
}

/**
 * Runs the request on the worker and follows it: events arrive on the worker's port ahead of
 * the outcome, and the shared staging is polled meanwhile. Resolves with the outcome, or null if
 * the execution was stopped (cancel, timeout); rejects with WorkerCrash if the worker died.
 */
export function superviseRun({
  execution,
  worker,
  request,
  logs,
  stagedAgeMs,
  trace,
  onMemory,
  onGrows,
  onHttp,
  lane,
}: WorkerRun): Promise<RunOutcome | null> {
  const { signal } = execution.abort;
  if (signal.aborted) return Promise.resolve(null);
  const onEvent = (event: RunEvent) => {
    if (execution.finished) return;
    switch (event.type) {
      case 'running':
        execution.transition('running');
        return;
      case 'trace':
        trace?.receiver.accept(event.batch);
        return;
      case 'grows':
        onGrows(event.events);
        return;
      case 'http':
        onHttp(event.record);
        return;
      case 'lane-call':
      case 'lane-next':
        lane?.handle(event);
        return;
      case 'logs':
        logs.accept(event);
        onMemory(event.memoryPages);
    }
  };
  return new Promise<RunOutcome | null>((resolve, reject) => {
    const poll = setInterval(() => {
      logs.takeStaged(stagedAgeMs);
      trace?.receiver.takeStaged(trace.stagedAgeMs);
    }, STAGED_POLL_MS);
    const unsubscribe = [
      worker.onEvent(onEvent),
      worker.onCrash((reason) => settle(() => reject(new WorkerCrash(reason)))),
      () => clearInterval(poll),
    ];
    const stopped = () => settle(() => resolve(null));
    const settle = (end: () => void) => {
      for (const stop of unsubscribe) stop();
      signal.removeEventListener('abort', stopped);
      end();
    };
    signal.addEventListener('abort', stopped, { once: true });
    worker.api.run(request).then(
      (outcome) => settle(() => resolve(outcome)),
      (error: unknown) => settle(() => reject(new WorkerCrash(errorText(error)))),
    );
  });
}
