/**
 * Which records of a trace a reader wants: by function, errno, path and fd. A TraceFilter scans a
 * trace a time slice at a time (a million records never block a page) and gives the rows to show,
 * with the calls dropped between the oldest and newest kept as one row.
 */
import { type CallSpec, callName, type FdValue, TRACED_CALLS, type TraceValue } from './calls.js';
import { isError } from './record.js';
import type { Trace, TraceRecord } from './store.js';

export interface TraceCriteria {
  /** A function name, or '' for all. */
  fn: string;
  errorsOnly: boolean;
  /** Text a path argument or result (or an fd's path) contains, any case. */
  path: string;
  /** An fd number among the arguments or results, as typed ('' for any). */
  fd: string;
}

export const NO_CRITERIA: TraceCriteria = { fn: '', errorsOnly: false, path: '', fd: '' };

export const isFiltered = (criteria: TraceCriteria): boolean =>
  criteria.fn !== '' || criteria.errorsOnly || criteria.path.trim() !== '' || criteria.fd.trim() !== '';

const isFd = (value: TraceValue): value is FdValue =>
  typeof value === 'object' && !Array.isArray(value) && 'fd' in value && typeof value.fd === 'number';

/** The fds among a record's arguments and results (nested ones, in subscriptions, too). */
function* fdsOf(record: TraceRecord): Generator<FdValue> {
  const stack: TraceValue[] = [...Object.values(record.args), ...Object.values(record.result ?? {})];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (isFd(value)) yield value;
    else if (typeof value === 'object') stack.push(...(Object.values(value) as TraceValue[]));
  }
}

/** The paths a record names: path arguments and results, link targets, directory entries, fds' paths. */
function pathsOf(record: TraceRecord, call: CallSpec): string[] {
  return call.params.flatMap(({ name, kind }) => {
    const holder = kind.out ? record.result : record.args;
    const value = kind.fields ? holder : holder?.[name];
    return value === undefined || kind.paths === undefined ? [] : kind.paths(value);
  });
}

/** The test a record must pass (null: every record does). Header tests come first: they need no decoding. */
function testOf(trace: Trace, criteria: TraceCriteria): ((seq: number) => boolean) | null {
  if (!isFiltered(criteria)) return null;
  const call = criteria.fn === '' ? -1 : TRACED_CALLS.findIndex((c) => callName(c) === criteria.fn);
  const needle = criteria.path.trim().toLowerCase();
  const fd = criteria.fd.trim() === '' ? null : Number(criteria.fd);
  return (seq) => {
    const header = trace.headerAt(seq);
    if (header === undefined) return false;
    if (call !== -1 && header.call !== call) return false;
    if (criteria.errorsOnly && !isError(header)) return false;
    if (needle === '' && fd === null) return true;
    const record = trace.record(seq)!;
    if (fd !== null && ![...fdsOf(record)].some((value) => value.fd === fd)) return false;
    return (
      needle === '' || pathsOf(record, TRACED_CALLS[header.call]!).some((path) => path.toLowerCase().includes(needle))
    );
  };
}

/** Matches of dropped records kept at most before they are forgotten. */
const STALE_MATCHES = 65_536;

/** A row of the trace pane: a record, or the calls dropped between the oldest and newest kept. */
export type TraceRow = { seq: number } | { dropped: number };

export interface TraceRows {
  count: number;
  row(index: number): TraceRow;
  /** The row of a record, or -1 when it is not among them. */
  indexOf(seq: number): number;
}

/**
 * The records matching criteria, found a time slice at a time (kept as sequence numbers, in
 * order). Records the trace stops keeping (the newest half rolls on) drop out of the rows.
 */
export class TraceFilter {
  private matches = new Uint32Array(1024);
  private count = 0;

  private next = 0;
  private readonly test: ((seq: number) => boolean) | null;

  constructor(
    private readonly trace: Trace,
    criteria: TraceCriteria,
  ) {
    this.test = testOf(trace, criteria);
  }

  /** Matches held: those among records dropped since they were found are forgotten in bulk. */
  get matched(): number {
    return this.count;
  }

  /** Tests more records for at most `budgetMs`; true once every record received has been tested. */
  scan(budgetMs: number): boolean {
    if (this.test === null) return true;
    const deadline = performance.now() + budgetMs;
    while (this.next < this.trace.calls) {
      if (this.next >= this.trace.headCount && this.next < this.trace.tailFirstSeq) this.next = this.trace.tailFirstSeq;
      const stop = Math.min(this.trace.calls, this.next + 512);
      for (; this.next < stop; this.next++) {
        if (!this.test(this.next)) continue;
        if (this.count === this.matches.length) {
          const grown = new Uint32Array(this.count * 2);
          grown.set(this.matches);
          this.matches = grown;
        }
        this.matches[this.count++] = this.next;
      }
      if (performance.now() > deadline) break;
    }
    this.forgetDropped();
    return this.next >= this.trace.calls;
  }

  /** Drops, in bulk, the matches among records the trace no longer keeps, so that matches stay as bounded as the trace. */
  private forgetDropped(): void {
    const head = this.firstMatchFrom(this.trace.headCount);
    const tail = this.firstMatchFrom(this.trace.tailFirstSeq);
    if (tail - head < STALE_MATCHES) return;
    this.matches.copyWithin(head, tail, this.count);
    this.count -= tail - head;
  }

  /** The rows to show now: the kept records (or the matches among them), with the dropped calls between. */
  rows(): TraceRows {
    const { trace } = this;
    const gap = trace.dropped > 0 ? 1 : 0;
    if (this.test === null) {
      const head = trace.headCount;
      return {
        count: trace.kept + gap,
        row: (index) =>
          index < head
            ? { seq: index }
            : gap === 1 && index === head
              ? { dropped: trace.dropped }
              : { seq: trace.tailFirstSeq + (index - head - gap) },
        indexOf: (seq) => {
          const row = trace.rowOf(seq);
          return row === -1 || row < head ? row : row + gap;
        },
      };
    }
    const head = this.firstMatchFrom(trace.headCount);
    const tail = this.firstMatchFrom(trace.tailFirstSeq);
    const headRows = Math.min(head, tail);
    return {
      count: headRows + gap + (this.count - tail),
      row: (index) =>
        index < headRows
          ? { seq: this.matches[index]! }
          : gap === 1 && index === headRows
            ? { dropped: trace.dropped }
            : { seq: this.matches[tail + (index - headRows - gap)]! },
      indexOf: (seq) => {
        const at = this.firstMatchFrom(seq);
        if (this.matches[at] !== seq || at >= this.count || trace.rowOf(seq) === -1) return -1;
        return at < headRows ? at : headRows + gap + (at - tail);
      },
    };
  }

  /** The index of the first match at or after sequence number `seq`. */
  private firstMatchFrom(seq: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.matches[mid]! < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
