// npm run conformance -- <suite dir> [--host node|chromium|both] [--filter text]
// Runs WebAssembly/wasi-testsuite's preview1 tests through Brine's executor: in Node
// (worker_threads) and in headless Chromium (Playwright, Debian's chromium). Prints one line per
// test, then "N passed, N failed" per host. Exits non-zero if any test failed.
import { Executor } from '../src/executor/executor.js';
import type { ExecutionResult } from '../src/executor/types.js';
import { createNodeWorker } from '../src/host/node.js';
import { runInChromium } from './chromium.js';
import { findTests, type SuiteTest } from './suite.js';

export type Verdict = { id: string; passed: boolean; detail: string };

export function judge(
  test: SuiteTest,
  result: Pick<ExecutionResult, 'state' | 'exitCode' | 'errorMsg' | 'stdout' | 'stderr'>,
): Verdict {
  const problems: string[] = [];
  if (result.state !== 'completed') problems.push(`${result.state}: ${result.errorMsg}`);
  else if (result.exitCode !== test.expected.exitCode)
    problems.push(`exit code ${result.exitCode}, expected ${test.expected.exitCode}`);
  if (test.expected.stdout !== undefined && result.stdout !== test.expected.stdout) {
    problems.push(`stdout ${JSON.stringify(result.stdout)}, expected ${JSON.stringify(test.expected.stdout)}`);
  }
  if (problems.length > 0 && result.stderr !== '')
    problems.push(`stderr: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { id: test.id, passed: problems.length === 0, detail: problems.join('; ') };
}

async function runInNode(tests: SuiteTest[]): Promise<Verdict[]> {
  const executor = new Executor({ createWorker: createNodeWorker, maxWorkers: 2 });
  try {
    return await Promise.all(
      tests.map(async (test, i) => judge(test, await executor.run({ executionId: `conformance-${i}`, job: test.job }))),
    );
  } finally {
    executor.dispose();
  }
}

function report(host: string, verdicts: Verdict[]): number {
  for (const v of verdicts)
    console.log(`${host} ${v.passed ? 'PASS' : 'FAIL'} ${v.id}${v.passed ? '' : `  (${v.detail})`}`);
  const failed = verdicts.filter((v) => !v.passed).length;
  console.log(`${host}: ${verdicts.length - failed} passed, ${failed} failed`);
  return failed;
}

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  if (dir === undefined) {
    console.error(
      'usage: npm run conformance -- <wasi-testsuite tests dir> [--host node|chromium|both] [--filter text]',
    );
    return 2;
  }
  const host = option('host') ?? 'both';
  const filter = option('filter');
  const tests = findTests(dir).filter((t) => filter === undefined || t.id.includes(filter));
  let failed = 0;
  if (host === 'node' || host === 'both') failed += report('node', await runInNode(tests));
  if (host === 'chromium' || host === 'both') failed += report('chromium', await runInChromium(tests));
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
