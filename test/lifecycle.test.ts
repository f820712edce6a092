// start / wait / run / cancel / getLogStream / release and the gauge, on Node worker_threads.
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../src/logs/types.js';
import { executor, fixture, job, memoryInput, newId, run } from './helpers.js';

const decode = (events: LogEvent[]) => events.map((e) => new TextDecoder().decode(e.data)).join('');

/** Resolves when the execution's stdout has received `text`. */
async function waitForOutput(ex: ReturnType<typeof executor>, id: string, text: string): Promise<void> {
  const seen: LogEvent[] = [];
  for await (const event of ex.getLogStream(id, { follow: true })) {
    seen.push(event);
    if (decode(seen).includes(text)) return;
  }
  throw new Error(`stream ended without ${JSON.stringify(text)}`);
}

describe('cancel and timeout', () => {
  it('cancel stops a guest spinning in pure wasm at once, keeping its logs; the next job runs', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: job(fixture('c/spin.wasm')) });
    await waitForOutput(ex, id, 'spinning\n');
    expect(ex.activeExecutions).toBe(1);
    const before = performance.now();
    await ex.cancel(id);
    const result = await ex.wait(id);
    const stopMs = performance.now() - before;
    console.info(`cancel of a spinning guest: ${stopMs.toFixed(1)} ms to a result`);
    expect(result).toMatchObject({ state: 'cancelled', exitCode: -1, stdout: 'spinning\n' });
    expect(result.error?.code).toBe('ExecutionCancelled');
    expect(ex.activeExecutions).toBe(0);

    const next = await ex.run({ executionId: newId(), job: job(fixture('c/hello.wasm')) });
    expect(next.stdout).toBe('Hello, world!\n');
  });

  it('output written just before a long stretch without host calls reaches the log while the guest runs', async () => {
    const ex = executor();
    const id = newId();
    // "two" is written within the batching window after "one", so the worker holds it; the host reads it from the staging.
    await ex.start({
      executionId: id,
      job: job(fixture('wat/write_then_spin.wasm'), { timeouts: { executionTimeout: 20 } }),
    });
    await waitForOutput(ex, id, 'one\ntwo\n');
    expect(ex.activeExecutions).toBe(1);
    await ex.cancel(id);
    expect((await ex.wait(id)).stdout).toBe('one\ntwo\n');
  });

  it('cancel right after start, twice, and after the end is harmless', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: job(fixture('wat/spin.wasm')) });
    await Promise.all([ex.cancel(id), ex.cancel(id)]);
    expect((await ex.wait(id)).state).toBe('cancelled');
    await ex.cancel(id);
    expect((await ex.wait(id)).state).toBe('cancelled');

    const done = newId();
    await ex.run({ executionId: done, job: job(fixture('c/hello.wasm')) });
    await ex.cancel(done);
    expect((await ex.wait(done)).state).toBe('completed');
  });

  it('ExecutionTimeout ends a spinning guest as timedOut with the logs written so far', async () => {
    const ex = executor();
    await ex.run({ executionId: newId(), job: job(fixture('c/hello.wasm')) }); // a warm worker: the deadline is not spent booting one
    const result = await ex.run({
      executionId: newId(),
      job: job(fixture('c/spin.wasm'), { timeouts: { executionTimeout: 2 } }),
    });
    expect(result).toMatchObject({ state: 'timedOut', exitCode: -1, stdout: 'spinning\n' });
    expect(result.error?.code).toBe('ExecutionTimeout');
    // Timers may fire up to a millisecond early by performance.now().
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(1999);
  });

  it('the timeout counts from when the execution gets a worker, not while it waits for one', async () => {
    const ex = executor({ maxWorkers: 1 });
    const spinning = newId();
    await ex.start({ executionId: spinning, job: job(fixture('c/spin.wasm')) });
    await waitForOutput(ex, spinning, 'spinning\n');
    const queued = newId();
    await ex.start({ executionId: queued, job: job(fixture('c/hello.wasm'), { timeouts: { executionTimeout: 1 } }) });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await ex.cancel(spinning);
    const result = await ex.wait(queued);
    expect(result).toMatchObject({ state: 'completed', stdout: 'Hello, world!\n' });
    expect(result.timings.queuedMs).toBeGreaterThanOrEqual(1400);
  });
});

