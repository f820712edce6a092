import { describe, expect, it } from 'vitest';
import { type LogBatch, LogStaging } from '../protocol/log-staging.js';
import type { LogOptions } from '../protocol/messages.js';
import { LogBatcher } from './log-batcher.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const texts = (batch: LogBatch | null) =>
  batch?.events.map((e) => `${e.stream}:${dec(e.data)}@${batch.offsets[batch.events.indexOf(e)]}`);

function setup(options: Partial<LogOptions> = {}, hostReads = false) {
  let time = 1_000;
  const batches: LogBatch[] = [];
  const full = { batchBytes: 1024, flushMs: 100, capBytes: 1 << 20, ...options };
  const staging = new LogStaging(new SharedArrayBuffer(LogStaging.byteLength(full.batchBytes)));
  const batcher = new LogBatcher(
    full,
    staging,
    (batch) => batches.push(batch),
    () => time,
    hostReads,
  );
  return {
    batcher,
    staging,
    batches,
    advance: (ms: number) => {
      time += ms;
    },
    /** Every sent event as "stream:text", with batch boundaries as "|". */
    sent: () => batches.map((b) => b.events.map((e) => `${e.stream}:${dec(e.data)}`).join(' ')).join(' | '),
  };
}

describe('LogBatcher timing', () => {
  it('where the host reads the staging, the first writes wait there, each first one an event of its own', () => {
    const { batcher, staging, batches, advance, sent } = setup({}, true);
    batcher.write('stdout', enc('first'));
    batcher.write('stdout', enc('second'));
    batcher.write('stderr', enc('err'));
    expect(batches).toHaveLength(0);
    expect(texts(staging.peek())).toEqual(['stdout:first@0', 'stdout:second@5', 'stderr:err@11']);
    // flushMs after the start, a write goes out with what waited.
    advance(100);
    batcher.write('stdout', enc('late'));
    expect(sent()).toBe('stdout:first stdout:second stderr:err stdout:late');
  });

  it('sends the first write at once, holds writes within flushMs, sends a write after a quiet spell', () => {
    const { batcher, batches, advance, sent } = setup();
    batcher.write('stdout', enc('first'));
    expect(sent()).toBe('stdout:first');
    advance(10);
    batcher.write('stdout', enc('held-1'));
    advance(10);
    batcher.write('stdout', enc('held-2'));
    expect(batches).toHaveLength(1);
    // Not yet stale: still held.
    advance(50);
    batcher.flushIfStale();
    expect(batches).toHaveLength(1);
    // Stale: sent, merged into one event.
    advance(30);
    batcher.flushIfStale();
    expect(sent()).toBe('stdout:first | stdout:held-1held-2');
    expect(batches[1]!.events[0]!.timestamp).toBe(1_010);
    // Nothing staged: flushIfStale sends nothing.
    advance(1_000);
    batcher.flushIfStale();
    expect(batches).toHaveLength(2);
    // A write after a quiet spell goes out at once, with what was held.
    batcher.write('stderr', enc('quiet'));
    expect(sent()).toBe('stdout:first | stdout:held-1held-2 | stderr:quiet');
  });

  it('a write flushMs after the last flush goes out with the held writes before it', () => {
    const { batcher, advance, sent } = setup();
    batcher.write('stdout', enc('a'));
    advance(40);
    batcher.write('stdout', enc('b'));
    advance(60);
    batcher.write('stdout', enc('c'));
    expect(sent()).toBe('stdout:a | stdout:bc');
  });

  it('flush() sends held writes; with nothing staged it sends nothing', () => {
    const { batcher, batches, sent } = setup();
    batcher.write('stdout', enc('x'));
    batcher.write('stdout', enc('y'));
    batcher.flush();
    batcher.flush();
    expect(sent()).toBe('stdout:x | stdout:y');
    expect(batches).toHaveLength(2);
  });
});

