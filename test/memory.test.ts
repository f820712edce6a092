// Resources.Memory: page rounding, the 4 GiB ceiling, declared minimums and maximums, growth at run time.
import { describe, expect, it } from 'vitest';
import { fixture, job, memoryInput, run } from './helpers.js';

describe('memory limit', () => {
  it('memory.grow past the limit returns -1 to the guest; the result says the limit was reached', async () => {
    // 1MiB = 16 pages; the module starts with 1 and grows one page at a time.
    const result = await run(job(fixture('wat/grow_loop.wasm'), { resources: { memory: '1MiB' } }));
    expect(result).toMatchObject({
      state: 'completed',
      exitCode: 4,
      stdout: 'grow failed at 16 pages\n',
      errorMsg: '',
    });
    expect(result.memory).toEqual({
      peakPages: 16,
      peakBytes: 16 * 65536,
      limitPages: 16,
      limitReached: true,
      message: 'memory limit reached: 16 of 16 pages',
    });
  });

  it('rounds the limit up to whole pages (1 byte over 16 pages allows 17)', async () => {
    const result = await run(job(fixture('wat/grow_loop.wasm'), { resources: { memory: String(16 * 65536 + 1) } }));
    expect(result.stdout).toBe('grow failed at 17 pages\n');
  });

  it('go-humanize units: 2Mb is SI (2,000,000 bytes = 31 pages), 2MiB binary (32 pages)', async () => {
    expect((await run(job(fixture('wat/grow_loop.wasm'), { resources: { memory: '2Mb' } }))).stdout).toBe(
      'grow failed at 31 pages\n',
    );
    expect((await run(job(fixture('wat/grow_loop.wasm'), { resources: { memory: '2MiB' } }))).stdout).toBe(
      'grow failed at 32 pages\n',
    );
  });

  it('a declared maximum above the limit is capped', async () => {
    // max_big declares 1..65536 pages and grows by 10: refused under a 5-page limit (exit 10).
    expect((await run(job(fixture('wat/max_big.wasm'), { resources: { memory: '320KiB' } }))).exitCode).toBe(10);
    expect((await run(job(fixture('wat/max_big.wasm'), { resources: { memory: '1MiB' } }))).exitCode).toBe(11);
  });

  it('malloc in a loop stops at the limit and the program exits on its own terms', async () => {
    const result = await run(job(fixture('c/malloc_loop.wasm'), { resources: { memory: '16MiB' } }));
    expect(result.state).toBe('completed');
    expect(result.exitCode).toBe(3);
    const mib = Number(/allocated (\d+) MiB/.exec(result.stdout)?.[1]);
    expect(mib).toBeGreaterThan(10);
    expect(mib).toBeLessThan(16);
    expect(result.memory.limitReached).toBe(true);
    expect(result.memory.message).toBe(`memory limit reached: ${result.memory.peakPages} of 256 pages`);
  });

  it('a memory shared through an import is held to the limit too', async () => {
    const j = job(fixture('wat/imports_memory.wasm'), {
      inputs: [memoryInput('mem.wasm', fixture('wat/mem_big.wasm'))],
    });
    expect(await run({ ...j, resources: { memory: '2MiB' } })).toMatchObject({
      state: 'completed',
      stdout: 'shared\n',
    });
    const refused = await run({ ...j, resources: { memory: '1MiB' } });
    expect(refused).toMatchObject({ state: 'failed', stdout: '' });
    expect(refused.error).toMatchObject({
      code: 'MemoryLimitError',
      details: { module: 'mem.wasm', minPages: 20, limitPages: 16 },
    });
    expect(refused.errorMsg).toMatch(
      /^failed to load entry module main.wasm: module "mem.wasm": memory 0 declares a minimum of 20 pages/,
    );
  });

  it('exactly 4 GiB is allowed', async () => {
    const result = await run(job(fixture('c/hello.wasm'), { resources: { memory: '4GiB' } }));
    expect(result).toMatchObject({ state: 'completed', memory: { limitPages: 65536, limitReached: false } });
  });

  it('reports peak memory of a normal run without claiming the limit', async () => {
    const result = await run(job(fixture('c/hello.wasm')));
    expect(result.memory.limitPages).toBe(7813); // the 512Mb job default
    expect(result.memory.peakPages).toBe(2);
    expect(result.memory.limitReached).toBe(false);
    expect(result.memory.message).toBeUndefined();
  });
});
