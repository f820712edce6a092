// Issue #5: every hostile job ends in a typed error or a correct result. Never a hang past the
// job's timeout, an uncaught exception, a crashed host, or a changed input byte.

import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import type { ExecutionResult } from '../src/executor/types.js';
import { nodeWorkerFactory } from '../src/host/node.js';
import { directory, file, listFiles } from '../src/mounts/tree.js';
import type { Job } from '../src/spec/types.js';
import { executor, fixture, job, memoryInput, newId, run } from './helpers.js';

const wabt = await wabtInit();
/** Builds a module from WAT text (the sources of these generated modules are the generators below). */
function wat(text: string): Uint8Array {
  const module = wabt.parseWat('generated.wat', text);
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** A job whose modules are all given as in-memory mounts: `[name, bytes]`, the first is the entry. */
function modulesJob(modules: [string, Uint8Array][]): Job {
  return {
    ...job(modules[0]![1]),
    entryModule: modules[0]![0],
    inputs: modules.map(([name, b]) => memoryInput(name, b)),
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe('runaway guests', () => {
  it('a spinning start section is stopped by the timeout', async () => {
    const result = await run(job(fixture('wat/start_spin.wasm'), { timeouts: { executionTimeout: 1 } }));
    expect(result).toMatchObject({ state: 'timedOut', exitCode: -1 });
  });

  it('50 jobs submitted at once all finish correctly, on a bounded number of workers', async () => {
    let workers = 0;
    const ex = executor({
      maxWorkers: 4,
      createWorker: () => {
        workers++;
        return nodeWorkerFactory()();
      },
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const ids = Array.from({ length: 50 }, () => newId());
    await Promise.all(
      ids.map((id, i) =>
        ex.start({ executionId: id, job: job(fixture('c/exit_code.wasm'), { env: { EXIT_CODE: String(i % 256) } }) }),
      ),
    );
    const results = await Promise.all(ids.map((id) => ex.wait(id)));
    expect(results.map((r) => [r.state, r.exitCode])).toEqual(ids.map((_, i) => ['completed', i % 256]));
    expect(workers).toBeLessThanOrEqual(4);
    console.info(
      `50 concurrent jobs: ${workers} workers, host heap ${mib(process.memoryUsage().heapUsed - heapBefore)} more`,
    );
  });

  it('a worker that dies (V8 out of memory) gives a failed result, and the next job runs normally', async () => {
    const ex = executor({
      createWorker: nodeWorkerFactory({ maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 }),
    });
    const result = await ex.run({
      executionId: newId(),
      job: job(fixture('c/many_files.wasm'), { outputs: [{ name: 'out', path: '/out' }], parameters: ['/out'] }),
    });
    expect(result).toMatchObject({ state: 'failed', exitCode: -1 });
    expect(result.error?.code).toBe('WorkerCrashed');
    expect(result.errorMsg).toMatch(/^WASM executor failed with an internal error: /);
    const next = await ex.run({ executionId: newId(), job: job(fixture('c/hello.wasm')) });
    expect(next.stdout).toBe('Hello, world!\n');
  });
});

describe('filesystem exhaustion', () => {
  it('creating files past the node limit fails with ENOSPC', async () => {
    const result = await run(
      job(fixture('c/many_files.wasm'), { outputs: [{ name: 'out', path: '/out' }], parameters: ['/out'] }),
      {
        fsMaxNodes: 1000,
      },
    );
    // The output directory itself is one of the 1000 nodes.
    expect(result).toMatchObject({
      state: 'completed',
      exitCode: 1,
      stdout: 'created 999 files: No space left on device\n',
    });
    expect(listFiles(result.outputs[0]!.tree)).toHaveLength(999);
  });
});

describe('malformed and hostile modules', () => {
  const compileFailure = async (bytes: Uint8Array) => {
    const result = await run(job(bytes));
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('ModuleCompileError');
    return result;
  };

  it('an empty file, a non-wasm file, a truncated module and a wrong version are compile errors', async () => {
    const hello = fixture('c/hello.wasm');
    await compileFailure(new Uint8Array(0));
    await compileFailure(fixture('wat/not_wasm.bin'));
    await compileFailure(hello.slice(0, hello.byteLength >> 1));
    const wrongVersion = hello.slice();
    wrongVersion[4] = 2;
    expect((await compileFailure(wrongVersion)).errorMsg).toContain('unsupported version 2');
  });

  it('a huge declared table fails as a typed error', async () => {
    const result = await run(job(fixture('wat/huge_table.wasm')));
    expect(result.state).toBe('failed');
    expect(['ModuleCompileError', 'ModuleLoadError']).toContain(result.error?.code);
  });

  it('thousands of imports from one module are resolved and checked', async () => {
    const count = 5000;
    const provider = wat(
      `(module ${Array.from({ length: count }, (_, i) => `(func (export "f${i}") (result i32) i32.const ${i})`).join(' ')})`,
    );
    const importer = wat(`(module
      ${Array.from({ length: count }, (_, i) => `(import "lib.wasm" "f${i}" (func (result i32)))`).join('\n')}
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func (export "_start") (call $exit (call ${count - 1}))))`);
    const result = await run(
      modulesJob([
        ['main.wasm', importer],
        ['lib.wasm', provider],
      ]),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: (count - 1) & 0xffffffff });
    expect(result.graph.edges.find((e) => e.to === 'lib.wasm')?.imports).toHaveLength(count);
  });

  it('an import chain 10,000 modules deep loads, links and runs', async () => {
    const depth = 10_000;
    const link = (i: number) => `m${i}.wasm`;
    const modules: [string, Uint8Array][] = Array.from({ length: depth }, (_, i) => [
      link(i),
      i === depth - 1
        ? wat(`(module (func (export "f") (result i32) i32.const 42))`)
        : wat(`(module (import "${link(i + 1)}" "f" (func $f (result i32))) (func (export "f") (result i32) call $f))`),
    ]);
    const entry = wat(`(module (import "${link(0)}" "f" (func $f (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func (export "_start") (call $exit (call $f))))`);
    const result = await run(modulesJob([['main.wasm', entry], ...modules]), { logCapBytes: 1024 });
    expect(result).toMatchObject({ state: 'completed', exitCode: 42 });
    expect(result.graph.nodes).toHaveLength(depth + 2);
  }, 120_000);

  it.each([1, 2, 50])('an import cycle of length %i is reported with its path', async (length) => {
    const name = (i: number) => `c${i}.wasm`;
    const modules: [string, Uint8Array][] = Array.from({ length }, (_, i) => [
      name(i),
      wat(
        `(module (import "${name((i + 1) % length)}" "f" (func $f)) (func (export "f") call $f) (func (export "_start")))`,
      ),
    ]);
    const result = await run(modulesJob(modules));
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('ModuleLoadError');
    const cycle = result.error?.details?.['cycle'] as string[];
    expect(cycle).toEqual([...Array.from({ length }, (_, i) => name(i)), name(0)]);
  });

  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a climb', '..'],
    ['the empty string', ''],
    ['the root', '/'],
  ])('an import module name that is %s is an unknown module', async (_label, moduleName) => {
    const importer = wat(
      `(module (import ${JSON.stringify(moduleName)} "f" (func $f)) (func (export "_start") call $f))`,
    );
    const result = await run(job(importer, { inputs: [memoryInput('/etc/passwd', 'root:x:0:0')] }));
    expect(result).toMatchObject({ state: 'failed', exitCode: -1 });
    expect(result.error?.code).toBe(moduleName === '/etc/passwd' ? 'ModuleCompileError' : 'UnknownModuleError');
  });
});

describe('no network', () => {
  it("a module importing Bacalhau's HTTP host module gets unknown module (wasm_no_networking)", async () => {
    const importer = wat(`(module (import "wasi:http/requests" "http_request"
      (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32))) (func (export "_start")))`);
    const result = await run(job(importer));
    expect(result).toMatchObject({
      state: 'failed',
      errorMsg: 'failed to load entry module main.wasm: unknown module "wasi:http/requests"',
    });
    expect(result.error?.code).toBe('UnknownModuleError');
  });
});

describe('hostile filesystem use', () => {
  it('symlinks in a mounted tree cannot lead out of the sandbox, and the inputs stay byte-identical', async () => {
    const input = directory({
      'secret.txt': file('inside\n'),
      'abs-link': { kind: 'symlink', target: '/etc/passwd' },
      'climb-link': { kind: 'symlink', target: '../../../../etc/passwd' },
      'ok-link': { kind: 'symlink', target: 'secret.txt' },
    });
    const before = JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    const result = await run(
      job(fixture('c/cat.wasm'), {
        inputs: [memoryInput('/data', input)],
        parameters: ['/data/ok-link', '/data/abs-link', '/data/climb-link'],
      }),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 1, stdout: 'inside\n' });
    expect(result.stderr).toBe(
      'cat: /data/abs-link: Capabilities insufficient\ncat: /data/climb-link: Capabilities insufficient\n',
    );
    expect(JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v))).toBe(before);
  });
});

