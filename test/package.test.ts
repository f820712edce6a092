// The package's entry points as a user imports them (`brine`, `brine/node`), from the built dist/.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('package entry points', () => {
  it('brine and brine/node run a job parsed from YAML', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { Executor, admit, admitted, file, parseJob } from 'brine';
      import { createNodeWorker } from 'brine/node';
      const job = parseJob('Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: main.wasm, Entrypoint: _start } }, Network: { Type: None } }]');
      job.inputs.push({ target: 'main.wasm', source: { type: 'memory', tree: file(new Uint8Array(readFileSync('fixtures/c/hello.wasm'))), readWrite: false } });
      if (!admitted(admit(job))) throw new Error('not admitted');
      const executor = new Executor({ createWorker: createNodeWorker });
      const result = await executor.run({ executionId: 'e1', job });
      executor.dispose();
      process.stdout.write(JSON.stringify({ state: result.state, stdout: result.stdout }));
    `;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ state: 'completed', stdout: 'Hello, world!\n' });
  });
});
