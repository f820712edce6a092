/**
 * The whole contract between a host thread (the page, or Node's main thread) and an execution
 * worker: the one call a worker offers (`WorkerApi`, over Comlink), the events it posts while a
 * guest runs, and the shared log staging (log-staging.ts). Everything here is plain data,
 * compiled Modules (cloned) or buffers (transferred). The host resolves and compiles modules;
 * the worker links and runs them.
 */
import type { SerializedError } from '../errors/index.js';
import type { GrowHooks } from '../loader/grow-hooks.js';
import type { StreamName } from '../logs/types.js';
import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import type { HttpAccess } from '../spec/network.js';
import type { CompatMode } from '../spec/types.js';
import type { HttpRecord } from './http.js';
import type { LaneEvent } from './lane.js';
import type { LogBatch } from './log-staging.js';
import type { TraceBatch } from './trace-staging.js';

/** What a worker offers; the host calls it through Comlink (`Remote<WorkerApi>`). */
export interface WorkerApi {
  /** Runs one execution to its end. Events are posted on the worker's own port meanwhile. */
  run(request: RunRequest): RunOutcome;
}

/** A worker's own messages beside Comlink's: the run events. */
export interface WorkerMessage {
  brineEvent: RunEvent;
}

/** Picks Brine's run events out of a worker's messages (the rest are Comlink's). */
export function runEventOf(data: unknown): RunEvent | undefined {
  return typeof data === 'object' && data !== null && 'brineEvent' in data
    ? (data as WorkerMessage).brineEvent
    : undefined;
}

export interface PlannedModule {
  /** The name the module is registered under (its path as given, or its import name). */
  name: string;
  module: WebAssembly.Module;
  /** The compiled module's identity (its bytes' SHA-256 and memory limit): a worker keeps modules by it. */
  key: string;
  /** Import module name to the index of the planned module that provides it, or a built-in module (WASI, HTTP). */
  providers: Record<string, number | 'wasi' | 'http'>;
  /** Set when the module's memory.grow calls the host: what the worker provides it (see loader/grow-hooks.ts). */
  grows?: GrowHooks;
}

/** A file tree as sent to a worker: big files carry their hash, and files the worker holds are sent by hash alone. */
export type WireTree =
  | FileTree
  | { kind: 'file'; data: Uint8Array; sha256: string }
  | { kind: 'directory'; entries: { [name: string]: WireTree } }
  /** A file the worker already holds. */
  | { kind: 'held'; sha256: string };

export type WireMount = Omit<Mount, 'tree'> & { tree: WireTree };

export interface LogOptions {
  /** Staging size: a batch holds at most this many bytes; writes of half of it or more go out alone. */
  batchBytes: number;
  /** A write flushes at once when the last flush is this old; writes in between are batched. */
  flushMs: number;
  /** Bytes per stream sent at most; the rest is counted, not sent. */
  capBytes: number;
}

/** How the worker records a traced run's host calls (see src/trace). */
export interface TraceOptions {
  /** Staging size in words: a batch holds at most this many. */
  batchWords: number;
  /** A call posts the staged records when the last post is this old. */
  flushMs: number;
  /** Where the worker stages records, readable by the host (see trace-staging.ts); absent where memory cannot be shared. */
  staging?: SharedArrayBuffer;
}

/** Bytes the writable mounts of one execution may hold, unless the host says otherwise. */
export const DEFAULT_FS_QUOTA_BYTES = 1024 * 1024 * 1024;
/** Writable files, directories and links one execution may have at once (each costs host memory). */
export const DEFAULT_FS_MAX_NODES = 250_000;

