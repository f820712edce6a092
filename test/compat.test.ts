// The Bacalhau compatibility mode (Engine.Params.Brine.Compat: bacalhau), and the "On Bacalhau"
// lines of Brine's own mode, on real modules in Node worker_threads.
import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from '../src/executor/types.js';
import { streamText } from '../src/logs/types.js';
import { directory, file } from '../src/mounts/tree.js';
import { type Job, newJob } from '../src/spec/types.js';
import { executor, fixture, job, memoryInput, newId, outputText, run } from './helpers.js';

const bacalhau = (j: Job): Job => ({ ...j, brine: { ...j.brine, compat: 'bacalhau' } });

/** Every byte the guest wrote to stdout (in compat, the result's stdout is only the first write). */
const stdoutOf = (result: ExecutionResult) => streamText(result.logs, 'stdout');

/** "step: result" lines as a map. */
const report = (stdout: string) =>
  Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(': ')),
  );

describe('exit codes and errors as Bacalhau reports them', () => {
  it('an entrypoint that returns without proc_exit: exit code -1 in compat, 0 with an On Bacalhau line otherwise', async () => {
    const brine = await run(job(fixture('c/hello.wasm')));
    expect(brine).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(brine.onBacalhau).toContain('exit code -1: the entrypoint returned without calling proc_exit');
    const compat = await run(bacalhau(job(fixture('c/hello.wasm'))));
    expect(compat).toMatchObject({
      state: 'completed',
      exitCode: -1,
      errorMsg: '',
      compat: 'bacalhau',
      onBacalhau: [],
    });
  });

  it('a cancel completes with exit code 4294967295 and no error in compat', async () => {
    for (const mode of ['brine', 'bacalhau'] as const) {
      const ex = executor();
      const id = newId();
      const spin = job(fixture('c/spin.wasm'));
      await ex.start({ executionId: id, job: mode === 'bacalhau' ? bacalhau(spin) : spin });
      await ex.cancel(id);
      const result = await ex.wait(id);
      if (mode === 'brine') {
        expect(result).toMatchObject({ state: 'cancelled', exitCode: -1, errorMsg: 'execution cancelled' });
        expect(result.onBacalhau).toContain('a cancel completes with exit code 4294967295 and no error');
      } else {
        expect(result).toMatchObject({ state: 'completed', exitCode: 4294967295, errorMsg: '', error: null });
      }
    }
  });

  it('a timeout fails with Bacalhau\'s "Execution timed out after 1s" in compat', async () => {
    const spin = job(fixture('wat/spin.wasm'), { timeouts: { executionTimeout: 1 } });
    const result = await run(bacalhau(spin));
    expect(result).toMatchObject({ state: 'failed', exitCode: -1, errorMsg: 'Execution timed out after 1s' });
    expect(result.error?.code).toBe('ExecutionTimeout');
  });

  it("an absent Entrypoint fails as on Bacalhau's executor, which has no default", async () => {
    const result = await run(bacalhau(job(fixture('c/hello.wasm'), { entrypoint: '' })));
    expect(result).toMatchObject({
      state: 'failed',
      exitCode: -1,
      errorMsg: "unable to find the entrypoint '' in the WASM module",
    });
    expect((await run(job(fixture('c/hello.wasm'), { entrypoint: '' }))).exitCode).toBe(0);
  });

  it('a trap reads as wazero words it', async () => {
    const result = await run(bacalhau(job(fixture('wat/unreachable.wasm'))));
    expect(result).toMatchObject({ state: 'failed', exitCode: 1, errorMsg: 'wasm error: unreachable' });
    const brine = await run(job(fixture('wat/unreachable.wasm')));
    expect(brine.onBacalhau).toContain('the error reads "wasm error: unreachable"');
  });
});

