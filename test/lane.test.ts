// The fast lane (src/protocol/run-lane.ts) on Node worker_threads: which runs take it, and that a
// run over it behaves as one by message (logs, outputs, cancel).
import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../src/executor/types.js';
import { createNodeWorker } from '../src/host/node.js';
import type { WorkerFactory } from '../src/host/types.js';
import { listFiles } from '../src/mounts/tree.js';
import type { WorkerApi } from '../src/protocol/messages.js';
import { executor, fixture, job, newId } from './helpers.js';

/** Node workers whose runs by message (Comlink) are counted. */
function countingWorkers(): { createWorker: WorkerFactory; byMessage: () => number } {
  let count = 0;
  const createWorker: WorkerFactory = () => {
    const handle = createNodeWorker();
    const api = {
      run: (request: Parameters<WorkerApi['run']>[0]) => {
        count++;
        return handle.api.run(request);
      },
    } as unknown as Remote<WorkerApi>;
    return { ...handle, api };
  };
  return { createWorker, byMessage: () => count };
}

const hello = fixture('c/hello.wasm');

describe('the fast lane', () => {
  it('a warm worker takes the runs after its first over the lane, with the same results', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const ex = executor({ createWorker, maxWorkers: 1 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await ex.run({ executionId: newId(), job: job(hello) }));
    expect(byMessage()).toBe(1);
    for (const result of results) {
      expect(result).toMatchObject({ state: 'completed', exitCode: 0, stdout: 'Hello, world!\n' });
      expect(result.logs.map((event) => event.stream)).toEqual(['stdout']);
      expect(result.timings.runMs).toBeGreaterThan(0);
    }
  });

  it('a worker asleep on its lane (no run for a while) wakes for the next, as one still watching it does', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const ex = executor({ createWorker, maxWorkers: 1 });
    const run = () => ex.run({ executionId: newId(), job: job(hello) });
    expect((await run()).stdout).toBe('Hello, world!\n');
    // The worker watches its lane for 2 ms after a run, then sleeps: runs after pauses either side of that.
    for (const pauseMs of [50, 0, 20, 0, 0, 100]) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      expect(await run()).toMatchObject({ state: 'completed', stdout: 'Hello, world!\n' });
    }
    expect(byMessage()).toBe(1);
  });

  it('a module the worker does not hold goes by message; the lane takes the runs after', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const ex = executor({ createWorker, maxWorkers: 1 });
    const runModule = async (module: Uint8Array, parameters: string[] = []) =>
      ex.run({ executionId: newId(), job: job(module, { parameters }) });
    expect((await runModule(hello)).stdout).toBe('Hello, world!\n');
    expect((await runModule(fixture('c/args.wasm'), ['a', 'b'])).stdout).toContain('a');
    expect(byMessage()).toBe(2);
    expect((await runModule(hello)).stdout).toBe('Hello, world!\n');
    expect((await runModule(fixture('c/args.wasm'), ['c'])).stdout).toContain('c');
    expect(byMessage()).toBe(2);
  });

  it('output past the log staging streams in order, and the tail left staged is kept', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const ex = executor({ createWorker, maxWorkers: 1 });
    const lines = job(fixture('c/printf_lines.wasm'), { parameters: ['50000'] });
    const expected = Array.from({ length: 50000 }, (_, i) => `line ${i}\n`).join('');
    for (let i = 0; i < 2; i++) {
      const id = newId();
      await ex.run({ executionId: id, job: lines });
      let text = '';
      for await (const event of ex.getLogStream(id)) text += new TextDecoder().decode(event.data);
      expect(text).toBe(expected);
    }
    expect(byMessage()).toBe(1);
  });

  it('an outcome larger than the lane arrives by message, whole', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const ex = executor({ createWorker, maxWorkers: 1 });
    const writer = job(fixture('c/write_file.wasm'), {
      parameters: ['/out/file', '6', '65536'],
      outputs: [{ name: 'out', path: '/out' }],
    });
    for (let i = 0; i < 2; i++) {
      const result = await ex.run({ executionId: newId(), job: writer });
      expect(result).toMatchObject({ state: 'completed', exitCode: 0 });
      const [written] = listFiles(result.outputs[0]!.tree);
      expect(written?.data.byteLength).toBe(6 << 20);
      expect(written?.data.every((byte) => byte === 'o'.charCodeAt(0))).toBe(true);
    }
    expect(byMessage()).toBe(1);
  });

  it('cancel ends a run over the lane spinning in wasm at once, and the next job runs', async () => {
    const { createWorker, byMessage } = countingWorkers();
    const running = new Set<string>();
    const onEvent = (event: ExecutorEvent) => {
      if (event.type === 'state' && event.state === 'running') running.add(event.executionId);
    };
    const ex = executor({ createWorker, maxWorkers: 1, onEvent });
    const hash = (mib: string) => job(fixture('c/bench_hash.wasm'), { parameters: [mib] });
    expect((await ex.run({ executionId: newId(), job: hash('1') })).stdout).toMatch(/^sha256 [0-9a-f]{64}\n$/);
    const id = newId();
    await ex.start({ executionId: id, job: hash('1000000') });
    await expect.poll(() => running.has(id), { timeout: 10_000 }).toBe(true);
    // bench_hash of 1,000,000 MiB would run for hours: the result comes from the terminated worker.
    await ex.cancel(id);
    const result = await ex.wait(id);
    expect(result).toMatchObject({ state: 'cancelled', exitCode: -1 });
    expect(byMessage()).toBe(1);
    expect((await ex.run({ executionId: newId(), job: job(hello) })).stdout).toBe('Hello, world!\n');
  });
});
