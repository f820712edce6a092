import { BrineError, errors } from '../errors/index.js';
import type { StreamName } from '../logs/types.js';
import type { RunEnd, RunOutcome } from '../protocol/messages.js';
import { differencesOnBacalhau, firstWriteSummary, isBacalhauMode } from './bacalhau-mode.js';
import type { Execution } from './execution.js';
import { memoryReport } from './memory-story.js';
import type { ExecutionResult, FinalState, OutputMount, Timings } from './types.js';

/** How an execution ended, before it becomes a result. */
export interface Ending {
  state: FinalState;
  exitCode: number;
  error: BrineError | null;
  /** Bacalhau's ErrorMsg: non-empty exactly when the state is not completed. */
  errorMsg: string;
  outputs?: OutputMount[];
  /** Final size of every memory of every instance, in pages, when the worker reported them. */
  memoryPages?: number[];
  /** The link and run phases as the worker measured them (without the messages to and from it). */
  phases?: Pick<Timings, 'linkMs' | 'runMs'>;
  /** How the entrypoint call ended, when the worker said. */
  end?: RunEnd;
  /** What the worker saw the guest do that Bacalhau would answer differently. */
  workerNotes?: string[];
}

/** An ending with its error: the error's message is the ErrorMsg. */
export function failure(state: Exclude<FinalState, 'completed'>, error: BrineError, exitCode = -1): Ending {
  return { state, exitCode, error, errorMsg: error.message };
}

/** Maps how the entrypoint call ended to Bacalhau's outcome (reference §6). */
export function endingOf(end: RunEnd): Ending {
  switch (end.kind) {
    case 'exit':
      return { state: 'completed', exitCode: end.code, error: null, errorMsg: '' };
    case 'return':
      return { state: 'completed', exitCode: 0, error: null, errorMsg: '' };
    case 'trap':
      return failure('failed', errors.trap(end.message), 1);
    case 'error':
      return failure('failed', BrineError.from(end.error));
  }
}

/** The result of `execution`, ended as `ending` (as Bacalhau reports it, in the compatibility mode); the log is closed. */
export function buildResult(execution: Execution, ending: Ending): ExecutionResult {
  const { logs, job } = execution;
  logs.close();
  const compat = isBacalhauMode(job);
  const summaryOf = (stream: StreamName) => (compat ? firstWriteSummary(logs, stream) : logs.summary(stream));
  const totalPages = ending.memoryPages?.reduce((a, b) => a + b, 0) ?? execution.memoryPages;
  const memory = memoryReport(execution.memoryPages, totalPages, execution.limitPages, execution.grows, ending);
  const stdout = summaryOf('stdout');
  const stderr = summaryOf('stderr');
  const decoder = new TextDecoder();
  const note = memory.message !== undefined && ending.state === 'failed' ? `; ${memory.message}` : '';
  return {
    executionId: execution.id,
    state: ending.state,
    stdout: decoder.decode(stdout.bytes),
    stdoutTruncated: stdout.truncated,
    stderr: decoder.decode(stderr.bytes),
    stderrTruncated: stderr.truncated,
    exitCode: ending.exitCode,
    errorMsg: ending.errorMsg + note,
    error: ending.error?.toJSON() ?? null,
    outputs: ending.outputs ?? [],
    logs: logs.events,
    logStats: { stdout: logs.statsOf('stdout'), stderr: logs.statsOf('stderr') },
    memory,
    timings: { ...execution.timings, ...ending.phases },
    graph: execution.graph,
    http: [...execution.http],
    httpOmitted: execution.httpOmitted,
    onBacalhau: compat
      ? []
      : differencesOnBacalhau(job, ending, ending.end, logs, ending.workerNotes ?? [], execution.http),
    ...(compat ? { compat: 'bacalhau' as const } : {}),
    ...(execution.trace === null ? {} : { trace: execution.trace.store.summary() }),
  };
}

/** The ending of a run the worker finished, with the phases it measured. */
export function completedRun(execution: Execution, outcome: RunOutcome): Ending {
  execution.memoryPages = Math.max(execution.memoryPages, ...outcome.memoryPages);
  execution.logs.addDropped('stdout', outcome.droppedLogBytes.stdout);
  execution.logs.addDropped('stderr', outcome.droppedLogBytes.stderr);
  execution.httpOmitted = outcome.httpOmitted;
  return {
    ...endingOf(outcome.end),
    outputs: outcome.outputs.map(({ target, role, tree }) => ({ name: target === '' ? '/' : target, role, tree })),
    memoryPages: outcome.memoryPages,
    phases: { linkMs: outcome.linkMs, runMs: outcome.runMs },
    end: outcome.end,
    workerNotes: outcome.bacalhauNotes,
  };
}
