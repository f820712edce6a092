import type { LoadedModules } from '../loader/loader.js';
import { normalizePath, preopenPath } from '../mounts/paths.js';
import type { HttpOptions, LogOptions, RunRequest, TraceOptions, WireMount } from '../protocol/messages.js';
import { type BrineOptions, type Job, jobCount, jobType } from '../spec/types.js';
import { entrypointToCall, isBacalhauMode } from './bacalhau-mode.js';

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
  /** Set when the job asks for a trace. */
  trace: TraceOptions | undefined;
}

/**
 * What the worker needs to run the job: the planned modules, the guest's argv, env, stdin and
 * filesystem. In the Bacalhau compatibility mode the guest gets what a Bacalhau node gives it
 * (reference §2.3, docs/bacalhau-rules.md rt-env, rt-argv, rt-stdin, rt-preopen): Brine's
 * extensions are left out.
 */
export function runRequest(parts: RunRequestParts): RunRequest {
  const { job, loaded, logStaging, http, trace } = parts;
  const brine = guestOptions(job);
  const preopens = guestPreopens(job);
  return {
    executionId: parts.executionId,
    modules: loaded.modules,
    entry: loaded.entry,
    entrypoint: entrypointToCall(job),
    args: [brine.argv0, ...job.parameters],
    env: guestEnv(job, parts.executionId, parts.jobId),
    stdin: brine.stdin ?? new Uint8Array(0),
    mounts: parts.mounts,
    rootPreopen: preopens.root,
    preopens: preopens.named,
    fsQuotaBytes: parts.fsQuotaBytes,
    fsMaxNodes: parts.fsMaxNodes,
    logs: parts.logs,
    ...(logStaging === undefined ? {} : { logStaging }),
    ...(http === undefined ? {} : { http }),
    ...(trace === undefined ? {} : { trace }),
    ...(brine.seed === undefined ? {} : { seed: brine.seed }),
    ...(job.brine.compat === undefined ? {} : { compat: job.brine.compat }),
  };
}

/** The path of each fd a run starts with, as the worker opens them: stdio, then the preopens. */
export function startingFds(request: RunRequest): Map<number, string> {
  const paths = ['<stdin>', '<stdout>', '<stderr>', ...(request.rootPreopen ? ['/'] : [])];
  // "." and "/" open the root, as the worker builds them; a path_open's result is normalised the same way.
  for (const preopen of request.preopens) paths.push(`/${normalizePath(preopen)}`);
  return new Map(paths.map((path, fd) => [fd, path]));
}

/** Brine's extensions as the guest gets them: none in the compatibility mode. */
function guestOptions(job: Job): BrineOptions {
  return isBacalhauMode(job) ? { argv0: '', preopens: [] } : job.brine;
}

/** The guest's preopened directories: "/" (fd 3) unless turned off, then the named ones (see preopenPath). */
export function guestPreopens(job: Job): { root: boolean; named: string[] } {
  const brine = guestOptions(job);
  return { root: brine.rootPreopen !== false, named: brine.preopens.map(preopenPath) };
}

/**
 * Brine.Env, then Task.Env, then the system variables a compute node adds (they win), sorted by
 * name. In the compatibility mode: Task.Env and the system variables only, as Bacalhau counts them.
 */
function guestEnv(job: Job, executionId: string, jobId: string): string[] {
  const compat = isBacalhauMode(job);
  const env: Record<string, string> = compat ? { ...job.env } : { ...job.brine.env, ...job.env };
  if (compat || job.brine.systemEnv !== false) {
    Object.assign(env, {
      BACALHAU_EXECUTION_ID: executionId,
      BACALHAU_JOB_ID: jobId,
      BACALHAU_JOB_TYPE: jobType(job),
      BACALHAU_PARTITION_INDEX: '0',
      BACALHAU_PARTITION_COUNT: String(compat ? bacalhauPartitionCount(job) : jobCount(job)),
    });
  }
  return Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
}

/** Job.Count as a node sees it: ops and daemon jobs run on every node, and Normalize makes their count 0. */
function bacalhauPartitionCount(job: Job): number {
  return ['ops', 'daemon'].includes(jobType(job)) ? 0 : jobCount(job);
}
