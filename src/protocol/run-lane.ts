/**
 * The fast lane: runs started and completed over shared memory instead of messages. A warm
 * worker waits in Atomics.wait on its control block; the host writes a request into the block's
 * data region and wakes it, and the worker writes the outcome back and wakes the host (which
 * blocks for it briefly where its thread may block, as Node's main thread may, and otherwise
 * waits with Atomics.waitAsync). A request names its modules by the key the worker keeps them
 * under, and the worker's shared buffers (log staging, HTTP lane) by role, so nothing needs
 * cloning. Whatever the lane cannot carry goes by message: modules the worker does not hold, a
 * request larger than the data region (then the host asks the worker to yield, and calls it
 * through Comlink), or an outcome larger than it (the worker posts an 'outcome' event).
 *
 * While the lane runs, the worker's events (log batches, HTTP records, lane calls) are still
 * posted; the outcome says how many, so the host ends the run only once it has them all. The
 * log tail stays in the shared staging, where the host takes it.
 *
 * Layout: a header of Int32 slots, then the data region: the payload's JSON (its length first),
 * then the byte arrays it names.
 */
import type { HttpOptions, RunOutcome, RunRequest } from './messages.js';

const STATE = 0;
/** Messages the worker posted during the run (the outcome's, when it was posted, included). */
const POSTED = 1;
/** 1 once the guest's entrypoint was called. */
const ENTERED = 2;
/** 1 when the outcome was posted instead of written. */
const OUTCOME_POSTED = 3;
/** 1 once the host wants to hear of the guest's start too (after its quiet wait). */
const HOST_ASYNC = 4;
/** 1 while the host spins on the state: the worker ends the run without waking it. */
const HOST_SPINNING = 5;
/** 1 while the worker sleeps in Atomics.wait: the host wakes it with its request. */
const WORKER_SLEEPING = 6;
const HEADER_BYTES = 32;
/**
 * A worker done with a run watches its lane this long before it sleeps: a request that follows
 * soon (a test suite, a page re-running a job) then costs no futex wake on either side, ~70 µs
 * each on this project's machines.
 */
const WORKER_SPIN_MS = 2;
/** The JSON's length, before it. */
const LENGTH_BYTES = 4;

/** What the control word holds. */
export const LaneState = {
  /** Nothing asked (a fresh block, or after a yield). */
  idle: 0,
  /** The host wrote a request. */
  request: 1,
  /** The guest's entrypoint was called. */
  running: 2,
  /** The outcome is written (or posted). */
  done: 3,
  /** The host asks the worker to go back to its message loop: a request follows by message. */
  yield: 4,
  /** The host gave up on the run (the worker is being terminated): wakes the host's own waiter. */
  abandoned: 5,
} as const;

/** The data region: requests and outcomes larger than this go by message. */
export const LANE_DATA_BYTES = 4 << 20;

/** A module the worker holds, named by its key (`PlannedModule.key`). */
export type HeldModule = Omit<RunRequest['modules'][number], 'module'>;

/** A run request over the lane: held modules by key, the worker's shared buffers by role. */
export interface LaneRequest extends Omit<RunRequest, 'modules' | 'logStaging' | 'http' | 'runLane' | 'trace'> {
  modules: HeldModule[];
  /** The worker stages logs in the buffer it was given last (runs over the lane always share one). */
  http?: Omit<HttpOptions, 'lane'> & { lane: boolean };
}

/** What the worker tells the host at the end of a lane run. */
export type LaneResult = { outcome: RunOutcome } | { failed: string };

