import { asBrineError, errors } from '../errors/index.js';
import { Slots, WorkerPool } from '../host/pool.js';
import type { WorkerFactory, WorkerHandle } from '../host/types.js';
import { CompileCache } from '../loader/compile-cache.js';
import { LoadFailure, loadModules } from '../loader/loader.js';
import { LogStore, type LogStreamOptions } from '../logs/store.js';
import { DEFAULT_LOG_CAP_BYTES, type LogEvent } from '../logs/types.js';
import type { MountTable } from '../mounts/mount-table.js';
import { encodeReply, HTTP_TIMEOUT_MS, type HttpCall } from '../protocol/http.js';
import { LaneServer, laneByteLength } from '../protocol/lane.js';
import { LogStaging } from '../protocol/log-staging.js';
import {
  DEFAULT_FS_MAX_NODES,
  DEFAULT_FS_QUOTA_BYTES,
  type HttpOptions,
  type RunOutcome,
  type RunRequest,
} from '../protocol/messages.js';
import { canWaitAsync, type LaneRequest, RunLane } from '../protocol/run-lane.js';
import { admit, OFFLINE_RULES } from '../spec/admit.js';
import { throwFirstError } from '../spec/findings.js';
import { type HttpAccess, httpAccessOf } from '../spec/network.js';
import { executionTimeoutSeconds, type Job } from '../spec/types.js';
import { bacalhauEnding, entrypointToCall, isBacalhauMode } from './bacalhau-mode.js';
import { Execution } from './execution.js';
import { fetchForGuest } from './http-fetch.js';
import { LogReceiver } from './log-receiver.js';
import { buildResult, type Ending, endingOf, failure } from './result.js';
import { runRequest } from './run-request.js';
import { mountJob } from './sources.js';
import { setLongTimeout } from './timer.js';
import type { BidResponse, ExecutionResult, ExecutorEvent, ReadLocal, StartRequest } from './types.js';
import { mountsForWorker } from './worker-files.js';
import { superviseRun, WorkerCrash } from './worker-run.js';

export interface ExecutorOptions {
  /** Makes a worker: `createBrowserWorker` or `createNodeWorker`. */
  createWorker: WorkerFactory;
  /** Executions holding a worker at once; more wait in order. Default 4. */
  maxWorkers?: number;
  /** Log bytes kept per stream and execution. Default 64 MiB. */
  logCapBytes?: number;
  /** Bytes the writable mounts of one execution may hold. Default 1 GiB. */
  fsQuotaBytes?: number;
  /** Writable files, directories and links one execution may have at once. Default 250,000. */
  fsMaxNodes?: number;
  /** Reads a host file or directory for localDirectory sources (the CLI provides it); a StartRequest may bring its own. */
  readLocal?: ReadLocal;
  /** How long one request of the HTTP host module may take. Default 30 s (Bacalhau's). */
  httpTimeoutMs?: number;
  /** Everything that happens, for UIs: states, graph progress, logs, memory, results. */
  onEvent?: (event: ExecutorEvent) => void;
}

const LOG_BATCH_BYTES = 64 * 1024;
const LOG_FLUSH_MS = 5;
/** Whether workers can share memory with this thread (browsers: only cross-origin isolated pages). */
const canShareMemory =
  typeof SharedArrayBuffer === 'function' &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
const BID_REASON = 'not place additional requirements on WASM jobs';
/**
 * Browsers give dedicated workers a synchronous XMLHttpRequest: the worker makes a guest's
 * requests itself, isolated page or not. Elsewhere (Node) the host thread makes them and answers
 * over a lane (see docs/http.md for the measurements behind this choice).
 */
const workersRequestThemselves = typeof XMLHttpRequest === 'function';
/** A lane's data region: larger answers go in chunks of this size. */
const LANE_DATA_BYTES = 1024 * 1024;

/**
 * Bacalhau's WASM executor lifecycle (start, wait, run, cancel, getLogStream, bidding, an
 * active-executions gauge) over workers: one worker per execution, terminated to cancel.
 * The same class runs in browsers and in Node; only the worker factory differs.
 */
export class Executor {
  private readonly executions = new Map<string, Execution>();
  private readonly cache = new CompileCache();
  private readonly pool: WorkerPool;
  private readonly slots: Slots;
  private readonly workers = new WeakMap<WorkerHandle, WorkerState>();
  private active = 0;

