/**
 * A synchronous call from a worker to its host thread, for host functions that must answer the
 * guest before it goes on but whose work is asynchronous (an HTTP request; later a paused trace
 * or interactive stdin). The worker posts the call as a run event and blocks on Atomics.wait; the
 * host does the work and copies the answer (a status and bytes) into the shared buffer, one
 * chunk at a time when it is larger than the buffer's data region.
 *
 * Layout: a header of Int32 slots, then the data region.
 */
import { errorText } from '../errors/index.js';

const STATE = 0;
/** The id of the call the worker is waiting on. */
const CALL = 1;
/** The id of the call the written chunk answers (an answer to a call given up on is ignored). */
const ANSWER = 2;
const STATUS = 3;
const TOTAL = 4;
const CHUNK = 5;
const HEADER_BYTES = 32;

const IDLE = 0;
const WAITING = 1;
const READY = 2;

/** A chunk the host has written is taken by the worker in well under this. */
const CHUNK_WAIT_MS = 10_000;

export type LaneEvent =
  | { type: 'lane-call'; id: number; kind: string; payload: unknown }
  /** The worker took a chunk and wants the next one. */
  | { type: 'lane-next'; id: number };

export interface LaneAnswer {
  /** The answer's own status; -1 when the host failed to answer (the data is then the error text). */
  status: number;
  data: Uint8Array;
}

export const laneByteLength = (dataBytes: number): number => HEADER_BYTES + dataBytes;

/** The worker's end: one call at a time, blocking. */
export class LaneClient {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly post: (event: LaneEvent, transfer: ArrayBuffer[]) => void,
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Asks the host; null if no answer came within `timeoutMs` (the host is gone or stuck). */
  call(kind: string, payload: unknown, transfer: ArrayBuffer[], timeoutMs: number): LaneAnswer | null {
    const { header } = this;
    const id = (Atomics.load(header, CALL) + 1) | 0;
    Atomics.store(header, CALL, id);
    Atomics.store(header, STATE, WAITING);
    this.post({ type: 'lane-call', id, kind, payload }, transfer);
    try {
      if (!this.awaitChunk(id, timeoutMs)) return null;
      const out = new Uint8Array(Atomics.load(header, TOTAL));
      let filled = 0;
      for (;;) {
        const size = Atomics.load(header, CHUNK);
        out.set(this.data.subarray(0, size), filled);
        filled += size;
        if (filled >= out.byteLength) return { status: Atomics.load(header, STATUS), data: out };
        Atomics.store(header, STATE, WAITING);
        this.post({ type: 'lane-next', id }, []);
        if (!this.awaitChunk(id, CHUNK_WAIT_MS)) return null;
      }
    } finally {
      Atomics.store(header, STATE, IDLE);
    }
  }

  private awaitChunk(id: number, timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.header, STATE, WAITING, left);
      if (Atomics.load(this.header, STATE) !== READY) continue;
      if (Atomics.load(this.header, ANSWER) === id) return true;
      Atomics.store(this.header, STATE, WAITING); // a late answer to a call given up on
    }
  }
}

/** The host's end: answers each call with `answer` and feeds the worker the chunks it asks for. */
export class LaneServer {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private pending: { id: number; bytes: Uint8Array; sent: number } | null = null;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly answer: (kind: string, payload: unknown) => Promise<LaneAnswer>,
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
  }

  handle(event: LaneEvent): void {
    if (event.type === 'lane-next') {
      if (this.pending?.id === event.id) this.writeChunk();
      return;
    }
    const answered = this.answer(event.kind, event.payload).catch(
      (error: unknown): LaneAnswer => ({ status: -1, data: new TextEncoder().encode(errorText(error)) }),
    );
    void answered.then(({ status, data }) => {
      if (Atomics.load(this.header, CALL) !== event.id) return; // the worker gave up on it
      this.pending = { id: event.id, bytes: data, sent: 0 };
      Atomics.store(this.header, STATUS, status);
      Atomics.store(this.header, TOTAL, data.byteLength);
      this.writeChunk();
    });
  }

  private writeChunk(): void {
    const pending = this.pending!;
    const size = Math.min(this.data.byteLength, pending.bytes.byteLength - pending.sent);
    this.data.set(pending.bytes.subarray(pending.sent, pending.sent + size));
    pending.sent += size;
    if (pending.sent >= pending.bytes.byteLength) this.pending = null;
    Atomics.store(this.header, CHUNK, size);
    Atomics.store(this.header, ANSWER, pending.id);
    Atomics.store(this.header, STATE, READY);
    Atomics.notify(this.header, STATE);
  }
}