describe('wait, logs and release', () => {
  it('wait resolves once with the same result for every caller', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: job(fixture('c/hello.wasm')) });
    const [a, b] = await Promise.all([ex.wait(id), ex.wait(id)]);
    expect(a).toBe(b);
    expect(await ex.wait(id)).toBe(a);
  });

  it('getLogStream follows live output while the guest runs and ends with the execution', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: job(fixture('c/printf_lines.wasm'), { parameters: ['20000'] }) });
    const followed: LogEvent[] = [];
    for await (const event of ex.getLogStream(id, { follow: true })) followed.push(event);
    const result = await ex.wait(id);
    const expected = Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join('');
    expect(decode(followed)).toBe(expected);
    // History replays the same bytes; tail:false without follow gives nothing.
    const history: LogEvent[] = [];
    for await (const event of ex.getLogStream(id)) history.push(event);
    expect(decode(history)).toBe(expected);
    const none: LogEvent[] = [];
    for await (const event of ex.getLogStream(id, { tail: false })) none.push(event);
    expect(none).toEqual([]);
    expect(result.stdout).toBe(expected.slice(0, 2048));
    expect(result.stdoutTruncated).toBe(true);
    expect(result.logStats.stdout).toEqual({ written: expected.length, kept: expected.length, truncated: false });
  });

  it('release forgets an execution and its logs', async () => {
    const ex = executor();
    const id = newId();
    await ex.run({ executionId: id, job: job(fixture('c/hello.wasm')) });
    ex.release(id);
    await expect(ex.wait(id)).rejects.toMatchObject({ code: 'ExecutionNotFound' });
    expect(() => ex.release(id)).toThrowError(/not found/);
  });

  it('logs past the cap are dropped and flagged, every kept byte in order', async () => {
    const result = await run(job(fixture('c/big_write.wasm'), { parameters: ['3'] }), { logCapBytes: 1024 * 1024 });
    expect(result.state).toBe('completed');
    expect(result.logStats.stdout).toEqual({ written: 3 * 1024 * 1024, kept: 1024 * 1024, truncated: true });
    expect(result.stdoutTruncated).toBe(true);
    expect(result.logs.every((e) => e.data.every((b) => b === 0x78))).toBe(true);
  });
});

describe('compile once, log in batches', () => {
  it('compiles a module once per content and memory limit, and reuses it', async () => {
    const ex = executor();
    const hello = fixture('c/hello.wasm');
    await ex.run({ executionId: newId(), job: job(hello) });
    await ex.run({ executionId: newId(), job: job(new Uint8Array(hello)) }); // same bytes, another buffer
    expect(ex.cachedModules).toBe(1);
    await ex.run({ executionId: newId(), job: job(hello, { resources: { memory: '1MiB' } }) });
    expect(ex.cachedModules).toBe(2);
  });

  it('many small writes reach the caller in a few batches, live and in order', async () => {
    const batches: number[] = [];
    const ex = executor({
      onEvent: (event) => {
        if (event.type === 'logs') batches.push(event.events.length);
      },
    });
    const result = await ex.run({
      executionId: newId(),
      job: job(fixture('c/printf_lines.wasm'), { parameters: ['100000'] }),
    });
    expect(result.logStats.stdout.written).toBe(
      Array.from({ length: 100000 }, (_, i) => `line ${i}\n`).join('').length,
    );
    // stdout is a pipe, so libc writes 1 KiB at a time: ~1300 writes arrive in far fewer messages.
    console.info(`100000 printf lines: ${batches.length} messages`);
    expect(batches.length).toBeLessThan(200);
  });
});

