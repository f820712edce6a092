import type { LogEvent, StreamName } from '../logs/types.js';

/** Log events with each one's position in the output: bytes of both streams sent before it. */
export interface LogBatch {
  events: LogEvent[];
  offsets: number[];
}

/** Events one staging area holds; a write that would need more flushes first. */
const MAX_EVENTS = 256;
const STREAMS: readonly StreamName[] = ['stdout', 'stderr'];
/** Added to an event's stream code when later writes must not join it (a stream's first write). */
const SEALED = 2;

// Layout: an Int32 header [sequence, event count, bytes used]; per event a Float64 pair
// [timestamp, offset] and an Int32 triple [stream, start, end]; then the bytes.
const SEQUENCE = 0;
const COUNT = 1;
const USED = 2;
const HEADER_BYTES = 16;
const TIMES_BYTES = MAX_EVENTS * 16;
const TABLE_BYTES = MAX_EVENTS * 12;

/**
 * The worker's staged log bytes (written by the guest, not yet posted), laid out in one buffer.
 * When the buffer is a SharedArrayBuffer the host can read them too, so output staged before a
 * worker is terminated, or while a guest computes without host calls, is not lost or held back.
 *
 * The worker is the only writer. Each change publishes with its last store (bytes first, then
 * the end or count that covers them), so any state, even that of a worker killed mid-change, is
 * readable; a drain frees the bytes for reuse, so every change also bumps a sequence number and a
 * reader that saw it move during its copy tries again.
 */
export class LogStaging {
  private readonly header: Int32Array;
  private readonly times: Float64Array;
  private readonly table: Int32Array;
  private readonly bytes: Uint8Array;

  static byteLength(capacity: number): number {
    return HEADER_BYTES + TIMES_BYTES + TABLE_BYTES + capacity;
  }

  constructor(readonly buffer: ArrayBufferLike) {
    this.header = new Int32Array(buffer, 0, 4);
    this.times = new Float64Array(buffer, HEADER_BYTES, MAX_EVENTS * 2);
    this.table = new Int32Array(buffer, HEADER_BYTES + TIMES_BYTES, MAX_EVENTS * 3);
    this.bytes = new Uint8Array(buffer, HEADER_BYTES + TIMES_BYTES + TABLE_BYTES);
  }

  get capacity(): number {
    return this.bytes.byteLength;
  }

  get empty(): boolean {
    return Atomics.load(this.header, COUNT) === 0;
  }

  /** Whether `size` more bytes of `stream` fit without a flush (`alone`: in an event of their own). */
  fits(stream: StreamName, size: number, alone = false): boolean {
    const count = Atomics.load(this.header, COUNT);
    const used = Atomics.load(this.header, USED);
    if (used + size > this.bytes.byteLength) return false;
    return count < MAX_EVENTS || (!alone && this.table[(count - 1) * 3] === STREAMS.indexOf(stream));
  }

  /**
   * Worker: stages bytes (which must fit); consecutive writes to one stream share one event,
   * unless `alone` (a stream's first write is an event of its own).
   */
  stage(stream: StreamName, data: Uint8Array, timestamp: number, offset: number, alone = false): void {
    const count = Atomics.load(this.header, COUNT);
    const used = Atomics.load(this.header, USED);
    const code = STREAMS.indexOf(stream);
    Atomics.add(this.header, SEQUENCE, 1);
    this.bytes.set(data, used);
    const last = (count - 1) * 3;
    if (count > 0 && this.table[last] === code && !alone) {
      Atomics.store(this.table, last + 2, used + data.byteLength);
    } else {
      this.times[count * 2] = timestamp;
      this.times[count * 2 + 1] = offset;
      this.table[count * 3] = alone ? code + SEALED : code;
      this.table[count * 3 + 1] = used;
      this.table[count * 3 + 2] = used + data.byteLength;
      Atomics.store(this.header, COUNT, count + 1);
    }
    Atomics.store(this.header, USED, used + data.byteLength);
    Atomics.add(this.header, SEQUENCE, 1);
  }

  /** Worker: the staged events (copied out in one buffer, to transfer), leaving the staging empty. */
  drain(): LogBatch | null {
    const batch = this.copy();
    if (batch !== null) this.clear();
    return batch;
  }

  /** Worker: empties the staging (a lane run's tail, which the host took). */
  clear(): void {
    Atomics.add(this.header, SEQUENCE, 1);
    Atomics.store(this.header, COUNT, 0);
    Atomics.store(this.header, USED, 0);
    Atomics.add(this.header, SEQUENCE, 1);
  }

  /**
   * Host: a copy of what is staged, leaving it in place (the worker still posts it; the host
   * keeps only what it has not got yet). Null when nothing is staged, or when the worker changed
   * it during every attempt (it is busy writing, and will flush soon).
   */
  peek(): LogBatch | null {
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = Atomics.load(this.header, SEQUENCE);
      const batch = this.copy();
      if (Atomics.load(this.header, SEQUENCE) === before) return batch;
    }
    return null;
  }

  private copy(): LogBatch | null {
    const count = Atomics.load(this.header, COUNT);
    if (count === 0) return null;
    const ends: number[] = [];
    for (let i = 0; i < count; i++) ends.push(Atomics.load(this.table, i * 3 + 2));
    // The first event starts at 0: a drain empties the whole staging.
    const data = this.bytes.slice(0, ends[count - 1]);
    const events: LogEvent[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < count; i++) {
      const stream = STREAMS[this.table[i * 3]! % SEALED]!;
      events.push({ stream, data: data.subarray(this.table[i * 3 + 1], ends[i]), timestamp: this.times[i * 2]! });
      offsets.push(this.times[i * 2 + 1]!);
    }
    return { events, offsets };
  }
}