describe('logs', () => {
  it('2 GiB of stdout is cut at the cap and flagged, with the host heap bounded', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = 0;
    const result: ExecutionResult = await run(job(fixture('c/flood.wasm'), { parameters: ['2048'] }), {
      onEvent: () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed - heapBefore);
      },
    });
    expect(result.state).toBe('completed');
    expect(result.stderr).toBe('\ndone\n');
    expect(result.logStats.stdout).toEqual({ written: 2 * 2 ** 30, kept: 64 * 2 ** 20, truncated: true });
    expect(result.stdoutTruncated).toBe(true);
    console.info(`2 GiB flood: host heap peaked ${mib(peak)} above its start (log cap 64 MiB)`);
    expect(peak).toBeLessThan(512 * 2 ** 20);
  }, 120_000);

  it('a single 100 MiB write is kept whole up to the cap', async () => {
    const result = await run(job(fixture('c/big_write.wasm'), { parameters: ['100'] }));
    expect(result.logStats.stdout).toEqual({ written: 100 * 2 ** 20, kept: 64 * 2 ** 20, truncated: true });
    expect(result.logs.reduce((sum, e) => sum + e.data.byteLength, 0)).toBe(64 * 2 ** 20);
  }, 60_000);

  it('binary and invalid UTF-8 output is kept byte for byte', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const result = await run(
      job(fixture('c/stdin_echo.wasm'), {
        brine: { argv0: '', preopens: [], stdin: new Uint8Array([0xff, 0xfe, 0xc3, ...bytes]) },
      }),
    );
    const out = new Uint8Array(result.logs.flatMap((e) => [...e.data]));
    expect(out).toEqual(new Uint8Array([...new TextEncoder().encode('stdin: '), 0xff, 0xfe, 0xc3, ...bytes]));
    expect(result.stdout.startsWith('stdin: \ufffd\ufffd')).toBe(true);
  });
});
