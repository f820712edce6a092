// npm run conformance -- <suite dir> [--host node|chromium|both] [--filter text] [--json FILE]
// Runs WebAssembly/wasi-testsuite's preview1 tests through Brine's executor: in Node
// (worker_threads) and in headless Chromium (Playwright, Debian's chromium). Either layout of the
// suite (see suite.ts). Prints one line per test, then "N passed, N failed" per host; --json
// writes every result as data. Exits non-zero if any test failed.
import { writeFileSync } from 'node:fs';
import { runInChromium } from './chromium.js';
import { runInNode } from './node.js';
import { findTests, type Layout, type SuiteTest, type Verdict } from './suite.js';

type Host = 'node' | 'chromium';

/** One test's result on one host, as --json writes it. */
interface TestRecord {
  id: string;
  suite: string;
  layout: Layout;
  host: Host;
  passed: boolean;
  detail: string;
}

function report(host: Host, tests: SuiteTest[], verdicts: Verdict[]): TestRecord[] {
  for (const v of verdicts)
    console.log(`${host} ${v.passed ? 'PASS' : 'FAIL'} ${v.id}${v.passed ? '' : `  (${v.detail})`}`);
  const failed = verdicts.filter((v) => !v.passed).length;
  const layouts = [...new Set(tests.map((t) => t.layout))].join(', ');
  console.log(`${host} (${layouts} layout): ${verdicts.length - failed} passed, ${failed} failed`);
  return verdicts.map(({ id, passed, detail }, i) => ({
    id,
    suite: tests[i]!.suite,
    layout: tests[i]!.layout,
    host,
    passed,
    detail,
  }));
}

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const host = option('host') ?? 'both';
  if (dir === undefined || !['node', 'chromium', 'both'].includes(host)) {
    console.error(
      'usage: npm run conformance -- <wasi-testsuite tests dir> [--host node|chromium|both] [--filter text] [--json FILE]',
    );
    return 2;
  }
  const filter = option('filter');
  const json = option('json');
  const tests = findTests(dir).filter((t) => filter === undefined || t.id.includes(filter));
  if (tests.length === 0) {
    console.error(`no preview1 tests found under ${dir} (expected folders named wasm32-wasip1, or modules in it)`);
    return 2;
  }
  const records: TestRecord[] = [];
  const versions: Record<string, string> = { node: process.version };
  if (host === 'node' || host === 'both') records.push(...report('node', tests, await runInNode(tests)));
  if (host === 'chromium' || host === 'both') {
    const { verdicts, version } = await runInChromium(tests);
    versions['chromium'] = version;
    records.push(...report('chromium', tests, verdicts));
  }
  if (json !== undefined) {
    const summary = { date: new Date().toISOString(), dir, versions, results: records };
    writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  }
  return records.every((r) => r.passed) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
