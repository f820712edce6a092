import { BrineError, errors, errorText, isBrineError } from '../errors/index.js';
import { MountTable } from '../fs/mount-table.js';
import { DEFAULT_MAX_NODES } from '../fs/nodes.js';
import { normalizePath } from '../fs/paths.js';
import type { FileTree } from '../fs/tree.js';
import { Slots, WorkerPool } from '../host/pool.js';
import type { WorkerFactory, WorkerHandle } from '../host/types.js';
import { CompileCache } from '../loader/compile-cache.js';
import type { ImportGraph } from '../loader/graph.js';
import { LoadFailure, loadModules } from '../loader/loader.js';
import { type LogBatch, LogStaging } from '../logs/staging.js';
import { LogStore, type LogStreamOptions } from '../logs/store.js';
import { DEFAULT_LOG_CAP_BYTES, type LogEvent } from '../logs/types.js';
import { mountsForWorker } from '../runtime/file-cache.js';
import type { RunEnd, RunEvent, RunOutcome, RunRequest } from '../runtime/protocol.js';
import { decodeInline } from '../spec/inline.js';
import { jobMemoryLimitPages, WASM_PAGE_SIZE } from '../spec/memory.js';
import type { Job } from '../spec/types.js';
import { validateJob } from '../spec/validate.js';
import type {
  BidResponse,
  ExecutionResult,
  ExecutionState,
  ExecutorEvent,
  FinalState,
  OutputMount,
  StartRequest,
} from './types.js';

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
  /** Reads a host file or directory for localDirectory sources (the CLI provides it). */
  readLocal?: (sourcePath: string) => Promise<FileTree>;
  /** Everything that happens, for UIs: states, graph progress, logs, memory, results. */
  onEvent?: (event: ExecutorEvent) => void;
}

const LOG_BATCH_BYTES = 64 * 1024;
const LOG_FLUSH_MS = 5;
/** How often the host looks for output a computing guest left staged in its worker. */
const STAGED_POLL_MS = 25;
/** Whether workers can share memory with this thread (browsers: only cross-origin isolated pages). */
const canShareMemory =
  typeof SharedArrayBuffer === 'function' &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
const DEFAULT_FS_QUOTA = 1024 * 1024 * 1024;
const BID_REASON = 'not place additional requirements on WASM jobs';
/** The abort reason of every ended execution (made once: a fresh DOMException per run costs ~20 µs). */
const ENDED = new Error('the execution has ended');

/** One execution's bookkeeping on the host side. */
class Execution {
  state: ExecutionState = 'queued';
  readonly abort = new AbortController();
  worker: WorkerHandle | null = null;
  result: ExecutionResult | null = null;
  readonly done: Promise<ExecutionResult>;
  resolveDone!: (result: ExecutionResult) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  graph: ImportGraph = { nodes: [], edges: [] };
  memoryPages = 0;
  /** The worker's log staging, when shared (read on stop, and while the guest runs). */
  staging: LogStaging | null = null;
  /** Output bytes received from the worker: a batch seen twice (peeked, then posted) is kept once. */
  received = 0;
  readonly timings = { queuedMs: 0, compileMs: 0, linkMs: 0, runMs: 0, totalMs: 0 };
  readonly startedAt = performance.now();

  constructor(
    readonly id: string,
    readonly job: Job,
    readonly limitPages: number,
    readonly logs: LogStore,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get finished(): boolean {
    return this.result !== null;
  }
}

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
  /** Hashes of the big files each worker keeps (see runtime/file-cache.ts). */
  private readonly heldFiles = new WeakMap<WorkerHandle, Set<string>>();
  /**
   * Each worker's log staging, made once: sharing a new SharedArrayBuffer costs ~60 µs per message
   * in Node. A run always ends with the staging flushed, so the next run finds it empty.
   */
  private readonly logStagings = new WeakMap<WorkerHandle, SharedArrayBuffer>();
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

  /** Bacalhau bids on every WASM job; Brine declines the ones it cannot run offline, and says why. */
  shouldBid(request: { job: Job }): BidResponse {
    const reason = offlineProblem(request.job);
    return { shouldBid: reason === null, shouldWait: false, reason: reason ?? BID_REASON };
  }