describe('what the guest sees in compat', () => {
  it('env: Task.Env and the system variables only, the partition count of an ops job is 0', async () => {
    const env = job(fixture('c/env.wasm'), {
      type: 'ops',
      env: { GREETING: 'hi' },
      brine: { argv0: 'prog', preopens: [], env: { lower: 'x' }, systemEnv: false },
    });
    const brine = await run(env);
    expect(brine.stdout).toBe('GREETING=hi\nlower=x\n');
    expect(brine.onBacalhau).toEqual(
      expect.arrayContaining([
        'the program does not see lower (Brine.Env is ignored)',
        'the BACALHAU_* variables are set (Brine.SystemEnv is ignored)',
        'argv[0] is "" (Brine.Argv0 is ignored)',
      ]),
    );
    const id = newId();
    const compat = await executor().run({ executionId: id, jobId: 'j-1', job: bacalhau(env) });
    expect(stdoutOf(compat)).toBe(
      [
        `BACALHAU_EXECUTION_ID=${id}`,
        'BACALHAU_JOB_ID=j-1',
        'BACALHAU_JOB_TYPE=ops',
        'BACALHAU_PARTITION_COUNT=0',
        'BACALHAU_PARTITION_INDEX=0',
        'GREETING=hi',
        '',
      ].join('\n'),
    );
  });

  it('an input at / is accepted but out of reach, as under mountfs', async () => {
    const rooted = job(fixture('c/preopens.wasm'), {
      inputs: [memoryInput('/', directory({ 'top.txt': file('top\n') }), true)],
      parameters: ['ls:/', 'top.txt'],
    });
    expect((await run(rooted)).stdout).toBe('fd 3: /\nls /: main.wasm top.txt\ntop.txt: top\n');
    const compat = await run(bacalhau(rooted));
    expect(stdoutOf(compat)).toBe('fd 3: /\nls /: main.wasm\ntop.txt: No such file or directory\n');
    expect(compat.outputs).toEqual([]);
    // Nor does the loader: an entry module in it is not found.
    const inRoot = newJob('/bin/hello.wasm', {
      entrypoint: '_start',
      network: { type: 'None', domains: [] },
      inputs: [memoryInput('/', directory({ bin: directory({ 'hello.wasm': file(fixture('c/hello.wasm')) }) }))],
    });
    expect((await run(inRoot)).stdout).toBe('Hello, world!\n');
    expect(await run(bacalhau(inRoot))).toMatchObject({
      state: 'failed',
      errorMsg: expect.stringMatching(/^failed to load entry module \/bin\/hello\.wasm: /),
    });
  });

  it('argv[0] is "", stdin is empty', async () => {
    const args = await run(bacalhau(job(fixture('c/args.wasm'), { brine: { argv0: 'prog', preopens: [] } })));
    expect(stdoutOf(args)).toBe('argc=1\nargv[0]=\n');
    const stdin = job(fixture('c/stdin_echo.wasm'), {
      brine: { argv0: '', preopens: [], stdin: new TextEncoder().encode('given') },
    });
    expect((await run(stdin)).stdout).toBe('stdin: given');
    expect(stdoutOf(await run(bacalhau(stdin)))).toBe('stdin: ');
  });

  it('Memory 0 gives 1600 pages (100 MiB) as on a Bacalhau node, not 65536', async () => {
    const grow = job(fixture('wat/grow_loop.wasm'), { resources: { memory: '0' } });
    const result = await run(bacalhau(grow));
    expect(stdoutOf(result)).toBe('grow failed at 1600 pages\n');
    expect(result.memory.limitPages).toBe(1600);
  }, 60_000);

  it("random_get is fixed: the same bytes on every run; Brine's own random differs per run and says so", async () => {
    const randomOf = async (j: Job) => /random=(\w+)/.exec(stdoutOf(await run(j)))?.[1];
    const compat = bacalhau(job(fixture('c/clock_random.wasm')));
    const [a, b] = await Promise.all([randomOf(compat), randomOf(compat)]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).toBe(b);
    const brine = await run(job(fixture('c/clock_random.wasm')));
    expect(/random=(\w+)/.exec(brine.stdout)?.[1]).not.toBe(a);
    expect(brine.onBacalhau).toContain(
      'random_get returns the same bytes on every run: wazero seeds it with 42 for each module',
    );
  });
});

