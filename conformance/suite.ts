import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type DirectoryEntry, directory, type FileTree, file } from '../src/mounts/tree.js';
import { type Job, newJob } from '../src/spec/types.js';

/** One test of WebAssembly/wasi-testsuite: a module and its .json spec. */
export interface SuiteTest {
  /** e.g. "rust/fd_filestat_set" */
  id: string;
  job: Job;
  expected: { exitCode: number; stdout?: string };
}

interface TestSpec {
  args?: string[];
  env?: Record<string, string>;
  dirs?: string[];
  exit_code?: number;
  stdout?: string;
}

/**
 * Finds the preview1 tests under `root` (the suite's tests/ folder, or one wasm32-wasip1
 * folder): every `*.wasm` in a folder named wasm32-wasip1, or in `root` itself.
 */
export function findTests(root: string): SuiteTest[] {
  const tests: SuiteTest[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name.endsWith('.dir') || /^wasm32-wasip[2-9]/.test(name)) continue; // fixtures, later WASI versions
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith('.wasm') && (dir === root || basename(dir) === 'wasm32-wasip1'))
        tests.push(loadTest(dir, name));
    }
  };
  visit(root);
  return tests;
}

function loadTest(dir: string, name: string): SuiteTest {
  const stem = name.slice(0, -'.wasm'.length);
  const specPath = join(dir, `${stem}.json`);
  const spec: TestSpec = existsSync(specPath) ? JSON.parse(readFileSync(specPath, 'utf8')) : {};
  const language = basename(join(dir, '../..'));
  const dirs = spec.dirs ?? [];
  const job: Job = newJob(name, {
    name: stem,
    type: 'batch',
    taskName: 'main',
    entrypoint: '_start',
    parameters: spec.args ?? [],
    // Each test gets a fresh copy of its directories: tests write into them.
    inputs: [
      {
        target: name,
        source: { type: 'memory', tree: file(new Uint8Array(readFileSync(join(dir, name)))), readWrite: false },
      },
      ...dirs.map((d) => ({
        target: d,
        source: { type: 'memory' as const, tree: readTree(join(dir, d)), readWrite: true },
      })),
    ],
    outputs: [],
    // The suite's programs exit on their own; no memory limit beyond WebAssembly's.
    resources: { memory: '4GiB' },
    timeouts: { executionTimeout: 60 },
    network: { type: 'None', domains: [] },
    // wasmtime's environment: only the dirs asked for, only the env given.
    brine: {
      argv0: name,
      preopens: dirs,
      rootPreopen: false,
      systemEnv: false,
      ...(spec.env ? { env: spec.env } : {}),
    },
  });
  return {
    id: `${language}/${stem}`,
    job,
    expected: { exitCode: spec.exit_code ?? 0, ...(spec.stdout === undefined ? {} : { stdout: spec.stdout }) },
  };
}

/** A host directory as a FileTree (missing: empty, as git keeps no empty directories). */
function readTree(path: string): DirectoryEntry {
  if (!existsSync(path)) return directory();
  const entries: Record<string, FileTree> = {};
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    entries[name] = statSync(child).isDirectory() ? readTree(child) : file(new Uint8Array(readFileSync(child)));
  }
  return directory(entries);
}
