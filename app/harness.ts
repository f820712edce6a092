// harness.html: a page without UI for automation (Playwright and other drivers).
// window.brine.run(jobJson, options) runs a job (see src/spec/json.ts) on Brine's browser executor
// and returns the result's JSON-safe fields, with the full stdout and stderr text (`summary` holds
// the result's own stdout and stderr: Bacalhau's summaries in the compatibility mode);
// window.brine.cancelAll() cancels the runs in progress.
import { Executor } from '../src/executor/executor.js';
import type { ExecutorOptions } from '../src/executor/types.js';
import { createBrowserWorker } from '../src/host/browser.js';
import { streamText } from '../src/logs/types.js';
import { listFiles } from '../src/mounts/tree.js';
import { jobFromJson } from '../src/spec/json.js';

/** The executor options a run may set. */
type RunOptions = Pick<ExecutorOptions, 'httpTimeoutMs'>;

/** One executor per distinct options (most runs use the defaults). */
const executors = new Map<string, Executor>();
let next = 0;

function executorFor(options: RunOptions): Executor {
  const key = JSON.stringify(options);
  let executor = executors.get(key);
  if (executor === undefined) {
    executor = new Executor({ createWorker: createBrowserWorker, maxWorkers: 2, ...options });
    executors.set(key, executor);
  }
  return executor;
}

/** Runs in progress, to cancel. */
const running = new Map<string, Executor>();

async function run(jobJson: unknown, options: RunOptions = {}) {
  const executor = executorFor(options);
  const executionId = `harness-${next++}`;
  running.set(executionId, executor);
  const result = await executor.run({ executionId, job: jobFromJson(jobJson) }).finally(() => {
    running.delete(executionId);
  });
  executor.release(executionId);
  const { state, exitCode, errorMsg, error, memory, timings, onBacalhau, compat, http } = result;
  return {
    state,
    exitCode,
    errorMsg,
    error,
    memory,
    timings,
    onBacalhau,
    compat,
    http,
    stdout: streamText(result.logs, 'stdout'),
    stderr: streamText(result.logs, 'stderr'),
    summary: { stdout: result.stdout, stderr: result.stderr },
    outputs: result.outputs.map((output) => ({ name: output.name, files: listFiles(output.tree).map((f) => f.path) })),
  };
}

/** Cancels every run in progress (each ends as cancelled). */
async function cancelAll(): Promise<void> {
  await Promise.all([...running].map(([id, executor]) => executor.cancel(id)));
}

declare global {
  interface Window {
    brine: { run: typeof run; cancelAll: typeof cancelAll };
  }
}
window.brine = { run, cancelAll };
document.body.dataset['ready'] = 'true';