  constructor(private readonly options: ExecutorOptions) {
    const maxWorkers = options.maxWorkers ?? 4;
    this.pool = new WorkerPool(options.createWorker, maxWorkers);
    this.slots = new Slots(maxWorkers);
  }

  /** Executions currently loading or running (Bacalhau's wasm_active_executions gauge). */
  get activeExecutions(): number {
    return this.active;
  }

  /** Compiled modules kept for reuse (one per module content and memory limit). */
  get cachedModules(): number {
    return this.cache.size;
  }

  isInstalled(): boolean {
    return true;
  }

  /** Bacalhau bids on every WASM job; Brine declines those whose input sources it cannot read (urlDownload, ipfs, s3), and says why. */
  shouldBid(request: { job: Job }): BidResponse {
    const offline = admit(request.job).findings.find((finding) => OFFLINE_RULES.includes(finding.rule));
    return { shouldBid: offline === undefined, shouldWait: false, reason: offline?.message ?? BID_REASON };
  }

  shouldBidBasedOnUsage(request: { job: Job }, _usage?: unknown): BidResponse {
    return this.shouldBid(request);
  }

  /**
   * Admits the job, mounts its inputs and outputs and launches the execution. Rejects with the
   * typed error for what Bacalhau reports from Start (memory over 4 GiB first, then the spec,
   * inputs and outputs); everything later ends up in the result.
   */
  async start(request: StartRequest): Promise<void> {
    const { executionId: id, job } = request;
    const existing = this.executions.get(id);
    if (existing !== undefined) throw existing.finished ? errors.alreadyComplete(id) : errors.alreadyStarted(id);
    const { findings, limitPages } = admit(job);
    throwFirstError(findings);
    const logCap = request.logCapBytes ?? this.options.logCapBytes ?? DEFAULT_LOG_CAP_BYTES;
    if (!Number.isSafeInteger(logCap) || logCap < 0) {
      throw errors.log(`invalid log cap ${logCap}: expected whole bytes, zero or more`);
    }
    const logs = new LogStore(logCap);
    const receiver = new LogReceiver(logs, (events) => this.emit({ executionId: id, type: 'logs', events }));
    const execution = new Execution(id, job, limitPages!, logs, receiver, (state) =>
      this.emit({ executionId: id, type: 'state', state }),
    );
    this.executions.set(id, execution);
    let mounts: MountTable;
    try {
      mounts = await mountJob(job, request.readLocal ?? this.options.readLocal);
    } catch (error) {
      this.executions.delete(id);
      throw error;
    }
    if (!execution.transition('queued')) return; // cancelled while its inputs were read
    this.pool.warm();
    void this.execute(execution, mounts, request.jobId ?? id);
  }

  /** The execution's result, once it has ended (resolves once, for every caller). */
  wait(id: string): Promise<ExecutionResult> {
    const execution = this.executions.get(id);
    if (execution === undefined) return Promise.reject(errors.executionNotFound('waiting on', id));
    return execution.done;
  }

  async run(request: StartRequest): Promise<ExecutionResult> {
    await this.start(request);
    return this.wait(request.executionId);
  }

  /**
   * Stops the execution: its worker is terminated at once, even mid-instruction, and it ends
   * as cancelled with the logs received so far. Harmless when repeated or after the end.
   */
  async cancel(id: string): Promise<void> {
    const execution = this.executions.get(id);
    if (execution === undefined) throw errors.executionNotFound('canceling', id);
    this.stop(execution, 'cancelled');
  }

  /** The execution's logs: history unless `tail` is false, then live events with `follow`. */
  getLogStream(id: string, options: LogStreamOptions = {}): AsyncIterable<LogEvent> {
    const execution = this.executions.get(id);
    if (execution === undefined) throw errors.executionNotFound('getting outputs for', id);
    return execution.logs.stream(options);
  }

  /** Forgets a finished execution and its logs (a running one is cancelled first). */
  release(id: string): void {
    const execution = this.executions.get(id);
    if (execution === undefined) throw errors.executionNotFound('releasing', id);
    this.stop(execution, 'cancelled');
    this.executions.delete(id);
  }

  /** Cancels everything and terminates every worker. */
  dispose(): void {
    for (const execution of this.executions.values()) this.stop(execution, 'cancelled');
    this.pool.dispose();
  }