export interface RunRequest {
  executionId: string;
  /** Providers come before the modules that import them. */
  modules: PlannedModule[];
  /** Index of the entry module in `modules`. */
  entry: number;
  entrypoint: string;
  args: string[];
  /** "NAME=value", sorted by name. */
  env: string[];
  stdin: Uint8Array;
  /** Big files the worker already holds are sent by hash. */
  mounts: WireMount[];
  /** Whether "/" is preopened at fd 3 (Bacalhau's only preopen). */
  rootPreopen: boolean;
  /** Named preopens, after "/": directory paths as preopenPath gives them ("data", "/", "."). */
  preopens: string[];
  seed?: number;
  /** Run with Bacalhau's observable behaviour (touchfs outputs, its random and clocks). */
  compat?: CompatMode;
  fsQuotaBytes: number;
  /** Writable files, directories and links allowed at once. */
  fsMaxNodes: number;
  logs: LogOptions;
  /** Where the worker stages log bytes, readable by the host (see log-staging.ts); absent where memory cannot be shared. */
  logStaging?: SharedArrayBuffer;
  /** The HTTP host module's rule; absent when the job's network is None (no module). */
  http?: HttpOptions;
  /** Record every host call (Engine.Params.Brine.Trace); absent: the imports are linked untouched. */
  trace?: TraceOptions;
  /** The worker's fast lane (run-lane.ts): after this run it waits there for the next requests. */
  runLane?: SharedArrayBuffer;
}

/**
 * memory.grow calls as the worker sends them: GROW_FIELDS numbers each, in this order: the index
 * of the module in RunRequest.modules, the memory's index in it, its size before in pages, the
 * size asked for, 1 if granted (else 0), the memory's maximum in pages, and the time in ms since
 * the worker began linking (the guest's first instruction may run in a start function).
 */
export type GrowBatch = Float64Array<ArrayBuffer>;
export const GROW_FIELDS = 7;

export interface HttpOptions {
  access: HttpAccess;
  /** Per request (Bacalhau: 30 s). */
  timeoutMs: number;
  /** Where the host answers requests it makes for the worker (lane.ts); absent: the worker makes them (browsers). */
  lane?: SharedArrayBuffer;
}

/** Requests recorded one by one per run; later ones are only counted (RunOutcome.httpOmitted). */
export const MAX_HTTP_RECORDS = 1000;

export type RunEvent =
  | ({ type: 'logs'; memoryPages: number } & LogBatch)
  /** Trace records of a traced run, in order. */
  | { type: 'trace'; batch: TraceBatch }
  /** memory.grow calls, batched as the logs are (see runtime/grow-recorder.ts). */
  | { type: 'grows'; events: GrowBatch }
  /** The guest's entrypoint is about to be called (the host marks 'linking' when it sends the request). */
  | { type: 'running' }
  /** A request the guest made through the HTTP host module, once it has ended. */
  | { type: 'http'; record: HttpRecord }
  /** A lane run's outcome too large for the lane (run-lane.ts). */
  | { type: 'outcome'; outcome: RunOutcome }
  | LaneEvent;

/** How the entrypoint call ended. */
export type RunEnd =
  | { kind: 'exit'; code: number }
  | { kind: 'return' }
  | { kind: 'trap'; message: string }
  | { kind: 'error'; error: SerializedError };

export interface RunOutcome {
  end: RunEnd;
  /** Writable mounts as they ended: outputs and ReadWrite inputs. */
  outputs: { target: string; role: Mount['role']; tree: FileTree }[];
  /** Final size of each memory of each instance, in pages (memories only grow: this is the peak). */
  memoryPages: number[];
  droppedLogBytes: Record<StreamName, number>;
  linkMs: number;
  runMs: number;
  /** Requests past MAX_HTTP_RECORDS, counted but not recorded. */
  httpOmitted: number;
  /** Hashes of the big files the worker keeps for later runs. */
  heldFiles: string[];
  /** Keys of the compiled modules the worker keeps, which requests over the lane may name. */
  heldModules: string[];
  /** What the guest did that Bacalhau would have answered differently (not in the compatibility mode). */
  bacalhauNotes: string[];
}
