import { describe, expect, it } from 'vitest';
import { type BatchOptions, LogBatcher } from './batcher.js';
import type { LogEvent } from './types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup(options: Partial<BatchOptions> = {}) {
  let time = 1_000;
  const batches: LogEvent[][] = [];
  const batcher = new LogBatcher(
    { batchBytes: 1024, flushMs: 100, capBytes: 1 << 20, ...options },
    (events) => batches.push(events),
    () => time,
  );
  return {
    batcher,
    batches,
    advance: (ms: number) => void (time += ms),
    /** Every sent event as "stream:text", with batch boundaries as "|". */
    sent: () => batches.map((b) => b.map((e) => `${e.stream}:${dec(e.data)}`).join(' ')).join(' | '),
  };
}

describe('LogBatcher timing', () => {
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
    expect(batches[1]![0]!.timestamp).toBe(1_010);
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

describe('LogBatcher merging and order', () => {
  it('merges consecutive small writes into one event per stream run, in order', () => {
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
    expect(sent()).toBe('stdout:start | stdout:ab stderr:cd stdout:e stderr:f');
    expect(batches[1]).toHaveLength(4);
  });

  it('flushes when batchBytes are pending', () => {
    const { batcher, batches } = setup({ batchBytes: 64 });
    batcher.write('stdout', enc('0'));
    for (let i = 0; i < 20; i++) batcher.write('stdout', enc('0123456789'.slice(0, 8)));
    // 160 bytes held in 8-byte writes: sent every 64 bytes without any time passing.
    expect(batches.length).toBeGreaterThanOrEqual(3);
    batcher.flush();
    const all = batches.flat().map((e) => dec(e.data)).join('');
    expect(all).toBe(`0${'01234567'.repeat(20)}`);
    for (const batch of batches.slice(1, -1)) {
      expect(batch.reduce((n, e) => n + e.data.byteLength, 0)).toBeGreaterThanOrEqual(64);
    }
  });

  it('large writes go through intact (and unsplit) between small ones', () => {
    const { batcher, sent, batches } = setup({ batchBytes: 100 });
    batcher.write('stdout', enc('s'));
    const big = enc('B'.repeat(250));
    batcher.write('stdout', enc('x'));
    batcher.write('stdout', big);
    batcher.write('stderr', enc('y'));
    batcher.flush();
    expect(sent()).toBe(`stdout:s | stdout:x stdout:${'B'.repeat(250)} | stderr:y`);
    // The big write is copied once (the caller's bytes may be a view of guest memory).
    expect(batches[1]![1]!.data).not.toBe(big);
    big.fill(0);
    expect(dec(batches[1]![1]!.data)).toBe('B'.repeat(250));
  });

  it('the bytes sent do not change when the staging buffer is reused', () => {
    const { batcher, batches, advance } = setup({ batchBytes: 64 });
    batcher.write('stdout', enc('aaaa'));
    batcher.write('stdout', enc('bbbb'));
    batcher.flush();
    advance(1_000);
    batcher.write('stdout', enc('cccc'));
    batcher.write('stdout', enc('dddd'));
    batcher.flush();
    expect(batches.flat().map((e) => dec(e.data))).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd']);
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

describe('LogBatcher staging compaction', () => {
  it('copies a mostly empty staging buffer out at its used size', () => {
    const { batcher, batches } = setup({ batchBytes: 1024 });
    batcher.write('stdout', enc('hello'));
    const [event] = batches[0]!;
    expect(dec(event!.data)).toBe('hello');
    expect(event!.data.byteLength).toBe(5);
    expect(event!.data.buffer.byteLength).toBe(5);
    expect(event!.data.byteOffset).toBe(0);
  });

  it('hands over a mostly full staging buffer whole and starts a new one', () => {
    const { batcher, batches, advance } = setup({ batchBytes: 1024 });
    batcher.write('stdout', enc('first'));
    const chunk = new Uint8Array(100).fill(7);
    for (let i = 0; i < 4; i++) batcher.write('stdout', chunk);
    batcher.flush();
    const [event] = batches[1]!;
    expect(event!.data.byteLength).toBe(400);
    expect(event!.data.buffer.byteLength).toBe(1024);
    // The next batch uses a different buffer: the one handed over is not written again.
    advance(1_000);
    batcher.write('stdout', new Uint8Array(300).fill(9));
    batcher.flush();
    expect(batches[2]![0]!.data.buffer).not.toBe(event!.data.buffer);
    expect(event!.data.every((b) => b === 7)).toBe(true);
  });

  it('a staging buffer that fills up is handed over and later writes go to a fresh one', () => {
    const { batcher, batches } = setup({ batchBytes: 1024, flushMs: 1e9 });
    batcher.write('stdout', enc('0'));
    const a = new Uint8Array(400).fill(1);
    const b = new Uint8Array(400).fill(2);
    const c = new Uint8Array(400).fill(3);
    batcher.write('stdout', a);
    batcher.write('stdout', b);
    batcher.write('stdout', c); // does not fit after a and b: a new staging buffer
    batcher.flush();
    const events = batches.slice(1).flat();
    const joined = new Uint8Array(events.reduce((n, e) => n + e.data.byteLength, 0));
    let at = 0;
    for (const e of events) {
      joined.set(e.data, at);
      at += e.data.byteLength;
    }
    expect(joined.byteLength).toBe(1200);
    expect(joined.subarray(0, 400).every((x) => x === 1)).toBe(true);
    expect(joined.subarray(400, 800).every((x) => x === 2)).toBe(true);
    expect(joined.subarray(800).every((x) => x === 3)).toBe(true);
    expect(new Set(events.map((e) => e.data.buffer)).size).toBe(2);
  });
});
