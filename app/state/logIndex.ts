/**
 * The live log, kept outside React: decoded text in chunks (one per batch) and, per line, its chunk,
 * start and end offsets and stream in typed arrays. Batches are queued as they arrive and indexed
 * a time slice at a time, so a flood of output never makes a long task; the view reads only the
 * lines it shows.
 */
import type { LogEvent, StreamName } from '../../src/logs/types';
import { DEFAULT_STYLE, type PackedStyle, styleAfter } from '../lib/ansi';

/** Lines shown at most (the page's height limit allows about two million rows); downloads keep all. */
export const MAX_LINES = 2_000_000;
/** A line without a newline is broken here, as a terminal would wrap it. */
const MAX_PENDING_CHARS = 1 << 20;

const STREAMS: readonly StreamName[] = ['stdout', 'stderr'];

/** `array` copied into a new one of `size` entries (the growth step of the columns below). */
function grown<T extends Uint32Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (length: number) => T)(size);
  next.set(array);
  return next;
}

const nextCapacity = (length: number) => Math.min(length * 2, MAX_LINES);

export interface LogLine {
  text: string;
  stream: StreamName;
  /** The ANSI style the line starts in (left by the earlier lines of its stream). */
  style: PackedStyle;
}

export class LogIndex {
  private chunks: string[] = [];
  // Per line: its chunk, its start and end in the chunk, its stream (0 stdout, 1 stderr) and the style it starts in.
  private chunkOf = new Uint32Array(4096);
  private startOf = new Uint32Array(4096);
  private endOf = new Uint32Array(4096);
  private streamOf = new Uint8Array(4096);
  private styleOf = new Uint8Array(4096);
  /** Each stream's style after its last complete line. */
  private styles = { stdout: DEFAULT_STYLE, stderr: DEFAULT_STYLE };
  private complete = 0;
  private decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  /** Text after each stream's last newline, shown as a trailing row until its line ends. */
  private pending = { stdout: '', stderr: '' };
  private queue: LogEvent[] = [];
  private queued = 0;
  private ended = false;
  /** Byte positions, kept for traced runs (their calls link to the bytes they wrote); see ByteLines. */
  private bytes: ByteLines | null = null;
  /** Lines past MAX_LINES that are not shown. */
  hiddenLines = 0;
  /** Bumped on every change, for the view to notice. */
  version = 0;

  /** Empties the index for a new run; `byteOffsets`: also keep where each line starts in the output. */
  reset(byteOffsets = false): void {
    this.bytes = byteOffsets ? new ByteLines() : null;
    this.chunks = [];
    this.chunkOf = new Uint32Array(4096);
    this.startOf = new Uint32Array(4096);
    this.endOf = new Uint32Array(4096);
    this.streamOf = new Uint8Array(4096);
    this.styleOf = new Uint8Array(4096);
    this.styles = { stdout: DEFAULT_STYLE, stderr: DEFAULT_STYLE };
    this.complete = 0;
    this.decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    this.pending = { stdout: '', stderr: '' };
    this.queue = [];
    this.queued = 0;
    this.ended = false;
    this.hiddenLines = 0;
    this.version++;
  }

  /** Lines that have ended (with a newline, or with the run). */
  get completeCount(): number {
    return this.complete;
  }

  /** Complete lines, then the streams' unfinished lines. */
  get count(): number {
    return this.complete + STREAMS.filter((stream) => this.pending[stream] !== '').length;
  }

  /** Queues a batch of output, to be indexed by `drain`. */
  enqueue(events: readonly LogEvent[]): void {
    this.queue.push(...events);
  }

  /** The run ended: once the queue is drained, the unfinished lines end too. */
  end(): void {
    this.ended = true;
  }

  /** Indexes queued output for about `budgetMs`; true when nothing is left to do. */
  drain(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (this.queued < this.queue.length && performance.now() < deadline) {
      const { stream, data } = this.queue[this.queued++]!;
      this.bytes?.event(stream, data);
      this.addText(stream, this.decoders[stream].decode(data, { stream: true }));
    }
    this.version++;
    if (this.queued < this.queue.length) return false;
    this.queue = [];
    this.queued = 0;
    if (this.ended) this.endLines();
    return true;
  }

