import { describe, expect, it } from 'vitest';
import { GROW_FIELDS } from '../protocol/messages.js';
import { explainRefusedGrow, GrowLog, memoryReport, type StoryEnding } from './memory-story.js';
import type { GrowEvent } from './types.js';

const grow = (from: number, to: number, granted: boolean, fields: Partial<GrowEvent> = {}): GrowEvent => ({
  time: 0,
  module: 'main.wasm',
  memory: 0,
  from,
  to,
  granted,
  maximum: 512,
  ...fields,
});

const exited = (code: number): StoryEnding => ({ state: 'completed', exitCode: code, end: { kind: 'exit', code } });
const story = (grows: GrowEvent[], limitPages = 512) => ({
  grows,
  refusedCount: grows.filter((g) => !g.granted).length,
  limitPages,
});

describe('GrowLog', () => {
  it('keeps every grow up to twice its bound, in order', () => {
    const log = new GrowLog(3);
    for (let i = 0; i < 6; i++) log.add(grow(i, i + 1, true, { time: i }));
    expect(log.kept().map((g) => g.time)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(log.count).toBe(6);
  });

  it('past that, keeps the first and the last, counts all, and remembers the last refused grow', () => {
    const log = new GrowLog(3);
    for (let i = 0; i < 100; i++) log.add(grow(i, i === 50 ? 9999 : i + 1, i !== 50, { time: i }));
    expect(log.kept().map((g) => g.time)).toEqual([0, 1, 2, 97, 98, 99]);
    expect(log).toMatchObject({ count: 100, refused: 1, lastRefused: { time: 50, to: 9999 } });
  });

  it("reads a worker's batches (GROW_FIELDS numbers per grow) with the modules' names", () => {
    const log = new GrowLog();
    const batch = new Float64Array([1, 0, 2, 18, 1, 512, 3.5, 0, 2, 40, 900, 0, 512, 7.25]);
    expect(batch.length).toBe(2 * GROW_FIELDS);
    log.addBatch(batch, ['lib.wasm', 'main.wasm']);
    expect(log.kept()).toEqual([
      { module: 'main.wasm', memory: 0, from: 2, to: 18, granted: true, maximum: 512, time: 3.5 },
      { module: 'lib.wasm', memory: 2, from: 40, to: 900, granted: false, maximum: 512, time: 7.25 },
    ]);
  });
});

describe('the explanation', () => {
  it('says what was refused, why, and how the program ended, with the numbers', () => {
    const refused = grow(40, 900, false);
    expect(explainRefusedGrow(refused, story([refused]), exited(1))).toBe(
      'memory.grow from 40 to 900 pages was refused: the limit is 512 pages (32 MiB); the program then exited with code 1',
    );
  });

  it('names a maximum the module declares below the limit, and the wasm32 ceiling without a limit', () => {
    const declared = grow(10, 30, false, { maximum: 20 });
    expect(explainRefusedGrow(declared, story([declared]), exited(1))).toBe(
      'memory.grow from 10 to 30 pages was refused: the module declares a maximum of 20 pages (1.25 MiB); the program then exited with code 1',
    );
    const huge = grow(2, 70_002, false, { maximum: 65_536 });
    expect(explainRefusedGrow(huge, story([huge], 65_536), exited(1))).toBe(
      'memory.grow from 2 to 70,002 pages was refused: a wasm32 memory holds at most 65,536 pages (4 GiB); the program then exited with code 1',
    );
  });

  it('a refusal under the maximum is the engine failing to reserve the memory', () => {
    const refused = grow(100, 200, false);
    expect(explainRefusedGrow(refused, story([refused]), exited(1))).toBe(
      'memory.grow from 100 to 200 pages was refused, below its maximum of 512 pages (32 MiB): the engine could not reserve the memory; the program then exited with code 1',
    );
  });

  it('counts several refusals, names the memory when the run grew more than one, and says how the run ended', () => {
    const first = grow(500, 517, false);
    const last = grow(3, 600, false, { module: 'lib.wasm', memory: 1 });
    const trap: StoryEnding = { state: 'failed', exitCode: 1, end: { kind: 'trap', message: 'unreachable' } };
    expect(explainRefusedGrow(last, story([first, last]), trap)).toBe(
      'memory.grow of memory 1 in "lib.wasm" from 3 to 600 pages was refused (the last of 2 refused grows): the limit is 512 pages (32 MiB); the program then trapped',
    );
    const returned: StoryEnding = { state: 'completed', exitCode: -1, end: { kind: 'return' } };
    expect(explainRefusedGrow(first, story([first]), returned)).toMatch(
      /; the entrypoint then returned \(exit code -1\)$/,
    );
    const crashed: StoryEnding = { state: 'failed', exitCode: -1 };
    expect(explainRefusedGrow(first, story([first]), crashed)).toMatch(/; the run then failed$/);
  });
});

describe('memoryReport', () => {
  const logWith = (...grows: GrowEvent[]) => {
    const log = new GrowLog();
    for (const g of grows) log.add(g);
    return log;
  };

  it('explains the last refused grow of a run that failed or exited non-zero, and no other', () => {
    const log = logWith(grow(2, 18, true), grow(18, 900, false));
    const report = memoryReport(18, 18, 512, log, exited(3));
    expect(report).toMatchObject({ peakPages: 18, growCount: 2, refusedCount: 1, lastRefused: { to: 900 } });
    expect(report.message).toMatch(/^memory\.grow from 18 to 900 pages was refused: .*exited with code 3$/);
    expect(memoryReport(18, 18, 512, log, exited(0)).message).toBeUndefined();
    const stopped: StoryEnding = { state: 'cancelled', exitCode: -1 };
    expect(memoryReport(18, 18, 512, log, stopped).message).toBeUndefined();
    // In the compatibility mode a cancel completes with a code of its own: no guest ending, no explanation.
    expect(memoryReport(18, 18, 512, log, { state: 'completed', exitCode: 4294967295 }).message).toBeUndefined();
    expect(memoryReport(18, 18, 512, logWith(grow(2, 18, true)), exited(3)).message).toBeUndefined();
  });
});
