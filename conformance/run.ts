// npm run conformance -- <suite dir>... [--host node|chromium|both] [--filter text] [--json FILE]
// Runs WebAssembly/wasi-testsuite's preview1 tests through Brine's executor: in Node
// (worker_threads) and in headless Chromium (Playwright, Debian's chromium). Either layout of the
// suite, or both at once (see suite.ts). Prints one line per test, then "N passed, N failed" per
// host and layout; --json writes every result as data. Exits non-zero if any test failed.
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

/** Prints one line per test and a summary per layout; returns the results as records. */
function report(host: Host, tests: SuiteTest[], verdicts: Verdict[]): TestRecord[] {
  const records = verdicts.map(({ id, passed, detail }, i) => {
    const { suite, layout } = tests[i]!;
    console.log(`${host} ${layout} ${passed ? 'PASS' : 'FAIL'} ${id}${passed ? '' : `  (${detail})`}`);
    return { id, suite, layout, host, passed, detail };
  });
  for (const layout of new Set(records.map((r) => r.layout))) {
    const ofLayout = records.filter((r) => r.layout === layout);
    const passed = ofLayout.filter((r) => r.passed).length;
    console.log(`${host}, ${layout} layout: ${passed} passed, ${ofLayout.length - passed} failed`);
  }
  return records;
}

/** The JSON of --json: what ran where, then one record per line (test and host). */
function resultsJson(dirs: string[], versions: Record<string, string>, records: TestRecord[]): string {
  const head = JSON.stringify({ date: new Date().toISOString(), dirs, versions }).slice(0, -1);
  return `${head},"results":[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
}

async function main(argv: string[]): Promise<number> {
  const dirs = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const host = option('host') ?? 'both';
  if (dirs.length === 0 || !['node', 'chromium', 'both'].includes(host)) {
    console.error(
      'usage: npm run conformance -- <wasi-testsuite tests dir>... [--host node|chromium|both] [--filter text] [--json FILE]',
    );
    return 2;
  }
  const filter = option('filter');
  const json = option('json');
  const tests = dirs.flatMap(findTests).filter((t) => filter === undefined || t.id.includes(filter));
  if (tests.length === 0) {
    console.error(
      `no preview1 tests found under ${dirs.join(', ')} (expected folders named wasm32-wasip1, or modules)`,
    );
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
  if (json !== undefined) writeFileSync(json, resultsJson(dirs, versions, records));
  return records.every((r) => r.passed) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
