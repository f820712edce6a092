import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExecutionResult } from '../src/executor/types.js';
import { type DirectoryEntry, directory, type FileTree, file } from '../src/mounts/tree.js';
import { type Job, newJob } from '../src/spec/types.js';

/**
 * The two layouts of WebAssembly/wasi-testsuite's prebuilt tests, told apart by the suite's
 * manifest.json: with a "version", a test's filesystem is one `root` directory mounted at "/"
 * (branch prod/testsuite-base); without one, it is a list of `dirs`, each preopened under its
 * own name (prod/testsuite-all).
 */
export type Layout = 'root' | 'dirs';

/** One test of WebAssembly/wasi-testsuite: a module and its .json config. */
export interface SuiteTest {
  /** e.g. "rust/fd_filestat_set" */
  id: string;
  /** The suite's name from its manifest, e.g. "WASI Rust tests [wasm32-wasip1]". */
  suite: string;
  layout: Layout;
  job: Job;
  /** The suite's expectations: the exit code, and the text each stream starts with. */
  expected: { exitCode: number; stdout?: string; stderr?: string };
  /** Set when the config asks for what this runner does not do: the test fails with it. */
  unsupported?: string;
}

/** A test's config (the suite's "legacy" keys; `root` or `dirs` by layout). */
interface TestConfig {
  args?: string[];
  env?: Record<string, string>;
  root?: string;
  dirs?: string[];
  exit_code?: number;
  stdout?: string;
  stderr?: string;
}

/** The config keys each layout's runner reads (test-runner/wasi_test_runner/test_case.py: LEGACY_CONFIG_KEYS). */
const CONFIG_KEYS: Record<Layout, string[]> = {
  root: ['args', 'root', 'env', 'exit_code', 'stderr', 'stdout'],
  dirs: ['args', 'dirs', 'env', 'exit_code', 'stderr', 'stdout'],
};

/**
 * Finds the preview1 tests under `dir` (the suite's tests/ folder, or one suite folder): every
 * `*.wasm` in a folder named wasm32-wasip1 (tests/<language>/testsuite/wasm32-wasip1), or in
 * `dir` itself. Each folder's manifest.json names the suite and gives its layout.
 */
export function findTests(dir: string): SuiteTest[] {
  const tests: SuiteTest[] = [];
  const visit = (folder: string) => {
    const names = readdirSync(folder).sort();
    if (folder === dir || basename(folder) === 'wasm32-wasip1') tests.push(...loadSuite(folder, names));
    for (const name of names) {
      // Test fixtures (*.dir) and later WASI versions are not preview1 suites.
      if (name.endsWith('.dir') || /^wasm32-wasip[2-9]/.test(name)) continue;
      if (statSync(join(folder, name)).isDirectory()) visit(join(folder, name));
    }
  };
  visit(dir);
  return tests;
}

function loadSuite(folder: string, names: string[]): SuiteTest[] {
  const manifestPath = join(folder, 'manifest.json');
  const manifest: { name?: string; version?: string } = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, 'utf8'))
    : {};
  if ((manifest.version ?? 'wasm32-wasip1') !== 'wasm32-wasip1') return [];
  const layout: Layout = manifest.version === undefined ? 'dirs' : 'root';
  const suite = manifest.name ?? folder;
  return names.filter((n) => n.endsWith('.wasm')).map((name) => loadTest(folder, name, suite, layout));
}

