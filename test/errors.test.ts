// Every error code, raised by the input that raises it, through the real executor.
import { describe, expect, it } from 'vitest';
import { BrineError, type ErrorCode } from '../src/errors/index.js';
import { directory, file } from '../src/mounts/tree.js';
import { parseJob } from '../src/spec/parse.js';
import { executor, fixture, job, memoryInput, newId, run } from './helpers.js';

/** Asserts `promise` rejects with a typed BrineError of `code`, and returns it. */
async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<BrineError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BrineError);
  expect((error as BrineError).code).toBe(code);
  return error as BrineError;
}

describe('errors raised by start', () => {
  it('MemoryLimitError: more than 4 GiB, before anything else is checked', async () => {
    // Bacalhau's TestFailingRequestedMemGreaterThan4GB: even an empty entry module is not looked at.
    const bad = { ...job(fixture('c/hello.wasm'), { resources: { memory: '5GiB' } }), entryModule: '' };
    const error = await rejection(executor().start({ executionId: newId(), job: bad }), 'MemoryLimitError');
    expect(error.message).toBe('requested memory exceeds the wasm limit - 5.00 GB > 4.00 GB');
    expect(error.component).toBe('WASM');
    expect(error.hint).not.toBe('');
  });

  it('SpecError: an empty entry module', async () => {
    const error = await rejection(
      executor().start({ executionId: newId(), job: { ...job(fixture('c/hello.wasm')), entryModule: ' ' } }),
      'SpecError',
    );
    expect(error.message).toBe('invalid WASM spec: invalid wasm engine entry module. target path cannot be empty');
  });

  it('SpecError: Domains on a network other than HTTP', async () => {
    const error = await rejection(
      executor().start({
        executionId: newId(),
        job: job(fixture('c/hello.wasm'), { network: { type: 'Host', domains: ['example.com'] } }),
      }),
      'SpecError',
    );
    expect(error.details).toEqual({ field: 'Tasks[0].Network.Domains' });
  });

  it('SpecError: malformed YAML and wrong types name the field', () => {
    expect(() => parseJob('Tasks: [')).toThrowError(BrineError);
    try {
      parseJob(
        'Tasks:\n  - Engine:\n      Type: wasm\n      Params:\n        EntryModule: m.wasm\n        Parameters: 5\n',
      );
      expect.fail('expected SpecError');
    } catch (error) {
      expect((error as BrineError).code).toBe('SpecError');
      expect((error as BrineError).message).toContain('Parameters');
    }
  });

  it('LogError: an invalid log cap', async () => {
    const error = await rejection(
      executor().start({ executionId: newId(), job: job(fixture('c/hello.wasm')), logCapBytes: -1 }),
      'LogError',
    );
    expect(error.message).toMatch(/^logging error: /);
  });

  it('InputConfigError: a source that needs the network', async () => {
    const j = job(fixture('c/hello.wasm'));
    j.inputs.push({
      target: '/data',
      source: { type: 'other', sourceType: 'urlDownload', params: { URL: 'https://x/y' } },
    });
    const error = await rejection(executor().start({ executionId: newId(), job: j }), 'InputConfigError');
    expect(error.message).toBe(
      'input configuration error: input source type "urlDownload" needs the network, and the sandbox is offline',
    );
  });

  it('InputConfigError: overlapping targets', async () => {
    const j = job(fixture('c/hello.wasm'), {
      inputs: [memoryInput('/data', directory()), memoryInput('data/file.txt', 'x')],
    });
    const error = await rejection(executor().start({ executionId: newId(), job: j }), 'InputConfigError');
    expect(error.message).toContain('data/file.txt');
  });

  it('InputConfigError: a host path where nothing reads host paths', async () => {
    const j = job(fixture('c/hello.wasm'));
    j.inputs.push({ target: '/data', source: { type: 'localDirectory', sourcePath: '/etc', readWrite: false } });
    await rejection(executor().start({ executionId: newId(), job: j }), 'InputConfigError');
  });

  it('OutputConfigError: an output named like an input target', async () => {
    const j = job(fixture('c/hello.wasm'), {
      inputs: [memoryInput('outputs', directory())],
      outputs: [{ name: 'outputs', path: '/outputs' }],
    });
    const error = await rejection(executor().start({ executionId: newId(), job: j }), 'OutputConfigError');
    expect(error.message).toBe('output configuration error: output name "outputs" conflicts with input target');
  });

  it('FilesystemError: an output overlapping an input mount', async () => {
    const j = job(fixture('c/hello.wasm'), {
      inputs: [memoryInput('data/in.txt', 'x')],
      outputs: [{ name: 'data', path: '/data' }],
    });
    const error = await rejection(executor().start({ executionId: newId(), job: j }), 'FilesystemError');
    expect(error.message).toMatch(/^filesystem error at "data": /);
  });

  it('ExecutionAlreadyStarted and ExecutionAlreadyComplete', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: job(fixture('wat/spin.wasm')) });
    await rejection(ex.start({ executionId: id, job: job(fixture('c/hello.wasm')) }), 'ExecutionAlreadyStarted');
    await ex.cancel(id);
    await ex.wait(id);
    const error = await rejection(
      ex.start({ executionId: id, job: job(fixture('c/hello.wasm')) }),
      'ExecutionAlreadyComplete',
    );
    expect(error.component).toBe('Executor');
  });

  it('ExecutionNotFound: wait, cancel and getLogStream on an unknown id', async () => {
    const ex = executor();
    await rejection(ex.wait('nope'), 'ExecutionNotFound');
    await rejection(ex.cancel('nope'), 'ExecutionNotFound');
    expect(() => ex.getLogStream('nope')).toThrowError(/execution not found/);
  });
});

