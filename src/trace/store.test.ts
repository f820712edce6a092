import { describe, expect, it } from 'vitest';
import { batch, type Call } from '../../test/trace-records.js';
import { NO_ERRNO } from './record.js';
import { TraceStore } from './store.js';

const FDS = new Map([[1, '<stdout>']]);

const yields = (n: number): Call[] => Array.from({ length: n }, () => ({ fn: 'sched_yield' }));

describe('TraceStore', () => {
  it('keeps the oldest and newest halves of its limit and counts the calls dropped between', () => {
    const store = new TraceStore(10, FDS);
    for (let seq = 0; seq < 25; seq += 7) store.append(batch(seq, yields(Math.min(7, 25 - seq))));
    expect({ calls: store.calls, kept: store.kept, dropped: store.dropped }).toEqual({
      calls: 25,
      kept: 10,
      dropped: 15,
    });
    expect(Array.from({ length: store.kept }, (_, row) => store.seqAt(row))).toEqual([
      0, 1, 2, 3, 4, 20, 21, 22, 23, 24,
    ]);
    expect(store.record(5)).toBeUndefined();
    expect(store.record(20)).toMatchObject({ seq: 20, fn: 'sched_yield', start: 20 });
    expect([store.rowOf(4), store.rowOf(5), store.rowOf(19), store.rowOf(20), store.rowOf(25)]).toEqual([
      4, -1, -1, 5, -1,
    ]);
    expect([...store.entries()].map((entry) => ('seq' in entry ? entry.seq : entry))).toEqual([
      0,
      1,
      2,
      3,
      4,
      { dropped: 15 },
      20,
      21,
      22,
      23,
      24,
    ]);
  });

  it('counts every call in the summary by function, the dropped ones too', () => {
    const store = new TraceStore(2, FDS);
    store.append(
      batch(0, [
        { fn: 'sched_yield', dur: 2 },
        { fn: 'proc_raise', errno: 52, dur: 5 },
        { fn: 'sched_yield', dur: 3 },
        { fn: 'proc_raise', errno: NO_ERRNO, dur: 1 },
        { fn: 'sched_yield', dur: 4 },
      ]),
    );
    expect(store.summary()).toEqual({
      calls: 5,
      kept: 2,
      dropped: 3,
      byFunction: [
        { fn: 'sched_yield', count: 3, errors: 0, totalUs: 9 },
        { fn: 'proc_raise', count: 2, errors: 1, totalUs: 6 },
      ],
    });
  });

  it('keeps a record seen twice once (a read of the staging, then the batch the worker posts)', () => {
    const store = new TraceStore(100, FDS);
    expect(store.append(batch(0, yields(3)))).toBe(3);
    expect(store.append(batch(0, yields(5)))).toBe(2);
    expect(store.append(batch(0, yields(5)))).toBe(0);
    expect(store.append(batch(5, yields(1)))).toBe(1);
    expect(store.calls).toBe(6);
  });

  it('refuses a batch that starts past the records received (one before it is on its way)', () => {
    const store = new TraceStore(100, FDS);
    expect(store.append(batch(3, yields(2)))).toBe(0);
    expect(store.calls).toBe(0);
  });

  it('holds at most about its limit of records, however many calls are made', () => {
    const store = new TraceStore(1000, FDS);
    for (let seq = 0; seq < 200_000; seq += 5000) store.append(batch(seq, yields(5000)));
    expect({ kept: store.kept, dropped: store.dropped }).toEqual({ kept: 1000, dropped: 199_000 });
    // 1000 records of 5 words, plus at most one chunk of 64 Ki words being trimmed.
    expect(store.byteLength).toBeLessThan(1000 * 5 * 4 + 2 * 4 * 65536);
  });

  it('finds the record that wrote a byte of the log', () => {
    const store = new TraceStore(100, FDS);
    store.append(
      batch(0, [
        { fn: 'fd_write', log: [0, 6] },
        { fn: 'sched_yield' },
        { fn: 'fd_write', log: [6, 3] },
        { fn: 'fd_write', errno: 8 },
      ]),
    );
    expect([0, 5, 6, 8, 9].map((offset) => store.recordAtLogOffset(offset))).toEqual([0, 0, 2, 2, undefined]);
    expect(store.record(2)).toMatchObject({
      args: { fd: { fd: 1, path: '<stdout>' }, iovs: { iovs: 1, bytes: 3 } },
      result: { nwritten: 3 },
      log: { stream: 'stdout', offset: 6, bytes: 3 },
    });
  });
});