function loadTest(folder: string, name: string, suite: string, layout: Layout): SuiteTest {
  const stem = name.slice(0, -'.wasm'.length);
  const configPath = join(folder, `${stem}.json`);
  const config: TestConfig = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : {};
  const unknown = Object.keys(config).filter((key) => !CONFIG_KEYS[layout].includes(key));
  // wasmtime's adapter: `--dir <root>::/` for the root layout, `--dir <d>::<d>` for each of the
  // dirs, nothing else; each test gets a fresh writable copy (the suite's runner deletes what a
  // test leaves, its "*.cleanup" files, before and after).
  const root = layout === 'root' && config.root !== undefined ? join(folder, config.root) : undefined;
  const dirs = layout === 'dirs' ? (config.dirs ?? []) : [];
  const module = {
    type: 'memory' as const,
    tree: file(new Uint8Array(readFileSync(join(folder, name)))),
    readWrite: false,
  };
  const job: Job = newJob(name, {
    name: stem,
    type: 'batch',
    taskName: 'main',
    entrypoint: '_start',
    parameters: config.args ?? [],
    // The module sits at /<name>: in the root layout beside the root's own files.
    inputs: [
      { target: name, source: module },
      ...(root === undefined
        ? []
        : [{ target: '/', source: { type: 'memory' as const, tree: readTree(root), readWrite: true } }]),
      ...dirs.map((d) => ({
        target: d,
        source: { type: 'memory' as const, tree: readTree(join(folder, d)), readWrite: true },
      })),
    ],
    outputs: [],
    // The suite's programs exit on their own; no memory limit beyond WebAssembly's.
    resources: { memory: '4GiB' },
    timeouts: { executionTimeout: 60 },
    network: { type: 'None', domains: [] },
    // wasmtime's environment: only the directories asked for, only the env given.
    brine: {
      argv0: name,
      preopens: dirs,
      rootPreopen: root !== undefined,
      systemEnv: false,
      ...(config.env ? { env: config.env } : {}),
    },
  });
  const language = basename(join(folder, '../..'));
  return {
    id: `${language}/${stem}`,
    suite,
    layout,
    job,
    expected: {
      exitCode: config.exit_code ?? 0,
      ...(config.stdout === undefined ? {} : { stdout: config.stdout }),
      ...(config.stderr === undefined ? {} : { stderr: config.stderr }),
    },
    ...(unknown.length === 0
      ? {}
      : { unsupported: `config keys the ${layout} layout does not have: ${unknown.join(', ')}` }),
  };
}

/** A host directory as a FileTree (missing: empty, as git keeps no empty directories), without "*.cleanup" leftovers. */
function readTree(path: string): DirectoryEntry {
  if (!existsSync(path)) return directory();
  const entries: Record<string, FileTree> = {};
  for (const name of readdirSync(path)) {
    if (name.endsWith('.cleanup')) continue;
    const child = join(path, name);
    entries[name] = statSync(child).isDirectory() ? readTree(child) : file(new Uint8Array(readFileSync(child)));
  }
  return directory(entries);
}

export type Verdict = { id: string; passed: boolean; detail: string };

/**
 * The suite's checks (test_suite_runner.py: do_read, do_wait): each expected stream must start
 * with the expected text (the runner reads that many characters), and the exit code must match.
 */
export function judge(
  test: SuiteTest,
  result: Pick<ExecutionResult, 'state' | 'exitCode' | 'errorMsg' | 'stdout' | 'stderr'>,
): Verdict {
  const problems: string[] = [];
  if (test.unsupported !== undefined) problems.push(test.unsupported);
  for (const stream of ['stdout', 'stderr'] as const) {
    const expected = test.expected[stream];
    if (expected === undefined) continue;
    const start = [...result[stream]].slice(0, [...expected].length).join('');
    if (start !== expected)
      problems.push(`${stream} starts ${JSON.stringify(start)}, expected ${JSON.stringify(expected)}`);
  }
  if (result.state !== 'completed') problems.push(`${result.state}: ${result.errorMsg}`);
  else if (result.exitCode !== test.expected.exitCode)
    problems.push(`exit code ${result.exitCode}, expected ${test.expected.exitCode}`);
  if (problems.length > 0 && result.stderr !== '' && test.expected.stderr === undefined)
    problems.push(`stderr: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { id: test.id, passed: problems.length === 0, detail: problems.join('; ') };
}
