/** Trace records as they travel: consecutive records (see src/trace/record.ts), the first one's sequence number. */
export interface TraceBatch {
  firstSeq: number;
  words: Int32Array;
}

// Layout: an Int32 header [sequence, words used], then Float64 [first record's sequence number,
// time of the last drain (ms since the epoch)], then the records' words.
const SEQUENCE = 0;
const USED = 1;
const FIRST_SEQ = 1;
const DRAINED_AT = 2;
const HEADER_BYTES = 24;

/**
 * The worker's trace records not yet posted, in one buffer. As with the log staging
 * (log-staging.ts), when the buffer is a SharedArrayBuffer the host reads it too: the records of a
 * guest that then computes for long without host calls, or is cancelled, are not held back or lost.
 *
 * The worker is the only writer. Records are only ever appended past `used`, and `used` is stored
 * after their words, so a reader that loads it copies whole records. A drain empties the staging
 * for reuse: it makes the sequence odd while it works and even again after, so a reader that saw
 * it odd or moving during its copy tries again.
 */
export class TraceStaging {
  private readonly header: Int32Array;
  private readonly times: Float64Array;
  /** The records' words (the worker's encoder writes them in place), and the same memory as bytes. */
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  static byteLength(capacityWords: number): number {
    return HEADER_BYTES + capacityWords * 4;
  }

  constructor(buffer: ArrayBufferLike) {
    this.header = new Int32Array(buffer, 0, 2);
    this.times = new Float64Array(buffer, 0, 3);
    this.words = new Int32Array(buffer, HEADER_BYTES);
    this.bytes = new Uint8Array(buffer, HEADER_BYTES);
  }

  get used(): number {
    return Atomics.load(this.header, USED);
  }

  /** Worker: the records up to word `used` are complete. */
  commit(used: number): void {
    Atomics.store(this.header, USED, used);
  }

  /** Worker: the staged records (copied out, to transfer), leaving the staging empty; the next record is number `nextSeq`. */
  drain(nextSeq: number, now: number): TraceBatch | null {
    const batch = this.copy();
    Atomics.add(this.header, SEQUENCE, 1);
    this.times[FIRST_SEQ] = nextSeq;
    this.times[DRAINED_AT] = now;
    Atomics.store(this.header, USED, 0);
    Atomics.add(this.header, SEQUENCE, 1);
    return batch;
  }

  /**
   * Host: a copy of the staged records, left in place (the worker still posts them; the host keeps
   * only what it has not got yet). Null when nothing is staged, when the last drain is less than
   * `minAgeMs` old (the worker is posting: its batches will come), or when the worker drained
   * during every attempt.
   */
  peek(minAgeMs: number, now: number): TraceBatch | null {
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = Atomics.load(this.header, SEQUENCE);
      if (before % 2 === 1) continue;
      if (now - this.times[DRAINED_AT]! < minAgeMs) return null;
      const batch = this.copy();
      if (Atomics.load(this.header, SEQUENCE) === before) return batch;
    }
    return null;
  }

  private copy(): TraceBatch | null {
    const used = Atomics.load(this.header, USED);
    if (used === 0) return null;
    return { firstSeq: this.times[FIRST_SEQ]!, words: this.words.slice(0, used) };
  }
}
