import type { FileTree } from '../mounts/tree.js';

/**
 * A Bacalhau WASM job: the job and its one task, flattened, with every field Bacalhau knows kept
 * as written (so YAML → Job → YAML loses nothing). Absent fields stay absent ('' or undefined):
 * the defaults are applied where they are used (see the functions below), because Bacalhau
 * refuses some absences that Brine fills in. `parseJob` builds it from YAML, `jobToYaml` writes
 * it back, `admit` decides whether it may start.
 */
export interface Job {
  /** Job.Name */
  name: string;
  /** Job.Namespace */
  namespace?: string;
  /** Job.Type (batch, ops, daemon, service); '' when absent */
  type: string;
  /** Job.Priority */
  priority?: number;
  /** Job.Count: BACALHAU_PARTITION_COUNT; undefined when absent (1) */
  count?: number;
  /** Job.Constraints: node label selectors */
  constraints: Constraint[];
  /** Job.Meta */
  meta: Record<string, string>;
  /** Job.Labels */
  labels: Record<string, string>;
  /** Tasks[0].Name; '' when absent */
  taskName: string;
  /** Tasks[0].Meta */
  taskMeta: Record<string, string>;
  /** Engine.Params.EntryModule: a path in the mounted filesystem */
  entryModule: string;
  /** Engine.Params.Entrypoint; '' when absent (Brine then calls `_start`; Bacalhau's executor has no default) */
  entrypoint: string;
  /** Engine.Params.Parameters: argv[1..] */
  parameters: string[];
  /** Engine.Params.ImportModules: instantiated before the entry module, in order */
  importModules: string[];
  /** Task.Env (values may be `env:HOST_VAR` references, resolved on a compute node) */
  env: Record<string, string>;
  /** Task.InputSources */
  inputs: InputSource[];
  /** Task.ResultPaths: mounted writable at /<Name> */
  outputs: ResultPath[];
  /** Task.Publisher (Bacalhau requires one with ResultPaths) */
  publisher?: SpecConfig;
  /** Task.Resources, as written (go-humanize sizes, CPU cores or millicores) */
  resources: Resources;
  /** Task.Timeouts, in seconds, as written */
  timeouts: Timeouts;
  /** Task.Network */
  network: Network;
  /** Brine's extensions (Engine.Params.Brine), ignored by Bacalhau */
  brine: BrineOptions;
}

/** A Bacalhau SpecConfig: a type and its parameters, as written. */
export interface SpecConfig {
  type: string;
  params: Record<string, unknown>;
}

export interface Constraint {
  key: string;
  operator: string;
  values: string[];
}

export interface Resources {
  cpu?: string;
  /** go-humanize bytes; absent means the 512Mb job default */
  memory?: string;
  disk?: string;
  gpu?: string;
}

export interface Timeouts {
  executionTimeout?: number;
  queueTimeout?: number;
  totalTimeout?: number;
}

export interface Network {
  /** Default, None, Host, Full, HTTP or Bridge (any case); '' when absent */
  type: string;
  domains: string[];
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
   * Extra preopened directories, after the root "/" (fd 3), in order: each is a directory path of
   * the mounted filesystem, preopened under that name (wasi-testsuite needs e.g. "fs-tests.dir");
   * "." is the working directory, the root, preopened under the name "." (see preopenPath).
   */
  preopens: string[];
  /** When set, clocks and random_get are deterministic, derived from this seed. */
  seed?: number;
  /** False: no "/" preopen at fd 3, so the named preopens start there (as wasmtime gives only the dirs asked for). */
  rootPreopen?: boolean;
  /** False: no BACALHAU_* variables, the guest sees exactly Task.Env and Brine.Env. */
  systemEnv?: boolean;
  /** "bacalhau": run with Bacalhau's observable behaviour where Brine's differs (see docs/differences.md). */
  compat?: CompatMode;
}

export const COMPAT_MODES = ['bacalhau'] as const;
export type CompatMode = (typeof COMPAT_MODES)[number];

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

/** A job with nothing set but what it runs: the module at `entryModule` (in-memory inputs and the rest added by the caller). */
export function newJob(entryModule: string, fields: Partial<Job> = {}): Job {
  return {
    name: '',
    type: '',
    constraints: [],
    meta: {},
    labels: {},
    taskName: '',
    taskMeta: {},
    entryModule,
    entrypoint: '',
    parameters: [],
    importModules: [],
    env: {},
    inputs: [],
    outputs: [],
    resources: {},
    timeouts: {},
    network: { type: '', domains: [] },
    brine: { argv0: '', preopens: [] },
    ...fields,
  };
}

// What Brine runs when a field is absent.

/** Job.Type, batch when absent. */
export const jobType = (job: Job): string => job.type || 'batch';
/** Job.Count, 1 when absent. */
export const jobCount = (job: Job): number => job.count ?? 1;
/** The function Brine calls: Entrypoint, `_start` when absent. */
export const entrypointOf = (job: Job): string => job.entrypoint || DEFAULT_ENTRYPOINT;
/** The network type, Default when absent. */
export const networkType = (job: Job): string => job.network.type.trim() || 'Default';
/** Job types that run until stopped: Bacalhau gives them no execution deadline. */
const LONG_RUNNING = ['daemon', 'service'];
/**
 * The execution deadline in seconds (0: none): ExecutionTimeout, falling back to TotalTimeout,
 * as Bacalhau's executor buffer does; none for long-running job types.
 */
export const executionTimeoutSeconds = (job: Job): number =>
  LONG_RUNNING.includes(jobType(job)) ? 0 : job.timeouts.executionTimeout || job.timeouts.totalTimeout || 0;
