// The conformance runner (conformance/) on small suites written here in both layouts of
// WebAssembly/wasi-testsuite, with Brine's own fixtures as the test modules.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runInNode } from '../conformance/node.js';
import { findTests } from '../conformance/suite.js';

const scratch = mkdtempSync(join(tmpdir(), 'brine-conformance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes tests/c/testsuite/wasm32-wasip1 under `name`: each test runs fixtures/c/<module>.wasm with its config. */
function suite(name: string, manifest: object, tests: Record<string, { module: string; config?: object }>): string {
  const folder = join(scratch, name, 'tests/c/testsuite/wasm32-wasip1');
  mkdirSync(join(folder, 'fs.dir'), { recursive: true });
  writeFileSync(join(folder, 'fs.dir/file'), 'content\n');
  writeFileSync(join(folder, 'fs.dir/stale.cleanup'), 'left by an earlier run\n');
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
  for (const [test, { module, config }] of Object.entries(tests)) {
    cpSync(fileURLToPath(new URL(`../fixtures/c/${module}.wasm`, import.meta.url)), join(folder, `${test}.wasm`));
    if (config !== undefined) writeFileSync(join(folder, `${test}.json`), JSON.stringify(config));
  }
  return join(scratch, name, 'tests');
}

async function results(dir: string) {
  const tests = findTests(dir);
  const verdicts = await runInNode(tests);
  return Object.fromEntries(tests.map((t, i) => [t.id, { layout: t.layout, ...verdicts[i] }]));
}

describe('the conformance runner', () => {
  it('root layout (a manifest with a version): the root is mounted at / and preopened there, and only there', async () => {
    const dir = suite(
      'root',
      { name: 'C tests [wasm32-wasip1]', version: 'wasm32-wasip1' },
      {
        sees: {
          module: 'preopens',
          config: { root: 'fs.dir', args: ['ls:/', 'file'], stdout: 'fd 3: /\nls /: file sees.wasm\nfile: content\n' },
        },
        // Without a root the program gets no preopen at all.
        bare: { module: 'preopens', config: { args: ['/file'], stdout: '/file: Capabilities insufficient\n' } },
        prefix: { module: 'preopens', config: { root: 'fs.dir', stdout: 'fd 3' } },
        'wrong-stdout': { module: 'preopens', config: { root: 'fs.dir', stdout: 'fd 4' } },
        exits: { module: 'exit_code', config: { env: { EXIT_CODE: '3' }, exit_code: 3 } },
        'wrong-exit': { module: 'exit_code', config: { exit_code: 3 } },
        'old-key': { module: 'hello', config: { dirs: ['fs.dir'] } },
        'no-config': { module: 'hello' },
      },
    );
    const byId = await results(dir);
    expect(byId).toEqual({
      'c/bare': { id: 'c/bare', layout: 'root', passed: true, detail: '' },
      'c/exits': { id: 'c/exits', layout: 'root', passed: true, detail: '' },
      'c/no-config': { id: 'c/no-config', layout: 'root', passed: true, detail: '' },
      'c/old-key': {
        id: 'c/old-key',
        layout: 'root',
        passed: false,
        detail: 'config keys the root layout does not have: dirs',
      },
      'c/prefix': { id: 'c/prefix', layout: 'root', passed: true, detail: '' },
      'c/sees': { id: 'c/sees', layout: 'root', passed: true, detail: '' },
      'c/wrong-exit': { id: 'c/wrong-exit', layout: 'root', passed: false, detail: 'exit code 0, expected 3' },
      'c/wrong-stdout': {
        id: 'c/wrong-stdout',
        layout: 'root',
        passed: false,
        detail: 'stdout starts "fd 3", expected "fd 4"',
      },
    });
  });

  it('dirs layout (no version): each dir is preopened under its own name', async () => {
    const dir = suite(
      'dirs',
      { name: 'C tests [wasm32-wasip1]' },
      {
        sees: {
          module: 'preopens',
          config: { dirs: ['fs.dir'], args: ['ls:fs.dir', 'fs.dir/file'], stdout: 'fd 3: fs.dir\nls fs.dir: file\n' },
        },
        'new-key': { module: 'hello', config: { root: 'fs.dir' } },
      },
    );
    expect(await results(dir)).toEqual({
      'c/sees': { id: 'c/sees', layout: 'dirs', passed: true, detail: '' },
      'c/new-key': {
        id: 'c/new-key',
        layout: 'dirs',
        passed: false,
        detail: 'config keys the dirs layout does not have: root',
      },
    });
  });
});
