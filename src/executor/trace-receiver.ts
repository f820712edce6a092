import type { RunRequest } from '../protocol/messages.js';
import { type TraceBatch, TraceStaging } from '../protocol/trace-staging.js';
import { TraceStore } from '../trace/store.js';
import { startingFds } from './run-request.js';

/** The receiver of a traced run's records (null for an untraced run), reading its worker's staging where there is one. */
export function traceReceiver(
  request: RunRequest,
  limit: number,
  onRecords: (store: TraceStore) => void,
): TraceReceiver | null {
  if (request.trace === undefined) return null;
  const store = new TraceStore(
    limit,
    startingFds(request),
    request.modules.map((m) => m.name),
  );
  const receiver = new TraceReceiver(store, () => onRecords(store));
  if (request.trace.staging !== undefined) receiver.attach(new TraceStaging(request.trace.staging));
  return receiver;
}

/**
 * The host's end of a traced execution's records, as LogReceiver is for its logs: batches the
 * worker posts, and records the host reads from the worker's shared staging (those of a guest
 * computing without host calls, or of a worker about to be terminated). Records carry sequence
 * numbers, so one seen both ways is kept once (TraceStore.append).
 */
export class TraceReceiver {
  private staging: TraceStaging | null = null;

  constructor(
    readonly store: TraceStore,
    /** Hears of each batch that added records. */
    private readonly onRecords: () => void,
  ) {}

  attach(staging: TraceStaging): void {
    this.staging = staging;
  }

  accept(batch: TraceBatch): void {
    if (this.store.append(batch) > 0) this.onRecords();
  }

  /** Takes what the worker has staged and not posted, when its last post is `minAgeMs` old. */
  takeStaged(minAgeMs = 0): void {
    const batch = this.staging?.peek(minAgeMs, Date.now());
    if (batch != null) this.accept(batch);
  }

  detach(): void {
    this.staging = null;
  }
}
