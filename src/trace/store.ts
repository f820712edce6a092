import { normalizePath } from '../mounts/paths.js';
import type { TraceBatch } from '../protocol/trace-staging.js';
import { callName, type FdPaths, type FdValue, TRACED_CALLS, type TraceValue } from './calls.js';
import { errnoName } from './names.js';
import {
  Decoder,
  FLAG_LOG,
  FLAG_STDERR,
  FLAG_THREW,
  FLAG_UNREADABLE,
  f32At,
  f64At,
  HEADER_WORDS,
  headerOf,
  isError,
  NO_ERRNO,
  recordStarts,
} from './record.js';

/** One host call as the trace shows it (and as `brine run --trace` writes it, one JSON object per line). */
export interface TraceRecord {
  /** 0 for the run's first call. */
  seq: number;
  fn: string;
  /** The module that made the call, when the run linked several. */
  module?: string;
  /** ms since the run began. */
  start: number;
  /** µs. */
  dur: number;
  args: Record<string, TraceValue>;
  /** The errno's WASI name (`success`, `noent`, ...); null when the call did not return (proc_exit, a host error). */
  errno: string | null;
  /** What the call wrote back, when it succeeded. */
  result?: Record<string, TraceValue>;
  /** The bytes the call wrote to stdout or stderr: their offset across both streams, as log events count it. */
  log?: { stream: 'stdout' | 'stderr'; offset: number; bytes: number };
  /** The call threw a host error (the run failed). */
  threw?: true;
  /** The arguments pointed outside the guest's memory: they were not read. */
  unreadable?: true;
}

export interface CallSummary {
  fn: string;
  count: number;
  /** Calls that returned an errno other than success, or threw. */
  errors: number;
  /** µs in the call, all calls together. */
  totalUs: number;
}

/** The shape of a run's trace: the calls made, those kept and dropped, and per function. */
export interface TraceSummary {
  calls: number;
  kept: number;
  /** Calls between the oldest and the newest kept that were not kept. */
  dropped: number;
  /** Every function called, the most called first. */
  byFunction: CallSummary[];
}

/** Records kept by default per execution: half the oldest, half the newest. */
export const DEFAULT_TRACE_LIMIT = 1_000_000;

const FIRST_CHUNK_WORDS = 4096;
const CHUNK_WORDS = 1 << 16;
const PATH_OPEN = callIndex('path_open');
const FD_CLOSE = callIndex('fd_close');
const FD_RENUMBER = callIndex('fd_renumber');

function callIndex(name: string): number {
  return TRACED_CALLS.findIndex((call) => call.namespace === 'wasi_snapshot_preview1' && call.name === name);
}

/** An fd's path changing after a record: opened (a path), closed or renumbered away (undefined). */
interface FdChange {
  after: number;
  fd: number;
  path: string | undefined;
}

/** Consecutive kept records, copied in; the fds' paths before the first, and how they changed. */
class Chunk {
  words = new Int32Array(FIRST_CHUNK_WORDS);
  used = 0;
  starts = new Uint32Array(256);
  count = 0;
  readonly fdChanges: FdChange[] = [];
  /** The log bytes its records wrote: from the first one's offset to the last one's end. */
  logFrom = Number.POSITIVE_INFINITY;
  logTo = 0;

  constructor(
    readonly firstSeq: number,
    private readonly fdsBefore: ReadonlyMap<number, string>,
  ) {}

  /** Whether `length` more words fit without going past CHUNK_WORDS (a record always fits an empty chunk). */
  fits(length: number): boolean {
    return this.count === 0 || this.used + length <= CHUNK_WORDS;
  }