  private async execute(execution: Execution, mounts: MountTable, jobId: string): Promise<void> {
    const { job } = execution;
    const { signal } = execution.abort;
    try {
      await this.slots.acquire(signal);
    } catch {
      return; // cancelled while queued
    }
    this.active++;
    // As in Bacalhau, the deadline covers the run, not the wait for a free worker.
    const timeout = executionTimeoutSeconds(job);
    const clearDeadline = timeout > 0 ? setLongTimeout(() => this.stop(execution, 'timedOut'), timeout * 1000) : null;
    const logs = execution.receiver;
    const access = httpAccessOf(job.network, job.brine.compat);
    try {
      execution.transition('loading');
      const loaded = await loadModules({
        mounts,
        entryModule: job.entryModule,
        importModules: job.importModules,
        entrypoint: entrypointToCall(job),
        limitPages: execution.limitPages,
        http: access !== null,
        cache: this.cache,
        signal,
        onGraph: (event) => this.emit({ executionId: execution.id, type: 'graph', event }),
      });
      execution.graph = loaded.graph;
      if (signal.aborted) return;

      const worker = this.pool.acquire();
      execution.worker = worker;
      const state = this.stateOf(worker);
      if (state.logStaging !== undefined) logs.attach(state.logStaging);
      execution.transition('linking');
      const http = access === null ? undefined : this.httpOptions(state, access);
      const request = runRequest({
        executionId: execution.id,
        jobId,
        job,
        loaded,
        mounts: await mountsForWorker(mounts.mounts, state.heldFiles, this.cache.hashes),
        logs: { batchBytes: LOG_BATCH_BYTES, flushMs: LOG_FLUSH_MS, capBytes: execution.logs.capBytes },
        logStaging: state.logStaging?.buffer as SharedArrayBuffer | undefined,
        fsQuotaBytes: this.options.fsQuotaBytes ?? DEFAULT_FS_QUOTA_BYTES,
        fsMaxNodes: this.options.fsMaxNodes ?? DEFAULT_FS_MAX_NODES,
        http,
      });
      const outcome = await superviseRun({
        execution,
        worker,
        request: state.lane === undefined ? request : { ...request, runLane: state.lane.buffer },
        lane: state.lane && { lane: state.lane, request: state.laneReady ? laneRequest(request, state) : undefined },
        logs,
        stagedAgeMs: LOG_FLUSH_MS,
        onMemory: (pages) => this.noteMemory(execution, pages),
        onHttp: (record) => {
          execution.http.push(record);
          this.emit({ executionId: execution.id, type: 'http', record });
        },
        httpLane: http?.lane && new LaneServer(http.lane, (kind, payload) => this.answer(kind, payload, http, signal)),
      });
      if (outcome === null) return; // stopped (cancel, timeout) while running
      state.heldFiles = new Set(outcome.heldFiles);
      state.heldModules = new Set(outcome.heldModules);
      // The worker has had every shared buffer it was sent; now it waits on its lane.
      state.laneReady = state.lane !== undefined;
      state.httpLaneSent ||= http?.lane !== undefined;
      execution.worker = null;
      this.pool.release(worker);
      this.finish(execution, completedRun(execution, outcome));
    } catch (error) {
      if (execution.finished) return;
      if (error instanceof LoadFailure) {
        execution.graph = error.graph;
        this.finish(execution, { ...failure('failed', error.cause), errorMsg: error.message });
      } else if (error instanceof WorkerCrash) {
        this.pool.discard(execution.worker!);
        execution.worker = null;
        logs.takeStaged();
        this.finish(execution, failure('failed', errors.workerCrashed(error.message)));
      } else if (!signal.aborted) {
        this.finish(execution, failure('failed', asBrineError(error)));
      }
    } finally {
      clearDeadline?.();
      logs.detach();
      this.active--;
      this.slots.release();
    }
  }

  private stateOf(worker: WorkerHandle): WorkerState {
    let state = this.workers.get(worker);
    if (state === undefined) {
      // Made once per worker: sharing a new SharedArrayBuffer costs ~60 µs per message in Node.
      const logStaging = canShareMemory
        ? new LogStaging(new SharedArrayBuffer(LogStaging.byteLength(LOG_BATCH_BYTES)))
        : undefined;
      state = {
        heldFiles: new Set(),
        heldModules: new Set(),
        logStaging,
        lane: canShareMemory && canWaitAsync ? RunLane.create() : undefined,
        laneReady: false,
        httpLaneSent: false,
      };
      this.workers.set(worker, state);
    }
    return state;
  }

