// The WASI call trace (Engine.Params.Brine.Trace) of real modules, on Node worker_threads.
import { describe, expect, it } from 'vitest';
import type { Executor } from '../src/executor/executor.js';
import type { ExecutionResult } from '../src/executor/types.js';
import { file } from '../src/mounts/tree.js';
import type { Job } from '../src/spec/types.js';
import { ERRNO_NAMES } from '../src/trace/names.js';
import type { Trace, TraceRecord } from '../src/trace/store.js';
import { executor, fixture, job, memoryInput, newId } from './helpers.js';

const traced = (j: Job): Job => ({ ...j, brine: { ...j.brine, trace: true } });

async function runTraced(j: Job, ex: Executor = executor()): Promise<{ result: ExecutionResult; trace: Trace }> {
  const id = newId();
  const result = await ex.run({ executionId: id, job: traced(j) });
  return { result, trace: ex.getTrace(id)! };
}

const recordsOf = (trace: Trace): TraceRecord[] =>
  [...trace.entries()].filter((entry): entry is TraceRecord => 'seq' in entry);

const horses = memoryInput('/inputs', {
  kind: 'directory',
  entries: { 'horses.csv': file(fixture('data/horses.csv')) },
});

describe('a traced run', () => {
  it('shows the open of a missing file with its path and noent, and the error it printed', async () => {
    const { result, trace } = await runTraced(job(fixture('c/cat.wasm'), { parameters: ['/inputs/missing.csv'] }));
    expect(result).toMatchObject({ state: 'completed', exitCode: 1 });
    const records = recordsOf(trace);
    const open = records.find((r) => r.fn === 'path_open')!;
    expect(open).toMatchObject({ args: { fd: { fd: 3, path: '/' }, path: 'inputs/missing.csv' }, errno: 'noent' });
    expect(open).not.toHaveProperty('result');
    const message = 'cat: /inputs/missing.csv: No such file or directory\n';
    expect(records.find((r) => r.fn === 'fd_write')).toMatchObject({
      args: { fd: { fd: 2, path: '<stderr>' }, iovs: { bytes: message.length } },
      errno: 'success',
      result: { nwritten: message.length },
      log: { stream: 'stderr', offset: 0, bytes: message.length },
    });
    expect(records.at(-1)).toMatchObject({ fn: 'proc_exit', args: { rval: 1 }, errno: null });
    expect(result.trace).toEqual(trace.summary());
    expect(result.trace?.byFunction.find((f) => f.fn === 'path_open')).toMatchObject({ count: 1, errors: 1 });
  });

  it('names each preopened fd by the directory it opens: "." and "/" are the root, others below it', async () => {
    const base = job(fixture('c/cat.wasm'), { parameters: ['/inputs/horses.csv'], inputs: [horses] });
    const { trace } = await runTraced({ ...base, brine: { ...base.brine, preopens: ['.', '/', 'inputs'] } });
    const prestats = recordsOf(trace).filter((r) => r.fn === 'fd_prestat_get');
    expect(prestats.slice(0, 4).map((r) => r.args['fd'])).toEqual([
      { fd: 3, path: '/' },
      { fd: 4, path: '/' },
      { fd: 5, path: '/' },
      { fd: 6, path: '/inputs' },
    ]);
  });

  it('gives fds the paths they were opened at, and links each write to its bytes in the log', async () => {
    const { result, trace } = await runTraced(
      job(fixture('c/cat.wasm'), { parameters: ['/inputs/horses.csv'], inputs: [horses] }),
    );
    const records = recordsOf(trace);
    expect(records.find((r) => r.fn === 'path_open')?.result).toEqual({
      opened_fd: { fd: 4, path: '/inputs/horses.csv' },
    });
    expect(records.find((r) => r.fn === 'fd_read')?.args['fd']).toEqual({ fd: 4, path: '/inputs/horses.csv' });
    const output = Buffer.concat(result.logs.map((event) => event.data));
    const writes = records.filter((r) => r.log !== undefined);
    expect(writes.length).toBeGreaterThan(0);
    const written = Buffer.concat(writes.map((r) => output.subarray(r.log!.offset, r.log!.offset + r.log!.bytes)));
    expect(new TextDecoder().decode(written)).toBe(new TextDecoder().decode(fixture('data/horses.csv')));
  });

  it('does not change what the guest sees: every WASI fixture prints the same, and every call decodes', async () => {
    const ex = executor();
    const called = new Set<string>();
    for (const name of ['wasi_paths', 'wasi_rights_flags', 'wasi_poll', 'wasi_times', 'wasi_symlinks', 'wasi_errnos']) {
      const j = job(fixture(`c/${name}.wasm`), {
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/out'],
        brine: { argv0: '', preopens: [], seed: 1, stdin: new TextEncoder().encode('hello') },
      });
      const plain = await ex.run({ executionId: newId(), job: j });
      const { result, trace } = await runTraced(j, ex);
      expect(result.stdout, name).toBe(plain.stdout);
      for (const record of recordsOf(trace)) {
        called.add(record.fn);
        expect(record.unreadable, `${name} ${record.fn}`).toBeUndefined();
        if (record.errno !== null) expect(ERRNO_NAMES).toContain(record.errno);
      }
    }
    // Between them the fixtures call most of preview1.
    expect(called.size).toBeGreaterThanOrEqual(30);
  });

  it('keeps a bounded trace of a guest making many calls, counting the calls it dropped', async () => {
    const calls = 300_000;
    const ex = executor({ traceLimit: 1000 });
    const { result, trace } = await runTraced(job(fixture('c/write_calls.wasm'), { parameters: [String(calls)] }), ex);
    expect(result).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(result.logStats.stdout.kept).toBe(2 * calls);
    const writes = result.trace!.byFunction.find((f) => f.fn === 'fd_write')!;
    expect(writes).toMatchObject({ count: calls, errors: 0 });
    expect(result.trace).toMatchObject({ kept: 1000, dropped: result.trace!.calls - 1000 });
    expect(trace.byteLength).toBeLessThan(1024 * 1024);
    const entries = [...trace.entries()];
    expect(entries[500]).toEqual({ dropped: result.trace!.dropped });
    // The newest record is the last write (main returns 0: no proc_exit).
    expect(entries.at(-1)).toMatchObject({ fn: 'fd_write', log: { offset: 2 * calls - 2, bytes: 2 } });
  });

  it('keeps the calls made before a guest spins without host calls, when it is cancelled', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: traced(job(fixture('wat/write_then_spin.wasm'))) });
    await expect.poll(() => ex.getTrace(id)?.calls, { timeout: 10_000 }).toBe(2);
    await ex.cancel(id);
    const result = await ex.wait(id);
    expect(result.state).toBe('cancelled');
    expect(recordsOf(ex.getTrace(id)!).map((r) => [r.fn, r.log?.offset])).toEqual([
      ['fd_write', 0],
      ['fd_write', 4],
    ]);
  });

  it('is off unless asked for', async () => {
    const ex = executor();
    const id = newId();
    const result = await ex.run({ executionId: id, job: job(fixture('c/hello.wasm')) });
    expect(result).not.toHaveProperty('trace');
    expect(ex.getTrace(id)).toBeUndefined();
  });
});