  shouldBidBasedOnUsage(request: { job: Job }, _usage?: unknown): BidResponse {
    return this.shouldBid(request);
  }

  /**
   * Validates the job, mounts its inputs and outputs and launches the execution. Rejects with
   * the typed error for what Bacalhau reports from Start (memory over 4 GiB first, then the
   * spec, inputs and outputs); everything later ends up in the result.
   */
  async start(request: StartRequest): Promise<void> {
    const { executionId: id, job } = request;
    const existing = this.executions.get(id);
    if (existing !== undefined) throw existing.finished ? errors.alreadyComplete(id) : errors.alreadyStarted(id);
    const limitPages = checkJob(job);
    const logCap = request.logCapBytes ?? this.options.logCapBytes ?? DEFAULT_LOG_CAP_BYTES;
    if (!Number.isSafeInteger(logCap) || logCap < 0)
      throw errors.log(`invalid log cap ${logCap}: expected whole bytes, zero or more`);

    const execution = new Execution(id, job, limitPages, new LogStore(logCap));
    this.executions.set(id, execution);
    let mounts: MountTable;
    try {
      mounts = await this.mount(job);
    } catch (error) {
      this.executions.delete(id);
      throw error;
    }
    this.emit({ executionId: id, type: 'state', state: 'queued' });
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

  private async mount(job: Job): Promise<MountTable> {
    const table = new MountTable();
    for (const input of job.inputs) {
      const { source } = input;
      let tree: FileTree;
      let writable = false;
      switch (source.type) {
        case 'inline':
          tree = decodeInline(source.url);
          break;
        case 'memory':
          tree = source.tree;
          writable = source.readWrite;
          break;
        case 'localDirectory':
          if (this.options.readLocal === undefined) {
            throw errors.inputConfig(
              `input source "${source.sourcePath}" is a host path: localDirectory sources work only in the CLI`,
              { target: input.target },
            );
          }
          tree = await this.options.readLocal(source.sourcePath);
          writable = source.readWrite;
          break;
        case 'other':
          throw errors.inputConfig(needsNetwork(source.sourceType), {
            target: input.target,
            sourceType: source.sourceType,
          });
      }
      table.addInput(input.target, tree, writable);
    }
    for (const output of job.outputs) table.addOutput(output.name);
    for (const preopen of job.brine.preopens) {
      if (table.lookup(preopen)?.kind !== 'directory') {
        throw errors.spec(`preopen "${preopen}" is not a directory of the mounted filesystem`, 'Brine.Preopens');
      }
    }
    return table;
  }

  private async execute(execution: Execution, mounts: MountTable, jobId: string): Promise<void> {
    const { job } = execution;
    const { signal } = execution.abort;
    let worker: WorkerHandle | null = null;
    try {
      await this.slots.acquire(signal);
    } catch {
      return; // cancelled while queued
    }
    this.active++;
    // As in Bacalhau, the deadline covers the run, not the wait for a free worker.
    if (job.timeoutSeconds > 0 && !execution.finished) {
      execution.timer = setTimeout(() => this.stop(execution, 'timedOut'), job.timeoutSeconds * 1000);
    }
    try {
      execution.timings.queuedMs = performance.now() - execution.startedAt;
      this.setState(execution, 'loading');
      const loaded = await loadModules({
        mounts,
        entryModule: job.entryModule,
        importModules: job.importModules,
        entrypoint: job.entrypoint,
        limitPages: execution.limitPages,
        cache: this.cache,
        signal,
        onGraph: (event) => this.emit({ executionId: execution.id, type: 'graph', event }),
      });
      execution.graph = loaded.graph;
      execution.timings.compileMs = loaded.compileMs;
      if (signal.aborted) return;

      worker = this.pool.acquire();
      execution.worker = worker;
      const logStaging = this.logStagingOf(worker);
      if (logStaging !== undefined) execution.staging = new LogStaging(logStaging);
      this.setState(execution, 'linking');
      const outcome = await this.runOnWorker(execution, worker, {
        executionId: execution.id,
        modules: loaded.modules,
        entry: loaded.entry,
        entrypoint: job.entrypoint,
        args: [job.brine.argv0, ...job.parameters],
        env: guestEnv(job, execution.id, jobId),
        stdin: job.brine.stdin ?? new Uint8Array(0),
        mounts: await mountsForWorker(mounts.mounts, this.heldFiles.get(worker) ?? new Set(), this.cache.hashes),
        rootPreopen: job.brine.rootPreopen !== false,
        preopens: job.brine.preopens.map(normalizePath),
        fsQuotaBytes: this.options.fsQuotaBytes ?? DEFAULT_FS_QUOTA,
        fsMaxNodes: this.options.fsMaxNodes ?? DEFAULT_MAX_NODES,
        logs: { batchBytes: LOG_BATCH_BYTES, flushMs: LOG_FLUSH_MS, capBytes: execution.logs.capBytes },
        ...(logStaging === undefined ? {} : { logStaging }),
        ...(job.brine.seed === undefined ? {} : { seed: job.brine.seed }),
      });
      if (outcome === null) return; // stopped (cancel, timeout) while running
      this.heldFiles.set(worker, new Set(outcome.heldFiles));
      execution.worker = null;
      this.pool.release(worker);
      this.finishWithOutcome(execution, outcome);
    } catch (error) {
      if (execution.finished) return;
      if (error instanceof LoadFailure) {
        execution.graph = error.graph;
        execution.timings.compileMs = error.compileMs;
        this.finish(execution, 'failed', -1, error.cause, error.message);
      } else if (error instanceof WorkerCrash) {
        execution.worker = null;
        this.pool.discard(worker!);
        this.takeStaged(execution);
        const crashed = errors.workerCrashed(error.message);
        this.finish(execution, 'failed', -1, crashed, crashed.message);
      } else if (!signal.aborted) {
        const internal = isBrineError(error) ? error : errors.workerCrashed(errorText(error));
        this.finish(execution, 'failed', -1, internal, internal.message);
      }
    } finally {
      this.active--;
      this.slots.release();
    }
  }

  private logStagingOf(worker: WorkerHandle): SharedArrayBuffer | undefined {
    if (!canShareMemory) return undefined;
    let buffer = this.logStagings.get(worker);
    if (buffer === undefined) {
      buffer = new SharedArrayBuffer(LogStaging.byteLength(LOG_BATCH_BYTES));
      this.logStagings.set(worker, buffer);
    }
    return buffer;
  }

  /**
   * Runs the request on the worker. Events arrive on the worker's port ahead of the outcome.
   * Resolves with the outcome, or null if the execution was stopped; rejects with WorkerCrash
   * if the worker died.
   */
  private runOnWorker(execution: Execution, worker: WorkerHandle, request: RunRequest): Promise<RunOutcome | null> {
    if (execution.abort.signal.aborted) return Promise.resolve(null);
    return new Promise<RunOutcome | null>((resolve, reject) => {
      const poll = execution.staging && setInterval(() => this.takeStaged(execution, LOG_FLUSH_MS), STAGED_POLL_MS);
      const unsubscribe = [
        worker.onEvent((event) => this.onRunEvent(execution, event)),
        worker.onCrash((reason) => settle(() => reject(new WorkerCrash(reason)))),
        () => clearInterval(poll ?? undefined),
      ];
      const stopped = () => settle(() => resolve(null));
      const settle = (end: () => void) => {
        for (const stop of unsubscribe) stop();
        execution.abort.signal.removeEventListener('abort', stopped);
        end();
      };
      execution.abort.signal.addEventListener('abort', stopped, { once: true });
      worker.services.run(request).then(
        (outcome) => settle(() => resolve(outcome)),
        (error: unknown) => settle(() => reject(new WorkerCrash(errorText(error)))),
      );
    });
  }

  private onRunEvent(execution: Execution, event: RunEvent): void {
    if (execution.finished) return;
    if (event.type === 'phase') {
      this.setState(execution, event.phase);
      return;
    }
    this.acceptLogs(execution, event);
    execution.memoryPages = Math.max(execution.memoryPages, event.memoryPages);
    this.emit({ executionId: execution.id, type: 'memory', pages: event.memoryPages });
  }

  /** Keeps the bytes of `batch` not received yet (a batch peeked from the staging is posted again later). */
  private acceptLogs(execution: Execution, batch: LogBatch): void {
    const fresh: LogEvent[] = [];
    batch.events.forEach((event, i) => {
      const seen = execution.received - batch.offsets[i]!;
      if (seen >= event.data.byteLength) return;
      const data = seen > 0 ? event.data.subarray(seen) : event.data;
      execution.received = batch.offsets[i]! + event.data.byteLength;
      fresh.push(data === event.data ? event : { ...event, data });
    });
    for (const log of fresh) execution.logs.append(log);
    if (fresh.length > 0) this.emit({ executionId: execution.id, type: 'logs', events: fresh });
  }

  /**
   * Takes what the worker has staged and not posted (staged at least `minAgeMs` ago): output of
   * a guest computing without host calls, or of a worker about to be terminated. Skipped while a
   * batch before it is still on its way, so the log keeps the order it was written in.
   */
  private takeStaged(execution: Execution, minAgeMs = 0): void {
    const batch = execution.staging?.peek();
    if (batch == null || Date.now() - batch.events[0]!.timestamp < minAgeMs) return;
    if (batch.offsets[0]! > execution.received) return;
    this.acceptLogs(execution, batch);
  }

  private finishWithOutcome(execution: Execution, outcome: RunOutcome): void {
    execution.timings.linkMs = outcome.linkMs;
    execution.timings.runMs = outcome.runMs;
    execution.memoryPages = Math.max(execution.memoryPages, ...outcome.memoryPages);
    execution.logs.addDropped('stdout', outcome.droppedLogBytes.stdout);
    execution.logs.addDropped('stderr', outcome.droppedLogBytes.stderr);
    const outputs = outcome.outputs.map(({ target, role, tree }) => ({ name: target, role, tree }));
    const totalPages = outcome.memoryPages.reduce((a, b) => a + b, 0);
    const { end } = outcome;
    const [state, exitCode, error, errorMsg] = classify(end);
    this.finish(execution, state, exitCode, error, errorMsg, outputs, totalPages);
  }

  /** Ends an execution that has not ended yet: terminates its worker and reports `state`. */
  private stop(execution: Execution, state: 'cancelled' | 'timedOut'): void {
    if (execution.finished) return;
    execution.abort.abort(ENDED);
    if (execution.worker !== null) {
      this.pool.discard(execution.worker);
      execution.worker = null;
      this.takeStaged(execution);
    }
    const error = state === 'cancelled' ? errors.cancelled() : errors.timeout(execution.job.timeoutSeconds);
    this.finish(execution, state, -1, error, error.message);
  }

  private finish(
    execution: Execution,
    state: FinalState,
    exitCode: number,
    error: BrineError | null,
    errorMsg: string,
    outputs: OutputMount[] = [],
    totalPages = execution.memoryPages,
  ): void {
    if (execution.finished) return;
    clearTimeout(execution.timer);
    execution.staging = null;
    execution.abort.abort(ENDED);
    execution.timings.totalMs = performance.now() - execution.startedAt;
    const { logs, limitPages, memoryPages: peakPages } = execution;
    logs.close();
    const memory = memoryReport(peakPages, totalPages, limitPages, state, exitCode);
    const stdout = logs.summary('stdout');
    const stderr = logs.summary('stderr');
    const decoder = new TextDecoder();
    const result: ExecutionResult = {
      executionId: execution.id,
      state,
      stdout: decoder.decode(stdout.bytes),
      stdoutTruncated: stdout.truncated,
      stderr: decoder.decode(stderr.bytes),
      stderrTruncated: stderr.truncated,
      exitCode,
      errorMsg: memory.message !== undefined && state === 'failed' ? `${errorMsg}; ${memory.message}` : errorMsg,
      error: error?.toJSON() ?? null,
      outputs,
      logs: logs.events,
      logStats: { stdout: logs.statsOf('stdout'), stderr: logs.statsOf('stderr') },
      memory,
      timings: { ...execution.timings },
      graph: execution.graph,
    };
    execution.result = result;
    // The result first, so a listener that sees the final state can read it.
    this.emit({ executionId: execution.id, type: 'result', result });
    this.setState(execution, state);
    execution.resolveDone(result);
  }

  private setState(execution: Execution, state: ExecutionState): void {
    if (execution.state === state) return;
    execution.state = state;
    this.emit({ executionId: execution.id, type: 'state', state });
  }

  private emit(event: ExecutorEvent): void {
    this.options.onEvent?.(event);
  }
}

class WorkerCrash extends Error {}

/** Maps how the entrypoint call ended to Bacalhau's outcome (reference §6). */
function classify(end: RunEnd): [FinalState, number, BrineError | null, string] {
  switch (end.kind) {
    case 'exit':
      return ['completed', end.code, null, ''];
    case 'return':
      return ['completed', 0, null, ''];
    case 'trap':
      return ['failed', 1, errors.trap(end.message), end.message];
    case 'error': {
      const error = BrineError.from(end.error);
      return ['failed', -1, error, error.message];
    }
  }
}

/**
 * Whether a memory ended at its limit. A failed grow cannot be observed from outside the guest,
 * so "reached" means within one allocator step of the limit: 1/64 of it, at least 16 pages.
 */
function memoryReport(
  peakPages: number,
  totalPages: number,
  limitPages: number,
  state: FinalState,
  exitCode: number,
): ExecutionResult['memory'] {
  const headroom = Math.max(16, Math.floor(limitPages / 64));
  const limitReached = peakPages > 0 && peakPages + headroom >= limitPages;
  const report: ExecutionResult['memory'] = {
    peakPages,
    peakBytes: totalPages * WASM_PAGE_SIZE,
    limitPages,
    limitReached,
  };
  if (limitReached && (state === 'failed' || (state === 'completed' && exitCode !== 0))) {
    report.message = `memory limit reached: ${peakPages} of ${limitPages} pages`;
  }
  return report;
}

/** Brine.Env, then Task.Env, then the system variables a compute node adds (they win), sorted by name. */
function guestEnv(job: Job, executionId: string, jobId: string): string[] {
  const env: Record<string, string> = { ...job.brine.env, ...job.env };
  if (job.brine.systemEnv !== false) {
    Object.assign(env, {
      BACALHAU_EXECUTION_ID: executionId,
      BACALHAU_JOB_ID: jobId,
      BACALHAU_JOB_TYPE: job.type,
      BACALHAU_PARTITION_INDEX: '0',
      BACALHAU_PARTITION_COUNT: String(job.count),
    });
  }
  return Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
}

function offlineNetworkProblem(job: Job): string | null {
  const type = job.network.toLowerCase();
  return type === 'none' || type === 'default' || type === ''
    ? null
    : `network type "${job.network}" is not available: the sandbox is offline (use None)`;
}

const needsNetwork = (sourceType: string) =>
  `input source type "${sourceType}" needs the network, and the sandbox is offline`;

/**
 * What `start` checks first, in Bacalhau's order: the memory limit (4 GiB at most), the spec, then
 * the network. Throws the typed error; returns the memory limit in pages.
 */
export function checkJob(job: Job): number {
  const limitPages = jobMemoryLimitPages(job.memory);
  validateJob(job);
  const network = offlineNetworkProblem(job);
  if (network !== null) throw errors.spec(network, 'Tasks[0].Network.Type');
  return limitPages;
}

/** Why the job cannot run in an offline sandbox (a remote source or a network), or null. */
export function offlineProblem(job: Job): string | null {
  const remote = job.inputs.find((input) => input.source.type === 'other');
  if (remote !== undefined && remote.source.type === 'other') return needsNetwork(remote.source.sourceType);
  return offlineNetworkProblem(job);
}
