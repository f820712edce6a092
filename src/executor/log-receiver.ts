import type { LogStore } from '../logs/store.js';
import type { LogEvent } from '../logs/types.js';
import type { LogBatch, LogStaging } from '../protocol/log-staging.js';

/**
 * The host's end of one execution's log pipe. Output arrives two ways: batches the worker posts,
 * and bytes the host reads from the worker's shared staging before they are posted (output of a
 * guest computing without host calls, or of a worker about to be terminated). Batches carry the
 * offset of each event across both streams, so a byte seen both ways is kept once, in write order.
 */
export class LogReceiver {
  /** Output bytes received so far (both streams). */
  private received = 0;

  /** The worker's staging, while the run uses one shared with this thread. */
  private staging: LogStaging | null = null;

  constructor(
    private readonly store: LogStore,
    /** Hears of the events kept from each batch. */
    private readonly onLogs: (events: LogEvent[]) => void,
  ) {}

  attach(staging: LogStaging): void {
    this.staging = staging;
  }

  /** Keeps the bytes of `batch` not received yet. */
  accept(batch: LogBatch): void {
    const fresh: LogEvent[] = [];
    batch.events.forEach((event, i) => {
      const seen = this.received - batch.offsets[i]!;
      if (seen >= event.data.byteLength) return;
      const data = seen > 0 ? event.data.subarray(seen) : event.data;
      this.received = batch.offsets[i]! + event.data.byteLength;
      fresh.push(data === event.data ? event : { ...event, data });
    });
    for (const log of fresh) this.store.append(log);
    if (fresh.length > 0) this.onLogs(fresh);
  }

  /**
   * Takes what the worker has staged and not posted (staged at least `minAgeMs` ago). Skipped
   * while a batch before it is still on its way, so the log keeps the order it was written in.
   */
  takeStaged(minAgeMs = 0): void {
    const batch = this.staging?.peek();
    if (batch == null || (minAgeMs > 0 && Date.now() - batch.events[0]!.timestamp < minAgeMs)) return;
    if (batch.offsets[0]! > this.received) return;
    this.accept(batch);
  }

  /** The worker is done with the staging (it flushed it, or it is gone). */
  detach(): void {
    this.staging = null;
  }
}