describe('LogBatcher merging, order and offsets', () => {
  it('merges consecutive small writes into one event per stream run, in order, each with its offset in the output', () => {
    const { batcher, batches, sent } = setup();
    batcher.write('stdout', enc('start'));
    for (const [stream, text] of [
      ['stdout', 'a'],
      ['stdout', 'b'],
      ['stderr', 'c'],
      ['stderr', 'd'],
      ['stdout', 'e'],
      ['stderr', 'f'],
    ] as const) {
      batcher.write(stream, enc(text));
    }
    batcher.flush();
    // The first write of a stream goes out at once, in an event of its own (Bacalhau's result summary).
    expect(sent()).toBe('stdout:start | stdout:ab stderr:c | stderr:d stdout:e stderr:f');
    expect(texts(batches[1]!)).toEqual(['stdout:ab@5', 'stderr:c@7']);
    expect(texts(batches[2]!)).toEqual(['stderr:d@8', 'stdout:e@9', 'stderr:f@10']);
  });

  it('flushes when the staging is full', () => {
    const { batcher, batches } = setup({ batchBytes: 64 });
    batcher.write('stdout', enc('0'));
    for (let i = 0; i < 20; i++) batcher.write('stdout', enc('01234567'));
    // 160 bytes held in 8-byte writes: sent whenever 64 bytes are staged, without any time passing.
    expect(batches.length).toBeGreaterThanOrEqual(3);
    batcher.flush();
    expect(batches.flatMap((b) => b.events.map((e) => dec(e.data))).join('')).toBe(`0${'01234567'.repeat(20)}`);
    for (const batch of batches.slice(1, -1)) expect(batch.events[0]!.data.byteLength).toBe(64);
  });

  it('flushes when the staging has no room for another event (streams alternating)', () => {
    const { batcher, batches } = setup({ batchBytes: 4096, flushMs: 1e9 });
    for (let i = 0; i < 300; i++) batcher.write(i % 2 === 0 ? 'stdout' : 'stderr', enc('x'));
    batcher.flush();
    expect(batches.map((b) => b.events.length)).toEqual([1, 1, 256, 42]);
  });

  it('large writes go out at once, intact, after what was staged before them', () => {
    const { batcher, sent, batches } = setup({ batchBytes: 100 });
    batcher.write('stdout', enc('s'));
    const big = enc('B'.repeat(250));
    batcher.write('stdout', enc('x'));
    batcher.write('stdout', big);
    batcher.write('stderr', enc('y'));
    batcher.flush();
    expect(sent()).toBe(`stdout:s | stdout:x | stdout:${'B'.repeat(250)} | stderr:y`);
    expect(batches[2]!.offsets).toEqual([2]);
    // The big write is copied once (the caller's bytes may be a view of guest memory).
    big.fill(0);
    expect(dec(batches[2]!.events[0]!.data)).toBe('B'.repeat(250));
  });

  it('the bytes sent do not change when the staging is reused', () => {
    const { batcher, batches, advance } = setup({ batchBytes: 64 });
    batcher.write('stdout', enc('aaaa'));
    batcher.write('stdout', enc('bbbb'));
    batcher.flush();
    advance(1_000);
    batcher.write('stdout', enc('cccc'));
    batcher.write('stdout', enc('dddd'));
    batcher.flush();
    expect(batches.flatMap((b) => b.events.map((e) => dec(e.data)))).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd']);
  });
});

describe('LogBatcher cap', () => {
  it('drops bytes past the cap per stream and counts them', () => {
    const { batcher, sent } = setup({ capBytes: 10 });
    batcher.write('stdout', enc('12345678'));
    batcher.write('stdout', enc('abcd'));
    batcher.write('stdout', enc('efgh'));
    batcher.write('stderr', enc('errors'));
    batcher.flush();
    expect(sent()).toBe('stdout:12345678 | stdout:ab stderr:errors');
    expect(batcher.dropped).toEqual({ stdout: 6, stderr: 0 });
    batcher.write('stderr', enc('more errors'));
    batcher.flush();
    expect(batcher.dropped).toEqual({ stdout: 6, stderr: 7 });
    expect(sent()).toBe('stdout:12345678 | stdout:ab stderr:errors | stderr:more');
  });
});

describe('LogStaging as the host sees it', () => {
  it('peek copies what is staged and leaves it for the worker to post', () => {
    const { batcher, staging, batches, advance } = setup();
    expect(staging.peek()).toBeNull();
    batcher.write('stdout', enc('posted'));
    batcher.write('stderr', enc('posted'));
    advance(1);
    batcher.write('stdout', enc('held'));
    batcher.write('stderr', enc('!'));
    const seen = staging.peek();
    expect(texts(seen)).toEqual(['stdout:held@12', 'stderr:!@16']);
    expect(seen!.events[0]!.timestamp).toBe(1_001);
    // A copy: later writes to the staging do not change it.
    batcher.write('stderr', enc('?'));
    expect(dec(seen!.events[1]!.data)).toBe('!');
    batcher.flush();
    expect(texts(batches[2]!)).toEqual(['stdout:held@12', 'stderr:!?@16']);
    expect(staging.peek()).toBeNull();
  });

  it('works on a plain ArrayBuffer too (where SharedArrayBuffer is unavailable)', () => {
    const staging = new LogStaging(new ArrayBuffer(LogStaging.byteLength(64)));
    staging.stage('stderr', enc('e'), 5, 0);
    expect(texts(staging.drain())).toEqual(['stderr:e@0']);
    expect(staging.empty).toBe(true);
  });
});