  private endLines(): void {
    for (const stream of STREAMS) {
      const rest = this.pending[stream] + this.decoders[stream].decode();
      this.pending[stream] = '';
      if (rest !== '') this.addText(stream, `${rest}\n`);
    }
  }

  /** The line holding byte `offset` of `stream` (bytes counted across both streams), or -1; see ByteLines. */
  lineAtByte(stream: StreamName, offset: number): number {
    if (this.bytes === null) return -1;
    const pendingStart = this.bytes.startOfPending(stream);
    if (this.pending[stream] !== '' && pendingStart !== -1 && offset >= pendingStart) {
      return this.complete + STREAMS.filter((s) => this.pending[s] !== '').indexOf(stream);
    }
    return this.bytes.lineAt(stream, offset);
  }

  /** Where line `index` starts in the output (bytes across both streams), or -1 if not known. */
  byteOfLine(index: number): number {
    if (this.bytes === null) return -1;
    const { stream } = this.line(index);
    return index < this.complete ? this.bytes.startOfLine(index, stream) : this.bytes.startOfPending(stream);
  }

  line(index: number): LogLine {
    if (index >= this.complete) {
      const stream = STREAMS.filter((s) => this.pending[s] !== '')[index - this.complete] ?? 'stdout';
      return { text: this.pending[stream], stream, style: this.styles[stream] };
    }
    const chunk = this.chunks[this.chunkOf[index]!]!;
    return {
      text: chunk.slice(this.startOf[index], this.endOf[index]),
      stream: STREAMS[this.streamOf[index]!]!,
      style: this.styleOf[index]!,
    };
  }

  private addText(stream: StreamName, decoded: string): void {
    // Only the new text is searched, so a long unfinished line is not rescanned per batch.
    const firstNewline = decoded.indexOf('\n');
    if (firstNewline === -1 && this.pending[stream].length + decoded.length < MAX_PENDING_CHARS) {
      this.pending[stream] += decoded;
      return;
    }
    const text = this.pending[stream] + decoded;
    const offset = this.pending[stream].length;
    const chunk = this.chunks.push(text) - 1;
    const streamCode = STREAMS.indexOf(stream);
    // Only text with escape sequences changes styles: plain floods skip the per-line check.
    const styled = text.includes('\x1b');
    const add = (end: number) => {
      const style = this.styles[stream];
      if (styled) this.styles[stream] = styleAfter(text.slice(start, end), style);
      this.addLine(chunk, start, end, streamCode, style);
    };
    let start = 0;
    for (let nl = firstNewline; nl !== -1; nl = decoded.indexOf('\n', nl + 1)) {
      add(offset + nl);
      this.bytes?.newline(stream);
      start = offset + nl + 1;
    }
    if (text.length - start >= MAX_PENDING_CHARS) {
      add(text.length); // its rest goes on from the same byte, as far as links to the output go
      start = text.length;
    }
    this.pending[stream] = text.slice(start);
  }

  private addLine(chunk: number, start: number, end: number, stream: number, style: PackedStyle): void {
    if (this.complete >= MAX_LINES) {
      this.hiddenLines++;
      return;
    }
    const at = this.complete++;
    this.bytes?.line(at, STREAMS[stream]!);
    if (at === this.startOf.length) {
      const size = nextCapacity(at);
      this.chunkOf = grown(this.chunkOf, size);
      this.startOf = grown(this.startOf, size);
      this.endOf = grown(this.endOf, size);
      this.streamOf = grown(this.streamOf, size);
      this.styleOf = grown(this.styleOf, size);
    }
    this.chunkOf[at] = chunk;
    this.startOf[at] = start;
    this.endOf[at] = end;
    this.streamOf[at] = stream;
    this.styleOf[at] = style;
  }
}

/** Entries per page of a Column. */
const PAGE_BITS = 14;

/** A growing column of numbers kept in fixed pages: appending never copies what is there. */
class Column {
  private readonly pages: (Float64Array | Uint32Array)[] = [];
  length = 0;

  constructor(private readonly page: (size: number) => Float64Array | Uint32Array) {}

  push(value: number): void {
    const page = this.length >> PAGE_BITS;
    if (page === this.pages.length) this.pages.push(this.page(1 << PAGE_BITS));
    this.pages[page]![this.length & ((1 << PAGE_BITS) - 1)] = value;
    this.length++;
  }

