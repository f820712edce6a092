// harness.html: a page without UI for automation (Playwright and other drivers).
// window.brine.run(jobJson) runs a job (see src/spec/json.ts) on Brine's browser executor and
// returns the result's JSON-safe fields, with the full stdout and stderr text (`summary` holds the
// result's own stdout and stderr: Bacalhau's summaries in the compatibility mode).
import { Executor } from '../src/executor/executor.js';
import { createBrowserWorker } from '../src/host/browser.js';
import { streamText } from '../src/logs/types.js';
import { listFiles } from '../src/mounts/tree.js';
import { jobFromJson } from '../src/spec/json.js';

const executor = new Executor({ createWorker: createBrowserWorker, maxWorkers: 2 });
let next = 0;

async function run(jobJson: unknown) {
  const executionId = `harness-${next++}`;
  const result = await executor.run({ executionId, job: jobFromJson(jobJson) });
  executor.release(executionId);
  const { state, exitCode, errorMsg, error, memory, timings, onBacalhau, compat } = result;
  return {
    state,
    exitCode,
    errorMsg,
    error,
    memory,
    timings,
    onBacalhau,
    compat,
    stdout: streamText(result.logs, 'stdout'),
    stderr: streamText(result.logs, 'stderr'),
    summary: { stdout: result.stdout, stderr: result.stderr },
    outputs: result.outputs.map((output) => ({ name: output.name, files: listFiles(output.tree).map((f) => f.path) })),
  };
}

declare global {
  interface Window {
    brine: { run: typeof run };
  }
}
window.brine = { run };
document.body.dataset['ready'] = 'true';