describe('outputs as touchfs', () => {
  const probe = (j: Job = job(fixture('c/touchfs_probe.wasm'))) =>
    run({ ...j, outputs: [{ name: 'outputs', path: '/outputs' }], parameters: ['/outputs'] });

  it('in compat: flat, an existing file opens read-only, a stat or read-only open of a missing name creates it', async () => {
    const result = await run(
      bacalhau({
        ...job(fixture('c/touchfs_probe.wasm')),
        outputs: [{ name: 'outputs', path: '/outputs' }],
        parameters: ['/outputs'],
      }),
    );
    expect(report(stdoutOf(result))).toEqual({
      create: 'ok',
      'write again': 'EBADF',
      mkdir: 'ENOSYS',
      'stat missing': 'ok',
      'open missing read-only': 'ok',
      rename: 'ENOSYS',
      unlink: 'ENOSYS',
    });
    expect(outputText(result, 'outputs', 'new.txt')).toBe('first\n');
    expect(outputText(result, 'outputs', 'stat-missing.txt')).toBe('');
    expect(outputText(result, 'outputs', 'open-missing.txt')).toBe('');
  });

  it('in Brine: ordinary directories, with a line for each thing Bacalhau would have refused', async () => {
    const result = await probe();
    expect(report(result.stdout)).toEqual({
      create: 'ok',
      'write again': 'ok',
      mkdir: 'ok',
      'stat missing': 'ENOENT',
      'open missing read-only': 'ENOENT',
      rename: 'ok',
      unlink: 'ENOENT',
    });
    expect(outputText(result, 'outputs', 'renamed.txt')).toBe('first\nsecond\n');
    expect(result.onBacalhau).toEqual(
      expect.arrayContaining([
        'outputs/new.txt already exists: it opens read-only, so writing it again fails (EBADF)',
        'mkdir outputs/sub fails (ENOSYS): outputs are flat files',
        'a stat of the missing outputs/stat-missing.txt creates it, empty (touchfs)',
        'opening the missing outputs/open-missing.txt creates it, empty (touchfs)',
        'rename outputs/new.txt fails (ENOSYS): outputs are flat files',
      ]),
    );
  });

  it('inputs are not touched by the output rules', async () => {
    const result = await run(
      bacalhau(
        job(fixture('c/cat.wasm'), {
          inputs: [memoryInput('/inputs', directory({ 'a.txt': file('input\n') }))],
          parameters: ['/inputs/a.txt', '/inputs/missing.txt'],
        }),
      ),
    );
    expect(result.stdout).toBe('input\n');
    expect(result.stderr).toContain('/inputs/missing.txt');
  });
});

describe('result summaries', () => {
  it('hold only the first write of each stream in compat; the logs keep every byte', async () => {
    const j = job(fixture('c/logtest.wasm'), {
      inputs: [memoryInput('/data.txt', 'ab\nabc\nabcd\nabcde\n')],
      parameters: ['/data.txt'],
    });
    const brine = await run(j);
    expect(brine.stdout).toContain('ab');
    expect(brine.stdout).toContain('abcd');
    expect(
      brine.onBacalhau.some((line) => line.startsWith("the result's stdout summary holds only the first write")),
    ).toBe(true);
    const compat = await run(bacalhau(j));
    expect(compat.stdout).toContain('ab');
    expect(compat.stdout).not.toContain('abcd');
    expect(compat.stderr).toContain('abc');
    expect(compat.stderr).not.toContain('abcde');
    expect(compat.logStats.stdout.kept).toBe(brine.logStats.stdout.kept);
  });
});
