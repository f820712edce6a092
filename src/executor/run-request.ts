import type { LoadedModules } from '../loader/loader.js';
import { normalizePath } from '../mounts/paths.js';
import type { HttpOptions, LogOptions, RunRequest, WireMount } from '../protocol/messages.js';
import { entrypointOf, type Job, jobCount, jobType } from '../spec/types.js';

export interface RunRequestParts {
  executionId: string;
  jobId: string;
  job: Job;
  loaded: LoadedModules;
  mounts: WireMount[];
  logs: LogOptions;
  logStaging: SharedArrayBuffer | undefined;
  fsQuotaBytes: number;
  fsMaxNodes: number;
  /** The HTTP host module's rule; absent when the job's network is None. */
  http: HttpOptions | undefined;
}

/** What the worker needs to run the job: the planned modules, the guest's argv, env, stdin and filesystem. */
export function runRequest(parts: RunRequestParts): RunRequest {
  const { job, loaded, logStaging, http } = parts;
  return {
    executionId: parts.executionId,
    modules: loaded.modules,
    entry: loaded.entry,
    entrypoint: entrypointOf(job),
    args: [job.brine.argv0, ...job.parameters],
    env: guestEnv(job, parts.executionId, parts.jobId),
    stdin: job.brine.stdin ?? new Uint8Array(0),
    mounts: parts.mounts,
    rootPreopen: job.brine.rootPreopen !== false,
    preopens: job.brine.preopens.map(normalizePath),
    fsQuotaBytes: parts.fsQuotaBytes,
    fsMaxNodes: parts.fsMaxNodes,
    logs: parts.logs,
    ...(logStaging === undefined ? {} : { logStaging }),
    ...(http === undefined ? {} : { http }),
    ...(job.brine.seed === undefined ? {} : { seed: job.brine.seed }),
  };
}

/** Brine.Env, then Task.Env, then the system variables a compute node adds (they win), sorted by name. */
function guestEnv(job: Job, executionId: string, jobId: string): string[] {
  const env: Record<string, string> = { ...job.brine.env, ...job.env };
  if (job.brine.systemEnv !== false) {
    Object.assign(env, {
      BACALHAU_EXECUTION_ID: executionId,
      BACALHAU_JOB_ID: jobId,
      BACALHAU_JOB_TYPE: jobType(job),
      BACALHAU_PARTITION_INDEX: '0',
      BACALHAU_PARTITION_COUNT: String(jobCount(job)),
    });
  }
  return Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
}