/** Runs a job expected to fail before guest code, and checks the typed error in its result. */
async function failure(j: Parameters<typeof run>[0], code: ErrorCode) {
  const result = await run(j);
  expect(result.state).toBe('failed');
  expect(result.exitCode).toBe(-1);
  expect(result.error?.code).toBe(code);
  expect(result.errorMsg).not.toBe('');
  return result;
}

describe('errors in the result (from the loader and the worker)', () => {
  it('ModuleNotFound: the entry module path is not mounted', async () => {
    const result = await failure(
      { ...job(fixture('c/hello.wasm')), entryModule: 'nothing/here.wasm' },
      'ModuleNotFound',
    );
    expect(result.errorMsg).toBe(
      'failed to load entry module nothing/here.wasm: module not found: "nothing/here.wasm"',
    );
  });

  it('ModuleNotFound: a directory with two .wasm files', async () => {
    const j = job(fixture('c/hello.wasm'), {
      inputs: [
        memoryInput(
          'app',
          directory({ 'a.wasm': file(fixture('c/hello.wasm')), 'b.wasm': file(fixture('c/hello.wasm')) }),
        ),
      ],
    });
    await failure({ ...j, entryModule: 'app' }, 'ModuleNotFound');
  });

  it('a directory with exactly one .wasm file is the module', async () => {
    const j = job(fixture('c/hello.wasm'), {
      inputs: [memoryInput('/app', directory({ 'hello.wasm': file(fixture('c/hello.wasm')), 'notes.txt': file('x') }))],
    });
    const result = await run({ ...j, entryModule: '/app' });
    expect(result.stdout).toBe('Hello, world!\n');
  });

  it('ModuleCompileError: a file that is not wasm', async () => {
    const result = await failure(job(fixture('wat/not_wasm.bin')), 'ModuleCompileError');
    expect(result.errorMsg).toMatch(
      /^failed to load entry module main.wasm: failed to compile module at "main.wasm": /,
    );
  });

  it('ModuleLoadError: an import cycle of length 2, reported with its path', async () => {
    const j = job(fixture('wat/cycle_a.wasm'), {
      inputs: [
        memoryInput('cycle_a.wasm', fixture('wat/cycle_a.wasm')),
        memoryInput('cycle_b.wasm', fixture('wat/cycle_b.wasm')),
      ],
    });
    const result = await failure({ ...j, entryModule: 'cycle_a.wasm' }, 'ModuleLoadError');
    expect(result.error?.details?.['cycle']).toEqual(['cycle_a.wasm', 'cycle_b.wasm', 'cycle_a.wasm']);
  });

  it('ModuleLoadError: a self-import (cycle of length 1)', async () => {
    const j = job(fixture('wat/cycle_self.wasm'), {
      inputs: [memoryInput('cycle_self.wasm', fixture('wat/cycle_self.wasm'))],
    });
    const result = await failure({ ...j, entryModule: 'cycle_self.wasm' }, 'ModuleLoadError');
    expect(result.errorMsg).toContain('import cycle: cycle_self.wasm -> cycle_self.wasm');
  });

  it('ModuleLoadError: a start section that traps (no _start runs)', async () => {
    const result = await failure(job(fixture('wat/start_trap.wasm')), 'ModuleLoadError');
    expect(result.errorMsg).toContain('unreachable');
  });

  it('ModuleLoadError: a function signature that does not match the export, before any guest code', async () => {
    const result = await failure(
      job(fixture('wat/easter_sig_mismatch.wasm'), { inputs: [memoryInput('input.wasm', fixture('c/easter.wasm'))] }),
      'ModuleLoadError',
    );
    expect(result.errorMsg).toContain(
      'import "input.wasm"."easter" (function): the import expects (i64) -> (i32) but the export is (i32) -> (i32)',
    );
  });

  it('UnknownModuleError: an import nobody provides, shown as missing in the graph', async () => {
    const result = await failure(job(fixture('wat/missing_import.wasm')), 'UnknownModuleError');
    expect(result.errorMsg).toBe('failed to load entry module main.wasm: unknown module "not_mounted.wasm"');
    expect(result.graph.nodes.find((n) => n.id === 'not_mounted.wasm')?.status).toBe('missing');
    expect(result.graph.edges).toContainEqual(expect.objectContaining({ from: 'main.wasm', to: 'not_mounted.wasm' }));
  });

  it('UnknownModuleError: wasi_unstable, with a hint about preview1', async () => {
    const result = await failure(job(fixture('wat/wasi_unstable.wasm')), 'UnknownModuleError');
    expect(result.error?.hint).toContain('wasi_snapshot_preview1');
  });

  it('WASIError: a WASI function preview1 does not define', async () => {
    const result = await failure(job(fixture('wat/bad_wasi_name.wasm')), 'WASIError');
    expect(result.errorMsg).toContain('no_such_call');
  });

  it('EntrypointError: no _start export', async () => {
    const result = await failure(job(fixture('wat/no_start.wasm')), 'EntrypointError');
    expect(result.errorMsg).toBe("unable to find the entrypoint '_start' in the WASM module");
  });

  it('a custom entrypoint runs', async () => {
    const result = await run(job(fixture('wat/no_start.wasm'), { entrypoint: 'run' }));
    expect(result).toMatchObject({ state: 'completed', exitCode: 0 });
  });

  it('MemoryLimitError: a declared minimum over the limit, before any guest code runs', async () => {
    const result = await failure(
      job(fixture('wat/min_over.wasm'), { resources: { memory: '1MiB' } }),
      'MemoryLimitError',
    );
    expect(result.errorMsg).toContain('module "main.wasm"');
    expect(result.errorMsg).toContain('2,000 pages (125 MiB)');
    expect(result.errorMsg).toContain('16 pages');
    expect(result.error?.details).toMatchObject({ minPages: 2000, limitPages: 16 });
  });

  it('GuestTrap: unreachable fails the job with exit code 1 and the trap text', async () => {
    const result = await run(job(fixture('wat/unreachable.wasm')));
    expect(result).toMatchObject({ state: 'failed', exitCode: 1, errorMsg: 'unreachable' });
    expect(result.error?.code).toBe('GuestTrap');
  });

  it('GuestTrap: an engine stack overflow (RangeError)', async () => {
    const result = await run(job(fixture('wat/recurse.wasm')));
    expect(result).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(result.errorMsg).toMatch(/stack/i);
  });

  it('GuestTrap: a C program whose stack runs out of linear memory', async () => {
    const result = await run(job(fixture('c/stack_overflow.wasm')));
    expect(result).toMatchObject({ state: 'failed', exitCode: 1, stdout: 'recursing\n' });
    expect(result.error?.code).toBe('GuestTrap');
  });
});