  get(index: number): number {
    return this.pages[index >> PAGE_BITS]![index & ((1 << PAGE_BITS) - 1)]!;
  }

  /** The index of the last entry at most `value` (entries must grow), or -1. */
  lastAtMost(value: number): number {
    let low = 0;
    let high = this.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.get(mid) <= value) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }
}

/**
 * Where each line starts in the output, counted in bytes across both streams as log events
 * number them (a trace record's `log` offset), so that a call links to the lines it wrote and a
 * line to the call that wrote it. A '\n' byte never occurs inside a UTF-8 sequence, so the n-th
 * newline of a stream's decoded text is the n-th newline byte of its data.
 */
class ByteLines {
  private offset = 0;
  /** Each stream's unfinished line: its first byte, or -1 when that is the stream's next byte. */
  private pendingStart: Record<StreamName, number> = { stdout: -1, stderr: -1 };
  /** The event being indexed, where it starts in the output, and where its next newline is looked for. */
  private data: Uint8Array = new Uint8Array(0);
  private eventStart = 0;
  private cursor = 0;
  /** Each stream's complete lines in order: where each starts, and its index among all lines. */
  private readonly lines: Record<StreamName, { starts: Column; indexes: Column }> = {
    stdout: { starts: new Column((n) => new Float64Array(n)), indexes: new Column((n) => new Uint32Array(n)) },
    stderr: { starts: new Column((n) => new Float64Array(n)), indexes: new Column((n) => new Uint32Array(n)) },
  };

  event(stream: StreamName, data: Uint8Array): void {
    if (this.pendingStart[stream] === -1) this.pendingStart[stream] = this.offset;
    this.data = data;
    this.eventStart = this.offset;
    this.cursor = 0;
    this.offset += data.byteLength;
  }

  /** The next newline of `stream` ended its line: the next line starts after it. */
  newline(stream: StreamName): void {
    const at = this.data.indexOf(10, this.cursor);
    this.cursor = at + 1;
    this.pendingStart[stream] = at === -1 || at + 1 === this.data.byteLength ? -1 : this.eventStart + at + 1;
  }

  /** Line `index` (of `stream`) is complete: it starts where the stream's unfinished line did. */
  line(index: number, stream: StreamName): void {
    this.lines[stream].starts.push(this.pendingStart[stream]);
    this.lines[stream].indexes.push(index);
  }

  /** The complete line of `stream` holding byte `offset`, or -1. */
  lineAt(stream: StreamName, offset: number): number {
    const { starts, indexes } = this.lines[stream];
    const at = starts.lastAtMost(offset);
    return at === -1 ? -1 : indexes.get(at);
  }

  /** Where complete line `index` (of `stream`) starts. */
  startOfLine(index: number, stream: StreamName): number {
    const { starts, indexes } = this.lines[stream];
    return starts.get(indexes.lastAtMost(index));
  }

  /** Where the unfinished line of `stream` starts (-1: not begun). */
  startOfPending(stream: StreamName): number {
    return this.pendingStart[stream];
  }
}

/**
 * The lines matching a test, found a time slice at a time so that filtering a million lines never
 * blocks the page. Unfinished lines are not filtered until they end.
 */
export class LogFilter {
  private matches = new Uint32Array(1024);
  private scanned = 0;
  count = 0;

  constructor(
    private readonly index: LogIndex,
    private readonly test: (line: LogLine) => boolean,
  ) {}

  /** Tests more lines for at most `budgetMs`; true once every complete line has been tested. */
  scan(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    const end = this.index.completeCount;
    while (this.scanned < end) {
      const stop = Math.min(end, this.scanned + 2048);
      for (; this.scanned < stop; this.scanned++) {
        if (!this.test(this.index.line(this.scanned))) continue;
        if (this.count === this.matches.length) this.matches = grown(this.matches, nextCapacity(this.count));
        this.matches[this.count++] = this.scanned;
      }
      if (performance.now() > deadline) break;
    }
    return this.scanned >= end;
  }

  /** The index-line number of the i-th match. */
  lineAt(i: number): number {
    return this.matches[i]!;
  }
}

/** The one log index of the current execution. */
export const logIndex = new LogIndex();
