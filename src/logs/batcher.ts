import type { LogEvent, StreamName } from './types.js';

export interface BatchOptions {
  /** Flush when this many bytes are pending. */
  batchBytes: number;
  /** A write flushes at once when the last flush is this old; writes in between are batched. */
  flushMs: number;
  /** Bytes per stream sent at most; the rest is counted, not sent. */
  capBytes: number;
}

/**
 * Worker side of the log pipe. Guest writes are staged and posted in batches, so a guest
 * writing many small chunks does not cost a message each. A worker cannot run timers while the
 * guest computes, so the time check happens at each write: a write after a quiet spell goes out
 * at once, and only writes within `flushMs` of the last flush wait for the next one (or the end).
 */
export class LogBatcher {
  private staged: LogEvent[] = [];
  private stagedBytes = 0;
  /** Allocated at the first small write: many runs write nothing, or only a little. */
  private staging = new Uint8Array(0);
  private stagingUsed = 0;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private readonly sent: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  readonly dropped: Record<StreamName, number> = { stdout: 0, stderr: 0 };

  constructor(
    private readonly options: BatchOptions,
    private readonly send: (events: LogEvent[]) => void,
    private readonly now: () => number,
  ) {
  }

  /** Copies what it keeps: `data` may be a view of guest memory. */
  write(stream: StreamName, data: Uint8Array): void {
    const room = this.options.capBytes - this.sent[stream];
    if (data.byteLength > room) {
      this.dropped[stream] += data.byteLength - Math.max(room, 0);
      if (room <= 0) return;
      data = data.subarray(0, room);
    }
    this.sent[stream] += data.byteLength;
    const time = this.now();

    if (data.byteLength >= this.options.batchBytes / 2) {
      this.closeStaging();
      this.staged.push({ stream, data: data.slice(), timestamp: time });
      this.stagedBytes += data.byteLength;
    } else {
      if (this.stagingUsed + data.byteLength > this.staging.byteLength) {
        this.closeStaging();
        if (this.staging.byteLength === 0) this.staging = new Uint8Array(this.options.batchBytes);
      }
      const last = this.staged[this.staged.length - 1];
      const start = this.stagingUsed;
      this.staging.set(data, start);
      this.stagingUsed += data.byteLength;
      // Consecutive writes to one stream share one event (a view into the staging buffer).
      if (last !== undefined && last.stream === stream && last.data.buffer === this.staging.buffer) {
        last.data = this.staging.subarray(last.data.byteOffset, this.stagingUsed);
      } else {
        this.staged.push({ stream, data: this.staging.subarray(start, this.stagingUsed), timestamp: time });
      }
      this.stagedBytes += data.byteLength;
    }
    if (this.stagedBytes >= this.options.batchBytes || time - this.lastFlush >= this.options.flushMs) {
      this.lastFlush = time;
      this.flush();
    }
  }

  /** Sends staged bytes whose flush was held back, if that was `flushMs` ago (called at other host calls). */
  flushIfStale(): void {
    if (this.stagedBytes === 0) return;
    const time = this.now();
    if (time - this.lastFlush >= this.options.flushMs) {
      this.lastFlush = time;
      this.flush();
    }
  }

  flush(): void {
    if (this.staged.length === 0) return;
    const events = this.staged;
    this.closeStaging();
    this.staged = [];
    this.stagedBytes = 0;
    this.send(events);
  }

  /**
   * Detaches the staged events from the staging buffer, which will be reused: a mostly full
   * buffer is handed over whole (to be transferred) and replaced, a mostly empty one is copied
   * out at its used size, so small flushes do not pin a whole buffer each in the log store.
   */
  private closeStaging(): void {
    if (this.stagingUsed === 0) return;
    const buffer = this.staging.buffer;
    if (this.stagingUsed >= this.staging.byteLength / 4) {
      this.staging = new Uint8Array(0); // handed over whole; the next small write allocates anew
    } else {
      const copy = this.staging.slice(0, this.stagingUsed);
      for (const event of this.staged) {
        if (event.data.buffer === buffer) event.data = copy.subarray(event.data.byteOffset, event.data.byteOffset + event.data.byteLength);
      }
    }
    this.stagingUsed = 0;
  }
}