export class RunLane {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
  }

  static create(): RunLane {
    return new RunLane(new SharedArrayBuffer(HEADER_BYTES + LANE_DATA_BYTES));
  }

  get state(): number {
    return Atomics.load(this.header, STATE);
  }

  // The host's end.

  /** Writes the request and wakes the worker; false if it does not fit (send it by message). */
  send(request: LaneRequest): boolean {
    if (!encode(this.data, request)) return false;
    Atomics.store(this.header, POSTED, 0);
    Atomics.store(this.header, ENTERED, 0);
    Atomics.store(this.header, OUTCOME_POSTED, 0);
    Atomics.store(this.header, HOST_ASYNC, 0);
    Atomics.store(this.header, STATE, LaneState.request);
    // Sequentially consistent: the worker either sees the request before it sleeps or is woken.
    if (Atomics.load(this.header, WORKER_SLEEPING) === 1) Atomics.notify(this.header, STATE);
    return true;
  }

  /** Asks the worker to go back to its message loop (a request by message follows). */
  yieldToMessages(): void {
    this.set(LaneState.yield);
  }

  /** Wakes the host's own waiter: the run was given up on. */
  abandon(): void {
    this.set(LaneState.abandoned);
  }

  get posted(): number {
    return Atomics.load(this.header, POSTED);
  }

  get entered(): boolean {
    return Atomics.load(this.header, ENTERED) === 1;
  }

  /** The worker's result, once the state is done; null when it was posted (an 'outcome' event). */
  result(): LaneResult | null {
    return Atomics.load(this.header, OUTCOME_POSTED) === 1 ? null : (decode(this.data) as LaneResult);
  }

  /**
   * Waits until the state is no longer `from`. For the first `quietMs` the worker does not wake
   * the host for the guest's start, only for the end, so a short run costs the host one wake;
   * meanwhile the host spins where its thread may block (`canBlock`: no task on its event loop
   * at all, and no wake for the worker to make).
   */
  async waitChange(from: number, quietMs: number): Promise<number> {
    if (quietMs > 0) {
      if (canBlock) this.spin(from, quietMs);
      else {
        const quiet = Atomics.waitAsync(this.header, STATE, from, quietMs);
        if (quiet.async) await quiet.value;
      }
      const state = this.state;
      if (state !== from) return state;
    }
    Atomics.store(this.header, HOST_ASYNC, 1);
    const state = this.state;
    if (state !== from) return state;
    const waited = Atomics.waitAsync(this.header, STATE, from);
    if (waited.async) await waited.value;
    return this.state;
  }

  // The worker's end.

  /** Waits for the next request, blocking the thread (terminate still works); null when the host asks for a yield. */
  next(): LaneRequest | null {
    const spinUntil = performance.now() + WORKER_SPIN_MS;
    for (;;) {
      const state = this.state;
      if (state === LaneState.yield) return null;
      if (state === LaneState.request) return decode(this.data) as LaneRequest;
      if (performance.now() < spinUntil) continue;
      Atomics.store(this.header, WORKER_SLEEPING, 1);
      Atomics.wait(this.header, STATE, state);
      Atomics.store(this.header, WORKER_SLEEPING, 0);
    }
  }

  /**
   * Ends the run: writes the result, or when it does not fit has `postOutcome` post it, and wakes
   * the host. `posted`: the messages posted during the run.
   */
  complete(result: LaneResult, posted: number, postOutcome: () => void): void {
    if (encode(this.data, result)) {
      Atomics.store(this.header, POSTED, posted);
    } else {
      postOutcome();
      Atomics.store(this.header, OUTCOME_POSTED, 1);
      Atomics.store(this.header, POSTED, posted + 1);
    }
    Atomics.store(this.header, STATE, LaneState.done);
    if (Atomics.load(this.header, HOST_SPINNING) === 0) Atomics.notify(this.header, STATE);
  }

  /** The guest is about to run. */
  markRunning(): void {
    Atomics.store(this.header, ENTERED, 1);
    Atomics.store(this.header, STATE, LaneState.running);
    // The host reads the state after it says it no longer blocks, so it sees this or is woken.
    if (Atomics.load(this.header, HOST_ASYNC) === 1) Atomics.notify(this.header, STATE);
  }

  /** Worker, on a request by message: the yield asked for is taken. */
  takeYield(): void {
    Atomics.compareExchange(this.header, STATE, LaneState.yield, LaneState.idle);
  }

  /** The host's quiet wait where its thread may block: watching the state, which costs the worker no wake. */
  private spin(from: number, ms: number): void {
    const until = performance.now() + ms;
    Atomics.store(this.header, HOST_SPINNING, 1);
    while (Atomics.load(this.header, STATE) === from && performance.now() < until) {}
    Atomics.store(this.header, HOST_SPINNING, 0);
  }

  private set(state: number): void {
    Atomics.store(this.header, STATE, state);
    Atomics.notify(this.header, STATE);
  }
}

/** Whether this thread can wait on the lane without blocking (browsers without Atomics.waitAsync cannot). */
export const canWaitAsync = typeof Atomics.waitAsync === 'function';

/** Whether this thread may block in Atomics.wait (Node's main thread and workers; not a page's main thread). */
export const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes `value` as JSON with its byte arrays after it (each replaced by its [offset, length]
 * in that area); false if it does not fit.
 */
function encode(region: Uint8Array, value: unknown): boolean {
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof Uint8Array)) return item;
    blobs.push(item);
    blobBytes += item.byteLength;
    return { $bytes: [blobBytes - item.byteLength, item.byteLength] };
  });
  // Browsers' TextEncoder does not write into shared memory: encode, then copy.
  const text = encoder.encode(json);
  const start = LENGTH_BYTES + text.byteLength;
  if (start + blobBytes > region.byteLength) return false;
  new DataView(region.buffer, region.byteOffset).setUint32(0, text.byteLength, true);
  region.set(text, LENGTH_BYTES);
  let at = start;
  for (const blob of blobs) {
    region.set(blob, at);
    at += blob.byteLength;
  }
  return true;
}

/** Reads what `encode` wrote; every array is a copy (the region is reused). */
function decode(region: Uint8Array): unknown {
  const length = new DataView(region.buffer, region.byteOffset).getUint32(0, true);
  const start = LENGTH_BYTES + length;
  // TextDecoder does not read shared memory: decode a copy.
  return JSON.parse(decoder.decode(region.slice(LENGTH_BYTES, start)), (_key, item: unknown) => {
    const bytes = (item as { $bytes?: unknown } | null)?.$bytes;
    if (!Array.isArray(bytes)) return item;
    const [offset, size] = bytes as [number, number];
    return region.slice(start + offset, start + offset + size);
  });
}
