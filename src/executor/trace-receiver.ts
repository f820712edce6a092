import type { TraceBatch, TraceStaging } from '../protocol/trace-staging.js';
import type { TraceStore } from '../trace/store.js';

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
