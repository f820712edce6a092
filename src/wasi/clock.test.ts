import { describe, expect, it } from 'vitest';
import { realEntropy, seededEntropy } from './clock.js';

const random = (entropy: ReturnType<typeof seededEntropy>, n: number) => {
  const out = new Uint8Array(n);
  entropy.fillRandom(out);
  return out;
};

describe('seededEntropy', () => {
  it('gives the same bytes for the same seed and different bytes for other seeds', () => {
    const a = random(seededEntropy(42), 64);
    const b = random(seededEntropy(42), 64);
    expect(b).toEqual(a);
    expect(random(seededEntropy(43), 64)).not.toEqual(a);
    expect(random(seededEntropy(0), 64)).not.toEqual(a);
    expect(random(seededEntropy(0), 64)).toEqual(random(seededEntropy(0), 64));
    // The bytes are not trivially degenerate.
    expect(new Set(a).size).toBeGreaterThan(20);
  });

  it('the stream does not depend on how it is chunked into calls of multiples of 8', () => {
    const whole = random(seededEntropy(7), 32);
    const e = seededEntropy(7);
    expect(new Uint8Array([...random(e, 8), ...random(e, 16), ...random(e, 8)])).toEqual(whole);
    // Successive calls continue the stream rather than repeat it.
    const f = seededEntropy(7);
    expect(random(f, 16)).not.toEqual(random(f, 16));
  });

  it('fills odd lengths and large buffers', () => {
    expect(random(seededEntropy(1), 13)).toEqual(random(seededEntropy(1), 16).subarray(0, 13));
    const big = random(seededEntropy(1), 100_000);
    expect(big.subarray(99_990).some((x) => x !== 0)).toBe(true);
  });

  it('clocks are deterministic, start at 2000-01-01 and advance monotonically', () => {
    const a = seededEntropy(5);
    const b = seededEntropy(5);
    const readsA = [a.realtime(), a.monotonic(), a.realtime(), a.monotonic()];
    const readsB = [b.realtime(), b.monotonic(), b.realtime(), b.monotonic()];
    expect(readsA).toEqual(readsB);
    const epoch = BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n;
    expect(readsA[0]! - epoch).toBeGreaterThan(0n);
    expect(readsA[0]! - epoch).toBeLessThan(1_000_000n);
    let last = 0n;
    for (let i = 0; i < 1000; i++) {
      const now = a.monotonic();
      expect(now > last).toBe(true);
      last = now;
    }
    // The clock does not depend on the seed.
    expect(seededEntropy(1).monotonic()).toBe(seededEntropy(2).monotonic());
  });

  it('sleep advances time without waiting', () => {
    const e = seededEntropy(9);
    const before = e.monotonic();
    const wallBefore = e.realtime();
    const started = performance.now();
    e.sleep(3_600_000_000_000n); // an hour
    expect(performance.now() - started).toBeLessThan(1_000);
    const after = e.monotonic();
    expect(after - before).toBeGreaterThanOrEqual(3_600_000_000_000n);
    expect(after - before).toBeLessThan(3_600_000_000_000n + 1_000_000n);
    expect(e.realtime() - wallBefore).toBeGreaterThanOrEqual(3_600_000_000_000n);
  });
});

describe('realEntropy', () => {
  it('realtime is close to Date.now() in nanoseconds', () => {
    const e = realEntropy();
    const now = BigInt(Date.now()) * 1_000_000n;
    const diff = e.realtime() - now;
    expect(diff < 0n ? -diff : diff).toBeLessThan(1_000_000_000n);
  });

  it('monotonic never goes back and sleep waits about as long as asked', () => {
    const e = realEntropy();
    const t0 = e.monotonic();
    e.sleep(20_000_000n);
    const t1 = e.monotonic();
    expect(t1 - t0).toBeGreaterThanOrEqual(15_000_000n);
    expect(e.monotonic() >= t1).toBe(true);
    e.sleep(0n);
  });

  it('fills buffers larger than 64 KiB with random bytes', () => {
    const e = realEntropy();
    const buffer = new Uint8Array(200_000);
    e.fillRandom(buffer);
    // Each 64 KiB chunk got its own bytes.
    const chunks = [0, 65_536, 131_072].map((at) => buffer.subarray(at, at + 32));
    expect(chunks[0]).not.toEqual(chunks[1]);
    expect(chunks[1]).not.toEqual(chunks[2]);
    expect(buffer.subarray(196_608).some((x) => x !== 0)).toBe(true);
    expect(new Set(buffer.subarray(0, 4096)).size).toBeGreaterThan(200);
  });
});