  /** Copies in records `from` to `to` of `words` (`starts` holds where each begins, `end` where the last ends). */
  add(words: Int32Array, starts: Uint32Array, from: number, to: number, end: number): void {
    const length = end - starts[from]!;
    if (this.used + length > this.words.length) {
      const grown = new Int32Array(Math.min(Math.max(this.words.length * 2, this.used + length), CHUNK_WORDS));
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    if (this.count + (to - from) > this.starts.length) {
      const grown = new Uint32Array(Math.max(this.starts.length * 2, this.count + (to - from)));
      grown.set(this.starts.subarray(0, this.count));
      this.starts = grown;
    }
    this.words.set(words.subarray(starts[from], end), this.used);
    const shift = this.used - starts[from]!;
    for (let i = from; i < to; i++) {
      const at = starts[i]!;
      this.starts[this.count++] = at + shift;
      if ((words[at]! >>> 8) & FLAG_LOG) {
        const offset = f64At(words, at + HEADER_WORDS);
        this.logFrom = Math.min(this.logFrom, offset);
        this.logTo = offset + (words[at + HEADER_WORDS + 2]! >>> 0);
      }
    }
    this.used += length;
  }

  /** The path `fd` referred to before record `index` (or after it, with `after`). */
  fdPath(fd: number, index: number, after: boolean): string | undefined {
    const limit = after ? index : index - 1;
    for (let i = this.fdChanges.length - 1; i >= 0; i--) {
      const change = this.fdChanges[i]!;
      if (change.after <= limit && change.fd === fd) return change.path;
    }
    return this.fdsBefore.get(fd);
  }

  get byteLength(): number {
    return this.words.byteLength + this.starts.byteLength;
  }
}

/**
 * The host's trace of one execution: every record the worker posts is counted (in the summary
 * by function) and the oldest `limit / 2` and newest `limit / 2` are kept, with a count of those
 * dropped between them. So a guest making ten million calls costs the host at most `limit`
 * records (~50 bytes each for small calls). Records are kept in their binary form (src/trace/record.ts)
 * and decoded when asked for; the paths of fds come from replaying the opens, closes and
 * renumbers the guest made, from the preopens on.
 */
export class TraceStore {
  private readonly head: Chunk[] = [];
  private readonly tail: Chunk[] = [];
  /** Records at the start of tail[0] that are no longer kept. */
  private tailSkip = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly fds: Map<number, string>;
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly micros: Float64Array;
  /** Records received: the next one's sequence number. */
  calls = 0;
  headCount = 0;
  tailCount = 0;

  constructor(
    limit: number,
    /** The path of each fd open when the run starts (stdio and preopens). */
    fds: ReadonlyMap<number, string>,
    /** The run's module names, by index (records name the caller when there are several). */
    private readonly modules: readonly string[] = [],
  ) {
    this.headLimit = Math.ceil(limit / 2);
    this.tailLimit = Math.floor(limit / 2);
    this.fds = new Map(fds);
    this.counts = new Float64Array(TRACED_CALLS.length);
    this.errors = new Float64Array(TRACED_CALLS.length);
    this.micros = new Float64Array(TRACED_CALLS.length);
  }

  get kept(): number {
    return this.headCount + this.tailCount;
  }

  get dropped(): number {
    return this.calls - this.kept;
  }

  /** The sequence number of the first newest record kept (the records before it and from headCount on were dropped). */
  get tailFirstSeq(): number {
    return this.calls - this.tailCount;
  }

  /** Bytes the kept records take. */
  get byteLength(): number {
    return [...this.head, ...this.tail].reduce((sum, chunk) => sum + chunk.byteLength, 0);
  }

  /**
   * Takes the records of `batch` not received yet; returns how many. Batches must come in order:
   * one starting past the records received (a read of the staging overtaking a batch on its way)
   * is refused.
   */
  append(batch: TraceBatch): number {
    if (batch.firstSeq > this.calls) return 0;
    const { words } = batch;
    const starts = recordStarts(words);
    const end = (i: number) => (i + 1 < starts.length ? starts[i + 1]! : words.length);
    const before = this.calls;
    for (let from = this.calls - batch.firstSeq; from < starts.length; ) {
      const toHead = this.headCount < this.headLimit;
      const chunks = toHead ? this.head : this.tail;
      let chunk = chunks[chunks.length - 1];
      if (chunk === undefined || !chunk.fits(end(from) - starts[from]!)) {
        chunk = new Chunk(this.calls, new Map(this.fds));
        chunks.push(chunk);
      }
      // The records that go on into this chunk: those that fit, and in the head those it has room for.
      const room = toHead ? this.headLimit - this.headCount : Number.POSITIVE_INFINITY;
      let to = from + 1;
      while (to < starts.length && to - from < room && chunk.fits(end(to) - starts[from]!)) to++;
      const first = chunk.count;
      chunk.add(words, starts, from, to, end(to - 1));
      for (let i = from; i < to; i++) this.count(chunk, first + (i - from), words, starts[i]!);
      if (toHead) this.headCount += to - from;
      else this.tailCount += to - from;
      from = to;
    }
    this.trimTail();
    return this.calls - before;
  }