  private httpOptions(state: WorkerState, access: HttpAccess): HttpOptions {
    const timeoutMs = this.options.httpTimeoutMs ?? HTTP_TIMEOUT_MS;
    if (workersRequestThemselves) return { access, timeoutMs };
    state.httpLane ??= new SharedArrayBuffer(laneByteLength(LANE_DATA_BYTES));
    return { access, timeoutMs, lane: state.httpLane };
  }

  /** A call a worker makes over its lane: an HTTP request under the job's rule, ended with the execution. */
  private async answer(kind: string, payload: unknown, http: HttpOptions, signal: AbortSignal) {
    if (kind !== 'http') throw new Error(`no lane call "${kind}"`);
    const call = { ...(payload as HttpCall), timeoutMs: http.timeoutMs };
    const reply = await fetchForGuest(call, http.access, signal);
    return { status: reply.code, data: encodeReply(reply) };
  }

  private noteMemory(execution: Execution, pages: number): void {
    execution.memoryPages = Math.max(execution.memoryPages, pages);
    this.emit({ executionId: execution.id, type: 'memory', pages });
  }

  /** Ends an execution that has not ended yet: terminates its worker and reports `state`. */
  private stop(execution: Execution, state: 'cancelled' | 'timedOut'): void {
    if (execution.finished) return;
    execution.abort.abort();
    if (execution.worker !== null) {
      this.pool.discard(execution.worker);
      execution.worker = null;
      execution.receiver.takeStaged();
    }
    const error = state === 'cancelled' ? errors.cancelled() : errors.timeout(executionTimeoutSeconds(execution.job));
    this.finish(execution, failure(state, error));
  }

  private finish(execution: Execution, brineEnding: Ending): void {
    const { job } = execution;
    const ending = isBacalhauMode(job) ? bacalhauEnding(job, brineEnding, brineEnding.end) : brineEnding;
    execution.end(
      ending.state,
      () => buildResult(execution, ending),
      (result) => this.emit({ executionId: execution.id, type: 'result', result }),
    );
  }

  private emit(event: ExecutorEvent): void {
    this.options.onEvent?.(event);
  }
}

/** What the executor knows of one worker: what it holds, and the shared buffers made for it. */
interface WorkerState {
  /** Hashes of the big files it keeps (see worker-files.ts). */
  heldFiles: Set<string>;
  /** Keys of the compiled modules it keeps. */
  heldModules: Set<string>;
  /** Where it stages log bytes, when memory can be shared. A run over the lane leaves its tail there; the next run clears it. */
  logStaging: LogStaging | undefined;
  /** Its fast lane, where memory can be shared and waited on without blocking. */
  lane: RunLane | undefined;
  /** Whether it has been sent the lane (with a run by message that ended): from then on it waits there. */
  laneReady: boolean;
  /** Its lane for requests the host makes for it, made when a job first needs it. */
  httpLane?: SharedArrayBuffer;
  /** Whether a run that ended has brought it the HTTP lane. */
  httpLaneSent: boolean;
}

/**
 * The request as it goes over the lane, if the worker holds everything it names (its modules,
 * its HTTP lane); else undefined, and it goes by message.
 */
function laneRequest(request: RunRequest, state: WorkerState): LaneRequest | undefined {
  if (!request.modules.every((planned) => state.heldModules.has(planned.key))) return undefined;
  if (request.http?.lane !== undefined && !state.httpLaneSent) return undefined;
  const { modules, logStaging: _shared, http, runLane: _lane, ...rest } = request;
  return {
    ...rest,
    modules: modules.map(({ module: _module, ...held }) => held),
    ...(http === undefined ? {} : { http: { ...http, lane: http.lane !== undefined } }),
  };
}

/** The ending of a run the worker finished, with the phases it measured. */
function completedRun(execution: Execution, outcome: RunOutcome): Ending {
  execution.memoryPages = Math.max(execution.memoryPages, ...outcome.memoryPages);
  execution.logs.addDropped('stdout', outcome.droppedLogBytes.stdout);
  execution.logs.addDropped('stderr', outcome.droppedLogBytes.stderr);
  execution.httpOmitted = outcome.httpOmitted;
  return {
    ...endingOf(outcome.end),
    outputs: outcome.outputs.map(({ target, role, tree }) => ({ name: target === '' ? '/' : target, role, tree })),
    memoryPages: outcome.memoryPages,
    phases: { linkMs: outcome.linkMs, runMs: outcome.runMs },
    end: outcome.end,
    workerNotes: outcome.bacalhauNotes,
  };
}
