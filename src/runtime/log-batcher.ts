import type { StreamName } from '../logs/types.js';
import type { LogBatch, LogStaging } from '../protocol/log-staging.js';
import type { LogOptions } from '../protocol/messages.js';

/**
 * Worker side of the log pipe. Guest writes are staged and posted in batches, so a guest
 * writing many small chunks does not cost a message each. A worker cannot run timers while the
 * guest computes, so the time check happens at each write: a write after a quiet spell goes out
 * at once, and only writes within `flushMs` of the last flush wait for the next one (or the end).
 * The host can read what waits in the staging (see protocol/log-staging.ts), so a guest that writes and then
 * computes for long without host calls does not hold its output back.
 */
export class LogBatcher {
  private lastFlush: number;
  private readonly sent: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private sentBytes = 0;
  private lastStreamSent: StreamName = 'stdout';
  readonly dropped: Record<StreamName, number> = { stdout: 0, stderr: 0 };

  constructor(
    private readonly options: LogOptions,
    private readonly staging: LogStaging,
    private readonly send: (batch: LogBatch) => void,
    /** Milliseconds since the epoch (the events' timestamps). */
    private readonly now: () => number,
    /**
     * The host reads the staging too (it is shared): the first writes may wait there like the
     * others. Otherwise the first write of each stream goes out at once, and so does a write
     * after a quiet spell.
     */
    private readonly hostReads = false,
  ) {
    this.lastFlush = hostReads ? now() : Number.NEGATIVE_INFINITY;
  }

  /** Bytes of both streams sent so far: the next event's offset. */
  get position(): number {
    return this.sentBytes;
  }

  /** The stream of the last write sent. */
  get lastStream(): StreamName {
    return this.lastStreamSent;
  }

  /** Copies what it keeps: `data` may be a view of guest memory. */
  write(stream: StreamName, data: Uint8Array): void {
    const room = this.options.capBytes - this.sent[stream];
    if (data.byteLength > room) {
      this.dropped[stream] += data.byteLength - Math.max(room, 0);
      if (room <= 0) return;
      data = data.subarray(0, room);
    }
    const offset = this.sentBytes;
    // The first write of each stream goes in an event of its own: it is Bacalhau's result summary.
    const first = this.sent[stream] === 0;
    this.sent[stream] += data.byteLength;
    this.sentBytes += data.byteLength;
    this.lastStreamSent = stream;
    const time = this.now();

    if (data.byteLength >= this.staging.capacity / 2) {
      this.flush(); // what is staged was written first
      this.lastFlush = time;
      this.send({ events: [{ stream, data: data.slice(), timestamp: time }], offsets: [offset] });
      return;
    }
    if (!this.staging.fits(stream, data.byteLength, first)) this.flush();
    this.staging.stage(stream, data, time, offset, first);
    if ((first && !this.hostReads) || time - this.lastFlush >= this.options.flushMs) {
      this.lastFlush = time;
      this.flush();
    }
  }

  /** Sends staged bytes whose flush was held back, if that was `flushMs` ago (called at other host calls). */
  flushIfStale(): void {
    if (this.staging.empty) return;
    const time = this.now();
    if (time - this.lastFlush >= this.options.flushMs) {
      this.lastFlush = time;
      this.flush();
    }
  }

  flush(): void {
    const batch = this.staging.drain();
    if (batch !== null) this.send(batch);
  }
}
