import { filesReader, type SourceFiles } from '../host/files.js';
import type { WorkerFactory } from '../host/types.js';
import { parseJob, readJob } from '../spec/parse.js';
import type { CompatMode, Job } from '../spec/types.js';
import { Executor } from './executor.js';
import type { ExecutionResult, ExecutorEvent, ReadLocal } from './types.js';

/** A job as runJob takes it: YAML or JSON text, a Bacalhau job as an object (with `Tasks`), or a Job. */
export type JobInput = string | Job | { readonly [field: string]: unknown };

export interface RunJobOptions {
  /** Contents of the localDirectory sources, by SourcePath (see SourceFiles). */
  files?: SourceFiles;
  /** Node: the directory relative SourcePaths not in `files` are read from (default: the current directory). */
  baseDir?: string;
  /** Reads the sources not in `files` in place of the host's way (Node: from baseDir; browsers: none). */
  readLocal?: ReadLocal;
  /** "bacalhau": run with Bacalhau's observable behaviour (as Engine.Params.Brine.Compat). */
  compat?: CompatMode;
  /** Aborting cancels the run, which then resolves with the state "cancelled". */
  signal?: AbortSignal;
  /** This run's events as they happen: states, logs, memory, the import graph, the result. */
  onEvent?: (event: ExecutorEvent) => void;
}

/** What runJob needs from a host: its workers, and how it reads the sources not in `files`. */
export interface JobHost {
  createWorker: WorkerFactory;
  readLocal(options: RunJobOptions): ReadLocal | undefined;
}

export type RunJob = (job: JobInput, options?: RunJobOptions) => Promise<ExecutionResult>;

/** The Job a JobInput stands for, in the compatibility mode `compat` if given. Throws a SpecError for a bad job. */
export function jobOf(input: JobInput, compat?: CompatMode): Job {
  const job = typeof input === 'string' ? parseJob(input) : 'Tasks' in input ? readJob(input).job : (input as Job);
  return compat === undefined ? job : { ...job, brine: { ...job.brine, compat } };
}

/**
 * runJob on `host`: the jobs run on one Executor, made on first use (so workers and compiled
 * modules are reused), each with its own sources and events. Rejects with the typed error when
 * the job cannot start (Executor.start); every later ending is in the result.
 */
export function jobRunner(host: JobHost): RunJob {
  let executor: Executor | undefined;
  const listeners = new Map<string, (event: ExecutorEvent) => void>();
  let runs = 0;
  return async (input, options = {}) => {
    const job = jobOf(input, options.compat);
    executor ??= new Executor({
      createWorker: host.createWorker,
      onEvent: (event) => listeners.get(event.executionId)?.(event),
    });
    const run = executor;
    const executionId = `run-${++runs}`;
    if (options.onEvent !== undefined) listeners.set(executionId, options.onEvent);
    const readLocal = filesReader(options.files ?? {}, options.readLocal ?? host.readLocal(options));
    const { signal } = options;
    const cancel = () => void run.cancel(executionId).catch(() => {}); // not started: nothing to stop
    signal?.addEventListener('abort', cancel);
    let started = false;
    try {
      const starting = run.start({ executionId, job, readLocal });
      if (signal?.aborted) cancel();
      await starting;
      started = true;
      return await run.wait(executionId);
    } finally {
      signal?.removeEventListener('abort', cancel);
      listeners.delete(executionId);
      if (started) run.release(executionId);
    }
  };
}