  /** The sequence number of the kept record in row `row` (the head's rows, then the tail's). */
  seqAt(row: number): number {
    return row < this.headCount ? row : this.tailFirstSeq + (row - this.headCount);
  }

  /** The row of a kept record, or -1. */
  rowOf(seq: number): number {
    if (seq < this.headCount) return seq;
    if (seq >= this.tailFirstSeq && seq < this.calls) return this.headCount + (seq - this.tailFirstSeq);
    return -1;
  }

  /** Call index (in TRACED_CALLS) and errno of a kept record, without decoding it; undefined if not kept. */
  headerAt(seq: number): { call: number; errno: number; flags: number } | undefined {
    const found = this.locate(seq);
    return found && headerOf(found.chunk.words, found.chunk.starts[found.index]!);
  }

  /** A kept record, decoded; undefined if it was dropped or not received. */
  record(seq: number): TraceRecord | undefined {
    const found = this.locate(seq);
    return found && this.decode(found.chunk, found.index, seq);
  }

  /** The kept record whose log bytes include byte `offset` (counted across both streams), if any. */
  recordAtLogOffset(offset: number): number | undefined {
    for (const chunk of [...this.head, ...this.tail]) {
      if (offset < chunk.logFrom || offset >= chunk.logTo) continue;
      const first = chunk === this.tail[0] ? this.tailSkip : 0;
      for (let i = first; i < chunk.count; i++) {
        const at = chunk.starts[i]!;
        if (!(headerOf(chunk.words, at).flags & FLAG_LOG)) continue;
        const log = new Decoder(chunk.words, at + HEADER_WORDS);
        const from = log.f64();
        if (offset >= from && offset < from + log.u32()) return chunk.firstSeq + i;
      }
    }
    return undefined;
  }

  /** Every function called so far, with its count, errors and time; the most called first. */
  summary(): TraceSummary {
    const byFunction: CallSummary[] = [];
    this.counts.forEach((count, call) => {
      if (count > 0) {
        byFunction.push({
          fn: callName(TRACED_CALLS[call]!),
          count,
          errors: this.errors[call]!,
          totalUs: this.micros[call]!,
        });
      }
    });
    byFunction.sort((a, b) => b.count - a.count || a.fn.localeCompare(b.fn));
    return { calls: this.calls, kept: this.kept, dropped: this.dropped, byFunction };
  }

  /** The kept records in order, with the number dropped between the oldest and the newest. */
  *entries(): Generator<TraceRecord | { dropped: number }> {
    for (let seq = 0; seq < this.headCount; seq++) yield this.record(seq)!;
    if (this.dropped > 0) yield { dropped: this.dropped };
    for (let seq = this.tailFirstSeq; seq < this.calls; seq++) yield this.record(seq)!;
  }

  /** Counts a record in the summary, and follows the fds it opens, closes or renumbers. */
  private count(chunk: Chunk, index: number, words: Int32Array, at: number): void {
    const call = words[at]! & 0xff;
    const errno = words[at + 1]! & 0xffff;
    this.counts[call]!++;
    if (isError({ errno, flags: (words[at]! >>> 8) & 0xff })) this.errors[call]!++;
    this.micros[call]! += f32At(words, at + 4);
    const seq = this.calls++;
    if (errno === 0 && (call === PATH_OPEN || call === FD_CLOSE || call === FD_RENUMBER)) {
      this.replay(call, chunk, index, seq);
    }
  }

