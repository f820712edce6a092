import { type LogEvent, type StreamName, SUMMARY_BYTES } from './types.js';

export interface StreamStats {
  /** Bytes the guest wrote. */
  written: number;
  /** Bytes kept (at most the cap). */
  kept: number;
  /** Written past the cap: the tail was dropped. */
  truncated: boolean;
}

export interface LogStreamOptions {
  /** Keep the stream open and deliver new events until the execution ends. Default false. */
  follow?: boolean;
  /** Replay what was already written first (Bacalhau's Tail, once "withHistory"). Default true. */
  tail?: boolean;
}

/**
 * Every byte of an execution's stdout and stderr, in order, up to a cap per stream. Readers
 * replay the history and, with `follow`, receive new events until `close()`.
 */
export class LogStore {
  readonly events: LogEvent[] = [];
  private readonly stats: Record<StreamName, StreamStats> = {
    stdout: { written: 0, kept: 0, truncated: false },
    stderr: { written: 0, kept: 0, truncated: false },
  };
  private closed = false;
  private wake: (() => void) | null = null;
  private woken: Promise<void> | null = null;

  constructor(readonly capBytes: number) {}

  append(event: LogEvent): void {
    if (this.closed) return;
    const stats = this.stats[event.stream];
    stats.written += event.data.byteLength;
    const room = this.capBytes - stats.kept;
    if (event.data.byteLength > room) stats.truncated = true;
    const data = event.data.byteLength > room ? event.data.subarray(0, room) : event.data;
    if (data.byteLength === 0) return;
    stats.kept += data.byteLength;
    this.events.push(data === event.data ? event : { ...event, data });
    this.notify();
  }

  /** Records bytes a worker dropped past the cap before sending. */
  addDropped(stream: StreamName, bytes: number): void {
    if (bytes <= 0) return;
    this.stats[stream].written += bytes;
    this.stats[stream].truncated = true;
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  statsOf(stream: StreamName): StreamStats {
    return { ...this.stats[stream] };
  }

  /** Bacalhau's summary: the first `limit` bytes of the stream, and whether it held more. */
  summary(stream: StreamName, limit = SUMMARY_BYTES): { bytes: Uint8Array; truncated: boolean } {
    const out = new Uint8Array(Math.min(limit, this.stats[stream].kept));
    let at = 0;
    for (const event of this.events) {
      if (at === out.byteLength) break;
      if (event.stream !== stream) continue;
      const part = event.data.subarray(0, out.byteLength - at);
      out.set(part, at);
      at += part.byteLength;
    }
    return { bytes: out, truncated: this.stats[stream].written > limit };
  }

  /** Events as an async iterable: history (unless tail is false), then live ones with follow. */
  stream({ follow = false, tail = true }: LogStreamOptions = {}): AsyncIterable<LogEvent> {
    const start = tail ? 0 : this.events.length;
    return {
      [Symbol.asyncIterator]: () => {
        let next = start;
        return {
          next: async (): Promise<IteratorResult<LogEvent>> => {
            for (;;) {
              if (next < this.events.length) return { done: false, value: this.events[next++]! };
              if (!follow || this.closed) return { done: true, value: undefined };
              await this.changed();
            }
          },
          return: async (): Promise<IteratorResult<LogEvent>> => {
            follow = false;
            next = Number.POSITIVE_INFINITY;
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  private changed(): Promise<void> {
    this.woken ??= new Promise((resolve) => (this.wake = resolve));
    return this.woken;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    this.woken = null;
    wake?.();
  }
}