describe('progress events', () => {
  it('reports states and the import graph as the loader resolves it', async () => {
    const events: string[] = [];
    const ex = executor({
      onEvent: (event) => {
        if (event.type === 'state') events.push(`state:${event.state}`);
        if (event.type === 'graph' && event.event.type === 'node')
          events.push(`node:${event.event.node.id}:${event.event.node.status}`);
        if (event.type === 'graph' && event.event.type === 'edge')
          events.push(`edge:${event.event.edge.from}->${event.event.edge.to}`);
      },
    });
    await ex.run({
      executionId: newId(),
      job: job(fixture('c/dynamic.wasm'), { inputs: [memoryInput('input.wasm', fixture('c/easter.wasm'))] }),
    });
    expect(events).toEqual([
      'state:queued',
      'state:loading',
      'node:main.wasm:resolving',
      'node:main.wasm:compiling',
      'node:input.wasm:resolving',
      'node:input.wasm:compiling',
      'node:input.wasm:ready',
      'edge:main.wasm->input.wasm',
      'node:wasi_snapshot_preview1:ready',
      'edge:main.wasm->wasi_snapshot_preview1',
      'node:main.wasm:ready',
      'state:linking',
      'state:running',
      'state:completed',
    ]);
  });
});

describe('many executions', () => {
  it('runs more jobs than workers, each with its own result, and the gauge returns to 0', async () => {
    const ex = executor({ maxWorkers: 2 });
    const ids = Array.from({ length: 8 }, () => newId());
    await Promise.all(
      ids.map((id, i) =>
        ex.start({ executionId: id, job: job(fixture('c/exit_code.wasm'), { env: { EXIT_CODE: String(i) } }) }),
      ),
    );
    expect(ex.activeExecutions).toBeLessThanOrEqual(2);
    const results = await Promise.all(ids.map((id) => ex.wait(id)));
    expect(results.map((r) => r.exitCode)).toEqual(ids.map((_, i) => i));
    expect(ex.activeExecutions).toBe(0);
  });

  it('a queued execution can be cancelled before it gets a worker', async () => {
    const ex = executor({ maxWorkers: 1 });
    const spinning = newId();
    const queued = newId();
    await ex.start({ executionId: spinning, job: job(fixture('wat/spin.wasm')) });
    await ex.start({ executionId: queued, job: job(fixture('c/hello.wasm')) });
    await ex.cancel(queued);
    expect((await ex.wait(queued)).state).toBe('cancelled');
    await ex.cancel(spinning);
    expect((await ex.run({ executionId: newId(), job: job(fixture('c/hello.wasm')) })).stdout).toBe('Hello, world!\n');
  });

  it('bids on network jobs and declines sources it cannot read, saying why', () => {
    const ex = executor();
    expect(ex.isInstalled()).toBe(true);
    expect(ex.shouldBid({ job: job(fixture('c/hello.wasm')) })).toEqual({
      shouldBid: true,
      shouldWait: false,
      reason: 'not place additional requirements on WASM jobs',
    });
    for (const type of ['Host', 'Full', 'Bridge', 'Default']) {
      expect(ex.shouldBid({ job: job(fixture('c/hello.wasm'), { network: { type, domains: [] } }) }).shouldBid).toBe(
        true,
      );
    }
    const http = job(fixture('c/hello.wasm'), { network: { type: 'HTTP', domains: ['example.com'] } });
    expect(ex.shouldBid({ job: http }).shouldBid).toBe(true);
    const remote = ex.shouldBidBasedOnUsage({
      job: job(fixture('c/hello.wasm'), {
        inputs: [{ target: '/data', source: { type: 'other', sourceType: 'ipfs', params: {} } }],
      }),
    });
    expect(remote.shouldBid).toBe(false);
    expect(remote.reason).toContain('offline');
  });
});

describe('exit codes', () => {
  it('proc_exit(c) gives c; returning from _start gives 0', async () => {
    expect((await run(job(fixture('wat/exit_start.wasm')))).exitCode).toBe(7);
    expect(await run(job(fixture('wat/return_start.wasm')))).toMatchObject({ state: 'completed', exitCode: 0 });
  });

  it('a trap keeps the output written before it', async () => {
    const result = await run(job(fixture('c/trap.wasm'), { outputs: [{ name: 'outputs', path: '/outputs' }] }));
    expect(result).toMatchObject({ state: 'failed', exitCode: 1, stdout: 'before trap\n' });
    const partial = result.outputs.find((o) => o.name === 'outputs')!.tree;
    expect(partial).toEqual({
      kind: 'directory',
      entries: { 'partial.txt': { kind: 'file', data: new TextEncoder().encode('partial') } },
    });
  });
});
