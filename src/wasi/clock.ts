/**
 * Time and randomness for a guest: the host's real clocks and crypto random by default, or,
 * when the job has a seed, a deterministic clock and generator so runs are reproducible.
 */
export interface Entropy {
  /** Wall clock, nanoseconds since the epoch. */
  realtime(): bigint;
  /** Monotonic clock, nanoseconds. */
  monotonic(): bigint;
  /** Lets `ns` pass (a guest sleep). */
  sleep(ns: bigint): void;
  fillRandom(target: Uint8Array): void;
}

/** 2000-01-01T00:00:00Z, where deterministic wall clocks start. */
const DETERMINISTIC_EPOCH_NS = 946_684_800_000_000_000n;
/** Each deterministic clock read advances time by 1 µs, so loops measuring time still progress. */
const TICK_NS = 1000n;

export function realEntropy(): Entropy {
  const origin = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
  const monotonic = () => BigInt(Math.round(performance.now() * 1e6));
  return {
    realtime: () => origin + monotonic(),
    monotonic,
    sleep: (ns) => blockFor(Number(ns / 1_000_000n)),
    fillRandom(target) {
      // getRandomValues takes at most 64 KiB, and no view of a SharedArrayBuffer.
      const chunk = new Uint8Array(Math.min(target.byteLength, 65536));
      for (let at = 0; at < target.byteLength; at += chunk.byteLength) {
        const part = chunk.subarray(0, Math.min(chunk.byteLength, target.byteLength - at));
        crypto.getRandomValues(part);
        target.set(part, at);
      }
    },
  };
}

export function seededEntropy(seed: number): Entropy {
  let elapsed = 0n;
  let state = BigInt(seed) ^ 0x9e3779b97f4a7c15n;
  // splitmix64
  const next64 = () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
  const tick = () => (elapsed += TICK_NS);
  return {
    realtime: () => DETERMINISTIC_EPOCH_NS + tick(),
    monotonic: () => tick(),
    sleep: (ns) => {
      elapsed += ns;
    },
    fillRandom(target) {
      for (let at = 0; at < target.byteLength; at += 8) {
        let word = next64();
        for (let i = at; i < Math.min(at + 8, target.byteLength); i++, word >>= 8n) target[i] = Number(word & 0xffn);
      }
    },
  };
}

/** Blocks the calling thread: Atomics.wait where shared memory exists, else a busy wait. */
function blockFor(ms: number): void {
  if (ms <= 0) return;
  if (typeof SharedArrayBuffer === 'function') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return;
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // No timer can run while a guest's host call blocks; spinning is the only way to wait.
  }
}
