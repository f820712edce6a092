import { laneByteLength } from '../protocol/lane.js';
import { LogStaging } from '../protocol/log-staging.js';
import type { HttpOptions, RunOutcome, RunRequest, TraceOptions } from '../protocol/messages.js';
import { canWaitAsync, type LaneRequest, RunLane } from '../protocol/run-lane.js';
import { TraceStaging } from '../protocol/trace-staging.js';
import type { HttpAccess } from '../spec/network.js';

export const LOG_BATCH_BYTES = 64 * 1024;
export const LOG_FLUSH_MS = 5;
/** Trace batches: 256 KiB, ~5,000 records of small calls; posted every 20 ms at most while calls go on. */
const TRACE_BATCH_WORDS = 64 * 1024;
export const TRACE_FLUSH_MS = 20;
/** Whether workers can share memory with this thread (browsers: only cross-origin isolated pages). */
const canShareMemory =
  typeof SharedArrayBuffer === 'function' &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
/**
 * Browsers give dedicated workers a synchronous XMLHttpRequest: the worker makes a guest's
 * requests itself, isolated page or not. Elsewhere (Node) the host thread makes them and answers
 * over a lane (see docs/http.md for the measurements behind this choice).
 */
const workersRequestThemselves = typeof XMLHttpRequest === 'function';
/** An HTTP lane's data region: larger answers go in chunks of this size. */
const HTTP_LANE_BYTES = 1024 * 1024;

/** How a run request reaches its worker: by message, and over the fast lane when it can. */
export interface Delivery {
  request: RunRequest;
  lane?: { lane: RunLane; request: LaneRequest | undefined };
}

/**
 * What the executor knows of one worker: what it holds, and the shared buffers made for it. Each
 * buffer is made once, at its first use: sharing a new SharedArrayBuffer costs ~60 µs per message
 * in Node.
 */
export class WorkerState {
  /** Hashes of the big files it keeps (see worker-files.ts). */
  heldFiles = new Set<string>();
  /** Keys of the compiled modules it keeps. */
  private heldModules = new Set<string>();
  /** Where it stages log bytes. A run over the lane leaves its tail there; the next run clears it. */
  readonly logStaging = canShareMemory
    ? new LogStaging(new SharedArrayBuffer(LogStaging.byteLength(LOG_BATCH_BYTES)))
    : undefined;
  /** Its fast lane, where memory can be shared and waited on without blocking. */
  private readonly lane = canShareMemory && canWaitAsync ? RunLane.create() : undefined;
  /** Whether it has been sent the lane (with a run by message that ended): from then on it waits there. */
  private laneReady = false;
  /** Its lane for requests the host makes for it. */
  private httpLane: SharedArrayBuffer | undefined;
  /** Whether a run that ended has brought it the HTTP lane. */
  private httpLaneSent = false;
  private traceStaging: SharedArrayBuffer | undefined;

  httpOptions(access: HttpAccess, timeoutMs: number): HttpOptions {
    if (workersRequestThemselves) return { access, timeoutMs };
    this.httpLane ??= new SharedArrayBuffer(laneByteLength(HTTP_LANE_BYTES));
    return { access, timeoutMs, lane: this.httpLane };
  }

  traceOptions(): TraceOptions {
    if (canShareMemory) this.traceStaging ??= new SharedArrayBuffer(TraceStaging.byteLength(TRACE_BATCH_WORDS));
    const staging = this.traceStaging;
    return { batchWords: TRACE_BATCH_WORDS, flushMs: TRACE_FLUSH_MS, ...(staging === undefined ? {} : { staging }) };
  }

  delivery(request: RunRequest): Delivery {
    if (this.lane === undefined) return { request };
    return {
      request: { ...request, runLane: this.lane.buffer },
      lane: { lane: this.lane, request: this.laneReady ? this.laneRequest(request) : undefined },
    };
  }

  /** After a run that ended: the worker keeps what it said, and has had every shared buffer it was sent. */
  ran(request: RunRequest, outcome: RunOutcome): void {
    this.heldFiles = new Set(outcome.heldFiles);
    this.heldModules = new Set(outcome.heldModules);
    this.laneReady = this.lane !== undefined;
    this.httpLaneSent ||= request.http?.lane !== undefined;
  }

  /**
   * The request as it goes over the lane, if the worker holds everything it names (its modules,
   * its HTTP lane); else undefined, and it goes by message. A traced run goes by message too: its
   * staging is a buffer the lane cannot name.
   */
  private laneRequest(request: RunRequest): LaneRequest | undefined {
    if (!request.modules.every((planned) => this.heldModules.has(planned.key))) return undefined;
    if (request.http?.lane !== undefined && !this.httpLaneSent) return undefined;
    if (request.trace !== undefined) return undefined;
    const { modules, logStaging: _shared, http, runLane: _lane, trace: _trace, ...rest } = request;
    return {
      ...rest,
      modules: modules.map(({ module: _module, ...held }) => held),
      ...(http === undefined ? {} : { http: { ...http, lane: http.lane !== undefined } }),
    };
  }
}