  /** Follows an fd's path through an open, close or renumber. */
  private replay(call: number, chunk: Chunk, index: number, seq: number): void {
    const { args, result } = this.decode(chunk, index, seq);
    const change = (fd: number, path: string | undefined) => {
      if (path === undefined) this.fds.delete(fd);
      else this.fds.set(fd, path);
      chunk.fdChanges.push({ after: index, fd, path });
    };
    const { fd, path } = args['fd'] as FdValue;
    if (call === PATH_OPEN) {
      const opened = (result!['opened_fd'] as FdValue).fd;
      change(opened, path === undefined ? undefined : `/${normalizePath(`${path}/${args['path'] as string}`)}`);
    } else if (call === FD_CLOSE) {
      change(fd, undefined);
    } else {
      change(fd, undefined);
      change((args['to'] as FdValue).fd, path);
    }
  }

  private trimTail(): void {
    while (this.tailCount > this.tailLimit) {
      const first = this.tail[0]!;
      const excess = this.tailCount - this.tailLimit;
      const left = first.count - this.tailSkip;
      if (excess >= left && this.tail.length > 1) {
        this.tail.shift();
        this.tailSkip = 0;
        this.tailCount -= left;
      } else {
        const trimmed = Math.min(excess, left);
        this.tailSkip += trimmed;
        this.tailCount -= trimmed;
      }
    }
  }

  private locate(seq: number): { chunk: Chunk; index: number } | undefined {
    const chunks = seq < this.headCount ? this.head : seq >= this.tailFirstSeq && seq < this.calls ? this.tail : null;
    if (chunks === null) return undefined;
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (chunks[mid]!.firstSeq <= seq) low = mid;
      else high = mid - 1;
    }
    const chunk = chunks[low]!;
    return { chunk, index: seq - chunk.firstSeq };
  }

  private decode(chunk: Chunk, index: number, seq: number): TraceRecord {
    const at = chunk.starts[index]!;
    const { call, flags, errno, module } = headerOf(chunk.words, at);
    const spec = TRACED_CALLS[call]!;
    const d = new Decoder(chunk.words, at + 2);
    const start = d.f64();
    const dur = d.f32();
    const log: TraceRecord['log'] =
      flags & FLAG_LOG
        ? { stream: flags & FLAG_STDERR ? 'stderr' : 'stdout', offset: d.f64(), bytes: d.u32() }
        : undefined;
    const args: Record<string, TraceValue> = {};
    let result: Record<string, TraceValue> | undefined;
    if (!(flags & FLAG_UNREADABLE)) {
      const fds: FdPaths = (fd, after) => chunk.fdPath(fd, index, after);
      const decodeInto = (target: Record<string, TraceValue>, out: boolean) => {
        for (const param of spec.params) {
          if (Boolean(param.kind.out) !== out) continue;
          const value = param.kind.decode(d, fds);
          if (param.kind.fields) Object.assign(target, value);
          else target[param.name] = value;
        }
      };
      decodeInto(args, false);
      if (errno === 0 && spec.params.some((param) => param.kind.out)) {
        result = {};
        decodeInto(result, true);
      }
    }
    return {
      seq,
      fn: callName(spec),
      ...(this.modules.length > 1 ? { module: this.modules[module] ?? String(module) } : {}),
      start: Math.round(start * 1000) / 1000,
      dur: Math.round(dur * 1000) / 1000,
      args,
      errno: errno === NO_ERRNO ? null : (spec.results?.[errno] ?? errnoName(errno)),
      ...(result === undefined ? {} : { result }),
      ...(log === undefined ? {} : { log }),
      ...(flags & FLAG_THREW ? { threw: true as const } : {}),
      ...(flags & FLAG_UNREADABLE ? { unreadable: true as const } : {}),
    };
  }
}

/** The trace as JSON lines (`brine run --trace`): one record per line, and `{"dropped": N}` where calls were dropped. */
export function* jsonLines(trace: Trace): Generator<string> {
  for (const entry of trace.entries()) yield `${JSON.stringify(entry)}\n`;
}

/** A trace as its readers see it (the executor keeps appending to it while the run goes on). */
export type Trace = Readonly<
  Pick<
    TraceStore,
    | 'calls'
    | 'kept'
    | 'dropped'
    | 'headCount'
    | 'tailFirstSeq'
    | 'byteLength'
    | 'seqAt'
    | 'rowOf'
    | 'headerAt'
    | 'record'
    | 'recordAtLogOffset'
    | 'summary'
    | 'entries'
  >
>;
