// Resources.Memory: page rounding, the 4 GiB ceiling, declared minimums and maximums, growth at run time.
import { describe, expect, it } from 'vitest';
import { GROWS_KEPT } from '../src/executor/memory-story.js';
import { fixture, job, memoryInput, run } from './helpers.js';

describe('memory limit', () => {
  it('memory.grow past the limit returns -1 to the guest; the result tells the story with the numbers', async () => {
    // 1MiB = 16 pages; the module starts with 1 and grows one page at a time.
    const result = await run(job(fixture('wat/grow_loop.wasm'), { resources: { memory: '1MiB' } }));
    expect(result).toMatchObject({
      state: 'completed',
      exitCode: 4,
      stdout: 'grow failed at 16 pages\n',
      errorMsg: '',
    });
    const refused = { module: 'main.wasm', memory: 0, from: 16, to: 17, granted: false, maximum: 16 };
    expect(result.memory).toMatchObject({
      peakPages: 16,
      peakBytes: 16 * 65536,
      limitPages: 16,
      growCount: 16,
      refusedCount: 1,
      lastRefused: refused,
      unobserved: [],
      message:
        'memory.grow from 16 to 17 pages was refused: the limit is 16 pages (1 MiB); the program then exited with code 4',
    });
    expect(result.memory.grows.map(({ from, to, granted }) => [from, to, granted])).toEqual([
      ...Array.from({ length: 15 }, (_, i) => [i + 1, i + 2, true]),
      [16, 17, false],
    ]);
  });

  it('reports each grow with its from/to pages and whether it was granted, and the guest sees the same results', async () => {
    // grow_steps checks every result itself (exit 99 if one is wrong); 640KiB = 10 pages.
    const result = await run(job(fixture('wat/grow_steps.wasm'), { resources: { memory: '640KiB' } }));
    expect(result).toMatchObject({ state: 'completed', exitCode: 8 });
    expect(result.memory.grows.map(({ from, to, granted, maximum }) => ({ from, to, granted, maximum }))).toEqual([
      { from: 1, to: 3, granted: true, maximum: 10 },
      { from: 3, to: 8, granted: true, maximum: 10 },
      { from: 8, to: 8, granted: true, maximum: 10 },
      { from: 8, to: 108, granted: false, maximum: 10 },
      { from: 8, to: 8 + 4294967295, granted: false, maximum: 10 },
    ]);
    const times = result.memory.grows.map((g) => g.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(result.memory.message).toBe(
      'memory.grow from 8 to 4,294,967,303 pages was refused (the last of 2 refused grows): the limit is 10 pages (640 KiB); the program then exited with code 8',
    );
  });

  it('near the limit: malloc in a loop is refused at 32 MiB, and the result says so with the numbers', async () => {
    const result = await run(job(fixture('c/malloc_loop.wasm'), { resources: { memory: '32MiB' } }));
    expect(result).toMatchObject({ state: 'completed', exitCode: 3 });
    const mib = Number(/allocated (\d+) MiB/.exec(result.stdout)?.[1]);
    expect(mib).toBeGreaterThan(25);
    expect(mib).toBeLessThan(32);
    const { grows, lastRefused, peakPages } = result.memory;
    // Each granted grow starts where the last one ended, up to the peak; the refused one asks past the limit.
    const granted = grows.filter((g) => g.granted);
    for (const [i, g] of granted.slice(1).entries()) expect(g.from).toBe(granted[i]!.to);
    expect(granted.at(-1)!.to).toBe(peakPages);
    expect(lastRefused!.from).toBe(peakPages);
    expect(lastRefused!.to).toBeGreaterThan(512);
    expect(result.memory.message).toMatch(
      new RegExp(
        `^memory\\.grow from ${peakPages} to ${lastRefused!.to} pages was refused( \\(the last of \\d refused grows\\))?: the limit is 512 pages \\(32 MiB\\); the program then exited with code 3$`,
      ),
    );
  });

  it('one large request while memory is still small: refused far past the limit, explained with the numbers', async () => {
    const result = await run(job(fixture('c/big_alloc.wasm'), { resources: { memory: '32MiB' } }));
    expect(result).toMatchObject({
      state: 'completed',
      exitCode: 1,
      stdout: 'asking malloc for 56 MiB\n',
      stderr: 'malloc of 56 MiB failed\n',
    });
    const { lastRefused, peakPages } = result.memory;
    expect(peakPages).toBeLessThan(8);
    expect(lastRefused).toMatchObject({ from: peakPages, granted: false, maximum: 512 });
    expect(lastRefused!.to - lastRefused!.from).toBeGreaterThanOrEqual(56 * 16);
    expect(result.memory.message).toMatch(
      new RegExp(
        `^memory\\.grow from ${peakPages} to ${lastRefused!.to} pages was refused.*: the limit is 512 pages \\(32 MiB\\); the program then exited with code 1$`,
      ),
    );
    // With room for it, the same request is granted and the story has no refusal.
    const roomy = await run(job(fixture('c/big_alloc.wasm'), { resources: { memory: '64MiB' } }));
    expect(roomy).toMatchObject({
      exitCode: 0,
      stdout: 'asking malloc for 56 MiB\nallocated 56 MiB\n',
      memory: { refusedCount: 0 },
    });
    expect(roomy.memory.message).toBeUndefined();
  });

  it('a trap after a refused grow fails the run, and its error message ends with the explanation', async () => {
    const result = await run(job(fixture('wat/grow_trap.wasm'), { resources: { memory: '1MiB' } }));
    const message =
      'memory.grow from 1 to 101 pages was refused: the limit is 16 pages (1 MiB); the program then trapped';
    expect(result).toMatchObject({ state: 'failed', error: { code: 'GuestTrap' }, memory: { message } });
    expect(result.errorMsg).toMatch(new RegExp(`unreachable.*; ${message.replace(/[()]/g, '\\$&')}$`));
    expect((await run(job(fixture('wat/grow_trap.wasm'), { resources: { memory: '8MiB' } }))).state).toBe('completed');
  });

  it('a grow in a start function, of a memory the module does not export, is observed during linking', async () => {
    const result = await run(job(fixture('wat/grow_start.wasm')));
    expect(result).toMatchObject({ state: 'completed', exitCode: 14, memory: { peakPages: 4 } });
    const [grow] = result.memory.grows;
    expect(result.memory.grows).toHaveLength(1);
    expect(grow).toMatchObject({ module: 'main.wasm', memory: 0, from: 1, to: 4, granted: true });
    expect(grow!.time).toBeLessThanOrEqual(result.timings.linkMs);
  });

  it('a grow of an imported memory is observed in the module that grows it', async () => {
    const result = await run(
      job(fixture('wat/grow_imported.wasm'), { inputs: [memoryInput('mem.wasm', fixture('wat/mem.wasm'))] }),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 3 });
    expect(result.memory.grows).toMatchObject([{ module: 'main.wasm', memory: 0, from: 1, to: 3, granted: true }]);
  });

  it('every function index is renumbered: calls, tables, elements, globals, exports and start reach the same functions', async () => {
    const result = await run(job(fixture('wat/grow_calls.wasm')));
    expect(result).toMatchObject({ state: 'completed', exitCode: 61, memory: { growCount: 1 } });
    const entry = await run(job(fixture('wat/grow_calls.wasm'), { entrypoint: 'two' }));
    expect(entry).toMatchObject({ state: 'completed', exitCode: 0 });
  });

  it('a million grows are kept bounded: the first and last 500, a count, and the refused one left out between', async () => {
    const result = await run(job(fixture('wat/grow_many.wasm')));
    expect(result).toMatchObject({ state: 'completed', exitCode: 0 });
    const { grows, growCount, refusedCount, lastRefused } = result.memory;
    expect(growCount).toBe(1_000_000);
    expect(grows).toHaveLength(2 * GROWS_KEPT);
    expect(grows.every((g) => g.granted && g.from === 1 && g.to === 1)).toBe(true);
    const times = grows.map((g) => g.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(refusedCount).toBe(1);
    expect(lastRefused).toMatchObject({ from: 1, to: 70_001, granted: false });
    expect(result.memory.message).toBeUndefined(); // it exits 0
    expect(times[GROWS_KEPT - 1]).toBeLessThanOrEqual(lastRefused!.time);
    expect(lastRefused!.time).toBeLessThanOrEqual(times[GROWS_KEPT]!);
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

  it('a declared maximum above the limit is capped, and the refusal names the limit', async () => {
    // max_big declares 1..65536 pages and grows by 10: refused under a 5-page limit (exit 10).
    const refused = await run(job(fixture('wat/max_big.wasm'), { resources: { memory: '320KiB' } }));
    expect(refused.exitCode).toBe(10);
    expect(refused.memory.message).toBe(
      'memory.grow from 1 to 11 pages was refused: the limit is 5 pages (320 KiB); the program then exited with code 10',
    );
    expect((await run(job(fixture('wat/max_big.wasm'), { resources: { memory: '1MiB' } }))).exitCode).toBe(11);
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
    expect(result).toMatchObject({ state: 'completed', memory: { limitPages: 65536, refusedCount: 0 } });
  });

  it('reports peak memory of a normal run without a story to tell', async () => {
    const result = await run(job(fixture('c/hello.wasm')));
    expect(result.memory).toEqual({
      peakPages: 2,
      peakBytes: 2 * 65536,
      limitPages: 7813, // the 512Mb job default
      grows: [],
      growCount: 0,
      refusedCount: 0,
      unobserved: [],
    });
  });
});
