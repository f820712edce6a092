import { describe, expect, it } from 'vitest';
import { batch, type Call } from '../../test/trace-records.js';
import { NO_CRITERIA, type TraceCriteria, TraceFilter } from './filter.js';
import { TraceStore } from './store.js';

const FDS = new Map([
  [1, '<stdout>'],
  [2, '<stderr>'],
  [3, '/'],
]);

/** A trace of these calls (kept up to `limit`), and the rows a filter with `criteria` gives, as seq numbers and dropped counts. */
function rowsOf(calls: Call[], criteria: Partial<TraceCriteria>, limit = 100) {
  const store = new TraceStore(limit, FDS);
  store.append(batch(0, calls));
  const filter = new TraceFilter(store, { ...NO_CRITERIA, ...criteria });
  expect(filter.scan(1000)).toBe(true);
  const rows = filter.rows();
  return Array.from({ length: rows.count }, (_, i) => {
    const row = rows.row(i);
    return 'seq' in row ? row.seq : row;
  });
}

const CALLS: Call[] = [
  { fn: 'path_open', path: 'inputs/horses.csv', opened: 4 }, // 0
  { fn: 'fd_write', fd: 4 }, // 1
  { fn: 'path_open', path: 'inputs/missing.csv', errno: 44 }, // 2
  { fn: 'fd_write', fd: 2 }, // 3
  { fn: 'proc_raise', errno: 52 }, // 4
  { fn: 'sched_yield' }, // 5
];

describe('TraceFilter', () => {
  it('gives every kept record when nothing is filtered', () => {
    expect(rowsOf(CALLS, {})).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('filters by function, errno ≠ success, path (arguments and fds, any case) and fd', () => {
    expect(rowsOf(CALLS, { fn: 'path_open' })).toEqual([0, 2]);
    expect(rowsOf(CALLS, { errorsOnly: true })).toEqual([2, 4]);
    expect(rowsOf(CALLS, { path: 'HORSES' })).toEqual([0, 1]); // the open, and the write to the fd it opened
    expect(rowsOf(CALLS, { path: '<stderr>' })).toEqual([3]);
    expect(rowsOf(CALLS, { path: 'read' })).toEqual([]); // the opens' rights name fd_read: not a path
    expect(rowsOf(CALLS, { fd: '4' })).toEqual([0, 1]); // opened as fd 4, then written to
    expect(rowsOf(CALLS, { fn: 'path_open', errorsOnly: true, path: 'inputs' })).toEqual([2]);
  });

  it('shows the calls dropped between the oldest and newest kept as one row, filtered or not', () => {
    const calls: Call[] = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? { fn: 'sched_yield' } : { fn: 'proc_raise' },
    );
    expect(rowsOf(calls, {}, 6)).toEqual([0, 1, 2, { dropped: 14 }, 17, 18, 19]);
    expect(rowsOf(calls, { fn: 'proc_raise' }, 6)).toEqual([1, { dropped: 14 }, 17, 19]);
  });

  it('goes on from where it stopped as records arrive, and leaves out those the trace stops keeping', () => {
    const store = new TraceStore(6, FDS);
    const filter = new TraceFilter(store, { ...NO_CRITERIA, fn: 'proc_raise' });
    const rows = () => {
      filter.scan(1000);
      const { count, row } = filter.rows();
      return Array.from({ length: count }, (_, i) => row(i));
    };
    store.append(batch(0, [{ fn: 'proc_raise' }, { fn: 'sched_yield' }, { fn: 'proc_raise' }, { fn: 'proc_raise' }]));
    expect(rows()).toEqual([{ seq: 0 }, { seq: 2 }, { seq: 3 }]);
    store.append(batch(4, [{ fn: 'proc_raise' }, { fn: 'sched_yield' }, { fn: 'proc_raise' }, { fn: 'proc_raise' }]));
    // Kept: 0, 1, 2 and 5, 6, 7; record 3 (a match) was kept at first, then dropped.
    expect(rows()).toEqual([{ seq: 0 }, { seq: 2 }, { dropped: 2 }, { seq: 6 }, { seq: 7 }]);
    expect(filter.rows().indexOf(6)).toBe(3);
    expect(filter.rows().indexOf(3)).toBe(-1);
  });

  it('forgets the matches of dropped records in bulk, so that they stay as bounded as the trace', () => {
    const store = new TraceStore(200_000, FDS);
    const filter = new TraceFilter(store, { ...NO_CRITERIA, fn: 'sched_yield' });
    for (let seq = 0; seq < 1_000_000; seq += 10_000) {
      store.append(
        batch(
          seq,
          Array.from({ length: 10_000 }, () => ({ fn: 'sched_yield' }) as const),
        ),
      );
      filter.scan(60_000);
    }
    expect(filter.rows().count).toBe(200_001);
    expect(filter.matched).toBeLessThanOrEqual(200_000 + 65_536);
  });
});
