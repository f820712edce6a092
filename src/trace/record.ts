/**
 * The binary form of trace records, written by the worker and read on the host. A record is a run
 * of Int32 words:
 *
 *   w0    call id (bits 0–7) | flags (8–15) | length of the record in words (16–31)
 *   w1    errno (bits 0–15; NO_ERRNO when the call did not return) | module index (16–31)
 *   w2–3  start: ms since the run began (f64)
 *   w4    duration in µs (f32)
 *   w5–7  with the `log` flag: the log bytes it wrote, their offset across both streams (f64) and length
 *   then  the arguments' words (see calls.ts), and the results' words when the call succeeded.
 *
 * Records are packed one after the other, so a batch is one buffer to transfer, and a million
 * records of small calls take about 50 MB on the host instead of the ~500 MB of objects.
 */

export const HEADER_WORDS = 5;
/** The call did not return (proc_exit, or an error thrown through it). */
export const NO_ERRNO = 0xffff;
/** Text (paths, link targets, directory entries) is kept up to this many bytes per value. */
export const MAX_TEXT_BYTES = 1024;
/** No record is longer (two texts at most, and a few dozen words besides). */
export const MAX_RECORD_WORDS = 1024;

export const FLAG_LOG = 1;
export const FLAG_STDERR = 2;
/** The call ended the run: proc_exit. */
export const FLAG_EXIT = 4;
/** The call threw (a host error). */
export const FLAG_THREW = 8;
/** Its arguments pointed outside the guest's memory: only the header was kept. */
export const FLAG_UNREADABLE = 16;

// Conversions between words and f64, f32, i64 (a record's words are not aligned for typed views).
const scratch = new ArrayBuffer(8);
const scratchWords = new Int32Array(scratch);
const scratchF64 = new Float64Array(scratch);
const scratchF32 = new Float32Array(scratch, 0, 1);
const scratchI64 = new BigInt64Array(scratch);

/** Writes a record's words, reading the guest memory its arguments point to. */
export class Encoder {
  at = 0;
  private view: DataView | null = null;

  constructor(
    readonly words: Int32Array,
    private readonly bytes: Uint8Array,
    /** The calling module's memory (it changes when the memory grows). */
    private memory: () => ArrayBuffer = () => new ArrayBuffer(0),
  ) {}

  /** The next record's arguments live in this memory. */
  readFrom(memory: () => ArrayBuffer): void {
    if (memory !== this.memory) {
      this.memory = memory;
      this.view = null;
    }
  }

  /** The guest's memory as a DataView, made again only after it grew. */
  guest(): DataView {
    const buffer = this.memory();
    if (this.view?.buffer !== buffer) this.view = new DataView(buffer);
    return this.view;
  }

  u32(value: number): void {
    this.words[this.at++] = value;
  }

  f32(value: number): void {
    scratchF32[0] = value;
    this.words[this.at++] = scratchWords[0]!;
  }

  f64(value: number): void {
    scratchF64[0] = value;
    this.words[this.at++] = scratchWords[0]!;
    this.words[this.at++] = scratchWords[1]!;
  }

  i64(value: bigint): void {
    scratchI64[0] = value;
    this.words[this.at++] = scratchWords[0]!;
    this.words[this.at++] = scratchWords[1]!;
  }

  /** `len` bytes of guest memory at `ptr`, kept up to MAX_TEXT_BYTES. */
  text(ptr: number, len: number): void {
    this.blob(new Uint8Array(this.guest().buffer, ptr >>> 0, Math.min(len >>> 0, MAX_TEXT_BYTES)), len >>> 0);
  }

  /** Bytes of a value `length` long (`data` holds at most MAX_TEXT_BYTES of it): the length, then the bytes. */
  blob(data: Uint8Array, length = data.byteLength): void {
    const kept = Math.min(data.byteLength, MAX_TEXT_BYTES);
    this.u32(length);
    this.bytes.set(kept < data.byteLength ? data.subarray(0, kept) : data, this.at * 4);
    this.at += (kept + 3) >> 2;
  }
}

const decoder = new TextDecoder();

/** Reads a record's words in the order the Encoder wrote them. */
export class Decoder {
  constructor(
    private readonly words: Int32Array,
    public at: number,
  ) {}

  u32(): number {
    return this.words[this.at++]! >>> 0;
  }

  f32(): number {
    return f32At(this.words, this.at++);
  }

  f64(): number {
    const value = f64At(this.words, this.at);
    this.at += 2;
    return value;
  }

  i64(): bigint {
    scratchWords[0] = this.words[this.at++]!;
    scratchWords[1] = this.words[this.at++]!;
    return scratchI64[0]!;
  }

  u64(): bigint {
    return BigInt.asUintN(64, this.i64());
  }

  /** Text as kept: cut ones end in "…" (their full length is `len`). */
  text(): string {
    const len = this.u32();
    const kept = Math.min(len, MAX_TEXT_BYTES);
    const bytes = new Uint8Array(this.words.buffer, this.words.byteOffset + this.at * 4, kept);
    this.at += (kept + 3) >> 2;
    const text = decoder.decode(bytes);
    return kept < len ? `${text}…` : text;
  }
}

/** Whether a record is an error: an errno other than success, or a host error thrown. */
export function isError({ errno, flags }: { errno: number; flags: number }): boolean {
  return (errno !== 0 && errno !== NO_ERRNO) || (flags & FLAG_THREW) !== 0;
}

/** The fields of a record's first two words and its length. */
export function headerOf(words: Int32Array, at: number) {
  const w0 = words[at]!;
  const w1 = words[at + 1]!;
  return { call: w0 & 0xff, flags: (w0 >>> 8) & 0xff, length: w0 >>> 16, errno: w1 & 0xffff, module: w1 >>> 16 };
}

/** The f64 at word `at`. */
export function f64At(words: Int32Array, at: number): number {
  scratchWords[0] = words[at]!;
  scratchWords[1] = words[at + 1]!;
  return scratchF64[0]!;
}

/** The f32 at word `at`. */
export function f32At(words: Int32Array, at: number): number {
  scratchWords[0] = words[at]!;
  return scratchF32[0]!;
}

/** Word offsets of the records in `words` (each record starts with its length). */
export function recordStarts(words: Int32Array): Uint32Array {
  let count = 0;
  for (let at = 0; at < words.length && words[at]! >>> 16 !== 0; at += words[at]! >>> 16) count++;
  const starts = new Uint32Array(count);
  for (let i = 0, at = 0; i < count; i++, at += words[at]! >>> 16) starts[i] = at;
  return starts;
}
