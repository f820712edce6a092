import type { SerializedError } from '../errors/index.js';
import type { Mount } from '../fs/mount-table.js';
import type { FileTree } from '../fs/tree.js';
import type { BatchOptions } from '../logs/batcher.js';
import type { LogBatch } from '../logs/staging.js';
import type { StreamName } from '../logs/types.js';
import type { WireMount } from './file-cache.js';

/**
 * What crosses the worker boundary: plain data, compiled Modules (cloned) and buffers
 * (transferred). The host resolves and compiles modules; the worker links and runs them.
 */

export interface PlannedModule {
  /** The name the module is registered under (its path as given, or its import name). */
  name: string;
  module: WebAssembly.Module;
  /** Import module name to the index of the planned module that provides it, or the built-in WASI. */
  providers: Record<string, number | 'wasi'>;
}

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
  /** Big files the worker already holds are sent by hash (see file-cache.ts). */
  mounts: WireMount[];
  /** Whether "/" is preopened at fd 3 (Bacalhau's only preopen). */
  rootPreopen: boolean;
  /** Named preopens, after "/": normalised directory paths. */
  preopens: string[];
  seed?: number;
  fsQuotaBytes: number;
  /** Writable files, directories and links allowed at once. */
  fsMaxNodes: number;
  logs: BatchOptions;
  /** Where the worker stages log bytes, readable by the host (see logs/staging.ts); absent where memory cannot be shared. */
  logStaging?: SharedArrayBuffer;
}

/** The host marks 'linking' when it sends the request; the worker reports when the guest starts. */
export type Phase = 'running';

export type RunEvent = ({ type: 'logs'; memoryPages: number } & LogBatch) | { type: 'phase'; phase: Phase; at: number };

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
  /** Hashes of the big files the worker keeps for later runs. */
  heldFiles: string[];
}

/** A request with every file present, as runExecution takes it. */
export type ResolvedRunRequest = Omit<RunRequest, 'mounts'> & { mounts: Mount[] };

/** The callback object the worker posts events to (a Comlink proxy of the host's sink). */
export interface RunEventSink {
  post(event: RunEvent): void;
}
