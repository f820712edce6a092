import type { SerializedError } from '../errors/index.js';
import type { WorkerFactory } from '../host/types.js';
import type { InstrumentedStore } from '../loader/compile-cache.js';
import type { GraphEvent, ImportGraph } from '../loader/graph.js';
import type { StreamStats } from '../logs/store.js';
import type { LogEvent } from '../logs/types.js';
import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import type { HttpRecord } from '../protocol/http.js';
import type { CompatMode, Job } from '../spec/types.js';
import type { Trace, TraceSummary } from '../trace/store.js';

export type FinalState = 'completed' | 'failed' | 'cancelled' | 'timedOut';
export type ExecutionState = 'queued' | 'loading' | 'linking' | 'running' | FinalState;

/** Reads a localDirectory source (a host file or directory) by its SourcePath. */
export type ReadLocal = (sourcePath: string) => Promise<FileTree>;

export interface StartRequest {
  executionId: string;
  job: Job;
  /** Reads this job's localDirectory sources, in place of the executor's readLocal. */
  readLocal?: ReadLocal;
  /** BACALHAU_JOB_ID; defaults to the execution id. */
  jobId?: string;
  /** Overrides the executor's cap on kept log bytes per stream. */
  logCapBytes?: number;
}

/**
 * A writable mount as the job left it: an output (named by its Name) or a ReadWrite input (by
 * its normalised Target, "/" for the input at the root, whose tree leaves out the other mounts).
 */
export interface OutputMount {
  name: string;
  role: Mount['role'];
  tree: FileTree;
}

/** One memory.grow the guest made. */
export interface GrowEvent {
  /** Milliseconds since the worker began linking (start functions run then; the entrypoint after linkMs). */
  time: number;
  /** The module that made it, and the index of the memory in that module. */
  module: string;
  memory: number;
  /** The memory's size before, and the size asked for (before + delta), in pages. */
  from: number;
  to: number;
  granted: boolean;
  /** The memory's maximum, in pages: what it declares, capped at the job's limit. */
  maximum: number;
}

export interface MemoryReport {
  /** Largest memory at the end of the run, in 64 KiB pages (memories only grow, so also the peak). */
  peakPages: number;
  /** All memories of all modules together, in bytes. */
  peakBytes: number;
  /** Per-memory limit applied (65536 when the job sets none). */
  limitPages: number;
  /** The guest's memory.grow calls in order; of more than 2 × 500, the first and the last 500. */
  grows: GrowEvent[];
  /** memory.grow calls in all, and how many were refused. */
  growCount: number;
  refusedCount: number;
  /** The last refused grow, also when it is not among `grows`. */
  lastRefused?: GrowEvent;
  /** Modules whose memory.grow is not observed (none for wasm32 code Brine can decode), and why. */
  unobserved: { module: string; reason: string }[];
  /**
   * The last refused grow explained, when the run then failed or exited non-zero: "memory.grow
   * from 40 to 900 pages was refused: the limit is 512 pages (32 MiB); the program then exited with code 1".
   */
  message?: string;
}

export interface Timings {
  queuedMs: number;
  compileMs: number;
  linkMs: number;
  runMs: number;
  totalMs: number;
}

/**
 * Bacalhau's RunCommandResult (stdout/stderr summaries, truncation flags, exitCode, errorMsg)
 * plus Brine's additions. `errorMsg` is non-empty exactly when the state is not completed.
 */
export interface ExecutionResult {
  executionId: string;
  state: FinalState;
  stdout: string;
  stdoutTruncated: boolean;
  stderr: string;
  stderrTruncated: boolean;
  exitCode: number;
  errorMsg: string;
  /** The typed error behind errorMsg (its code survives the worker boundary). */
  error: SerializedError | null;
  outputs: OutputMount[];
  /** Every kept log event, in order (the execution's log store; see getLogStream). */
  logs: readonly LogEvent[];
  logStats: { stdout: StreamStats; stderr: StreamStats };
  memory: MemoryReport;
  timings: Timings;
  graph: ImportGraph;
  /** Each request the guest made through the HTTP host module, in order (the first 1,000). */
  http: HttpRecord[];
  /** Requests made past the recorded ones (counted when the run ended normally). */
  httpOmitted: number;
  /**
   * What Bacalhau would have reported differently for this run, one line each, e.g. "exit code -1:
   * the entrypoint returned without calling proc_exit" (empty in the compatibility mode).
   */
  onBacalhau: string[];
  /** Set when the run followed Bacalhau's observable behaviour (Engine.Params.Brine.Compat). */
  compat?: CompatMode;
  /** A traced run's calls, per function (Engine.Params.Brine.Trace); the records: Executor.getTrace. */
  trace?: TraceSummary;
}

export type ExecutorEvent = { executionId: string } & (
  | { type: 'state'; state: ExecutionState }
  | { type: 'graph'; event: GraphEvent }
  | { type: 'logs'; events: LogEvent[] }
  /** New records in a traced execution's trace (the same object each time, growing). */
  | { type: 'trace'; trace: Trace }
  | { type: 'memory'; pages: number }
  | { type: 'http'; record: HttpRecord }
  | { type: 'result'; result: ExecutionResult }
);

export interface BidResponse {
  shouldBid: boolean;
  shouldWait: boolean;
  reason: string;
}

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
  /** Trace records kept per traced execution: half the oldest, half the newest. Default 1,000,000. */
  traceLimit?: number;
  /** Reads a host file or directory for localDirectory sources (the CLI provides it); a StartRequest may bring its own. */
  readLocal?: ReadLocal;
  /** Keeps modules instrumented for memory.grow between sessions (the CLI gives one: a per-user directory). */
  instrumentedStore?: InstrumentedStore;
  /** How long one request of the HTTP host module may take. Default 30 s (Bacalhau's). */
  httpTimeoutMs?: number;
  /** Everything that happens, for UIs: states, graph progress, logs, trace records, memory, results. */
  onEvent?: (event: ExecutorEvent) => void;
}
