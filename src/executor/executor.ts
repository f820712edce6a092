import { asBrineError, errors } from '../errors/index.js';
import { Slots, WorkerPool } from '../host/pool.js';
import type { WorkerHandle } from '../host/types.js';
import { CompileCache } from '../loader/compile-cache.js';
import { LoadFailure, loadModules } from '../loader/loader.js';
import { LogStore, type LogStreamOptions } from '../logs/store.js';
import { DEFAULT_LOG_CAP_BYTES, type LogEvent } from '../logs/types.js';
import type { MountTable } from '../mounts/mount-table.js';
import { HTTP_TIMEOUT_MS } from '../protocol/http.js';
import { DEFAULT_FS_MAX_NODES, DEFAULT_FS_QUOTA_BYTES } from '../protocol/messages.js';
import { admit, OFFLINE_RULES } from '../spec/admit.js';
import { throwFirstError } from '../spec/findings.js';
import { httpAccessOf } from '../spec/network.js';
import { executionTimeoutSeconds, type Job } from '../spec/types.js';
import { DEFAULT_TRACE_LIMIT, type Trace } from '../trace/store.js';
import { bacalhauEnding, entrypointToCall, isBacalhauMode } from './bacalhau-mode.js';
import { Execution } from './execution.js';
import { httpLaneServer } from './http-fetch.js';
import { LogReceiver } from './log-receiver.js';
import { buildResult, completedRun, type Ending, failure } from './result.js';
import { runRequest } from './run-request.js';
import { mountJob } from './sources.js';
import { setLongTimeout } from './timer.js';
import { traceReceiver } from './trace-receiver.js';
import type { BidResponse, ExecutionResult, ExecutorEvent, ExecutorOptions, StartRequest } from './types.js';
import { mountsForWorker } from './worker-files.js';
import { superviseRun, WorkerCrash } from './worker-run.js';
import { LOG_BATCH_BYTES, LOG_FLUSH_MS, TRACE_FLUSH_MS, WorkerState } from './worker-state.js';

const BID_REASON = 'not place additional requirements on WASM jobs';

/**
 * Bacalhau's WASM executor lifecycle (start, wait, run, cancel, getLogStream, bidding, an
 * active-executions gauge) over workers: one worker per execution, terminated to cancel.
 * The same class runs in browsers and in Node; only the worker factory differs.
 */
export class Executor {
  private readonly executions = new Map<string, Execution>();
  private readonly cache: CompileCache;
  private readonly pool: WorkerPool;
  private readonly slots: Slots;
  private readonly workers = new WeakMap<WorkerHandle, WorkerState>();
  private active = 0;

  constructor(private readonly options: ExecutorOptions) {
    this.cache = new CompileCache({ store: options.instrumentedStore });
    const traceLimit = options.traceLimit ?? DEFAULT_TRACE_LIMIT;
    if (!Number.isSafeInteger(traceLimit) || traceLimit < 0) {
      throw errors.log(`invalid trace limit ${traceLimit}: expected whole records, zero or more`);
    }
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

  /**
   * The execution's trace (Engine.Params.Brine.Trace), live while it runs: its records are read
   * and decoded on demand. Undefined for an untraced execution, and until its run is sent to a worker.
   */
  getTrace(id: string): Trace | undefined {
    const execution = this.executions.get(id);
    if (execution === undefined) throw errors.executionNotFound('getting the trace of', id);
    return execution.trace?.store;
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
      execution.grows.unobserved = loaded.unobservedGrows;
      if (signal.aborted) return;

      const worker = this.pool.acquire();
      execution.worker = worker;
      let state = this.workers.get(worker);
      if (state === undefined) {
        state = new WorkerState();
        this.workers.set(worker, state);
      }
      if (state.logStaging !== undefined) logs.attach(state.logStaging);
      execution.transition('linking');
      const moduleNames = loaded.modules.map((m) => m.name);
      const http =
        access === null ? undefined : state.httpOptions(access, this.options.httpTimeoutMs ?? HTTP_TIMEOUT_MS);
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
        trace: job.brine.trace === true ? state.traceOptions() : undefined,
      });
      execution.trace = traceReceiver(request, this.options.traceLimit ?? DEFAULT_TRACE_LIMIT, (store) =>
        this.emit({ executionId: execution.id, type: 'trace', trace: store }),
      );
      const outcome = await superviseRun({
        execution,
        worker,
        ...state.delivery(request),
        logs,
        stagedAgeMs: LOG_FLUSH_MS,
        trace: execution.trace && { receiver: execution.trace, stagedAgeMs: TRACE_FLUSH_MS },
        onMemory: (pages) => this.noteMemory(execution, pages),
        onGrows: (batch) => execution.grows.addBatch(batch, moduleNames),
        onHttp: (record) => {
          execution.http.push(record);
          this.emit({ executionId: execution.id, type: 'http', record });
        },
        httpLane: http?.lane && httpLaneServer(http.lane, http, signal),
      });
      if (outcome === null) return; // stopped (cancel, timeout) while running
      state.ran(request, outcome);
      execution.worker = null;
      this.pool.release(worker);
      this.finish(execution, completedRun(execution, outcome));
    } catch (error) {
      if (execution.finished) return;
      if (error instanceof LoadFailure) {
        execution.graph = error.graph;
        this.finish(execution, { ...failure('failed', error.cause), errorMsg: error.message });
      } else if (error instanceof WorkerCrash) {
        this.discardWorker(execution);
        this.finish(execution, failure('failed', errors.workerCrashed(error.message)));
      } else if (!signal.aborted) {
        this.finish(execution, failure('failed', asBrineError(error)));
      }
    } finally {
      clearDeadline?.();
      logs.detach();
      execution.trace?.detach();
      this.active--;
      this.slots.release();
    }
  }

  private noteMemory(execution: Execution, pages: number): void {
    execution.memoryPages = Math.max(execution.memoryPages, pages);
    this.emit({ executionId: execution.id, type: 'memory', pages });
  }

  /** Ends an execution that has not ended yet: terminates its worker and reports `state`. */
  private stop(execution: Execution, state: 'cancelled' | 'timedOut'): void {
    if (execution.finished) return;
    execution.abort.abort();
    this.discardWorker(execution);
    const error = state === 'cancelled' ? errors.cancelled() : errors.timeout(executionTimeoutSeconds(execution.job));
    this.finish(execution, failure(state, error));
  }

  /** Terminates the execution's worker, if it has one, keeping what it had staged and not posted. */
  private discardWorker(execution: Execution): void {
    if (execution.worker === null) return;
    this.pool.discard(execution.worker);
    execution.worker = null;
    execution.receiver.takeStaged();
    execution.trace?.takeStaged();
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
