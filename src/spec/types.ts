import type { FileTree } from '../mounts/tree.js';

/**
 * A Bacalhau WASM job (Tasks[0] of a job YAML), flattened. `parseJob` builds it from YAML,
 * `jobToYaml` writes it back; API callers may also build it directly (then `validateJob`).
 */
export interface Job {
  /** Job.Name */
  name: string;
  /** Job.Type (batch, ops, daemon, service) */
  type: string;
  /** Job.Count: BACALHAU_PARTITION_COUNT */
  count: number;
  /** Tasks[0].Name */
  taskName: string;
  /** Engine.Params.EntryModule: a path in the mounted filesystem */
  entryModule: string;
  /** Engine.Params.Entrypoint; `_start` when empty */
  entrypoint: string;
  /** Engine.Params.Parameters: argv[1..] */
  parameters: string[];
  /** Engine.Params.ImportModules: instantiated before the entry module, in order */
  importModules: string[];
  /** Task.Env */
  env: Record<string, string>;
  /** Task.InputSources */
  inputs: InputSource[];
  /** Task.ResultPaths: mounted writable at /<Name> */
  outputs: ResultPath[];
  /** Task.Resources.Memory as written (go-humanize); undefined means the 512Mb job default */
  memory?: string;
  /** Task.Timeouts.ExecutionTimeout in seconds; 0 means none */
  timeoutSeconds: number;
  /** Task.Network.Type; only None (or Default, treated as None) is available offline */
  network: string;
  /** Job.Publisher.Type, kept for round trips (Bacalhau requires one with ResultPaths) */
  publisher?: string;
  /** Brine's extensions (Engine.Params.Brine), ignored by Bacalhau */
  brine: BrineOptions;
}

export interface BrineOptions {
  /** Static stdin (Brine.Stdin as text, or Brine.StdinBase64). Empty by default, as in Bacalhau. */
  stdin?: Uint8Array;
  /** argv[0]; Bacalhau passes "" */
  argv0: string;
  /**
   * Guest environment variables free of Bacalhau's naming rules (Brine.Env), e.g. lower-case
   * names. Task.Env and the BACALHAU_* system variables win over them.
   */
  env?: Record<string, string>;
  /**
   * Extra preopened directories, after the root "/" (fd 3): each is a directory path of the
   * mounted filesystem, preopened under that name (wasi-testsuite needs e.g. "fs-tests.dir").
   */
  preopens: string[];
  /** When set, clocks and random_get are deterministic, derived from this seed. */
  seed?: number;
  /** False: no "/" preopen at fd 3, so the named preopens start there (as wasmtime gives only the dirs asked for). */
  rootPreopen?: boolean;
  /** False: no BACALHAU_* variables, the guest sees exactly Task.Env and Brine.Env. */
  systemEnv?: boolean;
}

export interface InputSource {
  /** Where the source is mounted; leading slashes are ignored */
  target: string;
  alias?: string;
  source: SourceSpec;
}

export type SourceSpec =
  /** A data: URL; gzip content (a .tar.gz) becomes a directory. */
  | { type: 'inline'; url: string }
  /** A host file or directory (CLI only). readWrite gives a copy-on-write mount returned with the outputs. */
  | { type: 'localDirectory'; sourcePath: string; readWrite: boolean }
  /** Files given through the API (what the UI uses). readWrite as for localDirectory. */
  | { type: 'memory'; tree: FileTree; readWrite: boolean }
  /** Any other Bacalhau source type (urlDownload, ipfs, s3...), kept for round trips; refused at start. */
  | { type: 'other'; sourceType: string; params: Record<string, unknown> };

export interface ResultPath {
  name: string;
  path: string;
}

export const DEFAULT_ENTRYPOINT = '_start';
/** Bacalhau's job defaults give every job 512Mb (SI). */
export const DEFAULT_MEMORY = '512Mb';
