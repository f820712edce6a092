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
  /** The resolution of clock `id` in nanoseconds, or null for a clock it does not have (EINVAL). */
  resolution(id: number): bigint | null;
}

/** Brine's clocks: realtime, monotonic and the two CPU-time clocks (read as monotonic), at 1 µs. */
const brineResolution = (id: number): bigint | null => (id >= 0 && id <= 3 ? 1000n : null);

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
    resolution: brineResolution,
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

/** splitmix64 from `seed`: a fast, well-mixed stream of 64-bit values. */
function splitmix64(seed: number): () => bigint {
  let state = BigInt(seed) ^ 0x9e3779b97f4a7c15n;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
}

export function seededEntropy(seed: number): Entropy {
  let elapsed = 0n;
  const next64 = splitmix64(seed);
  const tick = () => (elapsed += TICK_NS);
  return {
    realtime: () => DETERMINISTIC_EPOCH_NS + tick(),
    monotonic: () => tick(),
    resolution: brineResolution,
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

/** The seed of the random source wazero gives every module instance on Bacalhau (Go math/rand). */
const BACALHAU_RANDOM_SEED = 42;

/**
 * What one module instance gets on a Bacalhau node (docs/bacalhau-rules.md rt-random, rt-clocks):
 * real clocks, realtime at 1 µs and monotonic at 1 ns resolution, no CPU-time clocks, and a
 * random_get stream that starts again at seed 42 for every instance and every run, drawn as Go's
 * Rand.Read draws it (7 bytes of each 63-bit value, lowest first, leftovers kept for the next
 * call). The values come from splitmix64, not Go's additive generator, whose 607-value seed
 * table Brine does not ship: the bytes are as fixed as on Bacalhau, but not the same bytes.
 */
export function bacalhauEntropy(): Entropy {
  const real = realEntropy();
  const next64 = splitmix64(BACALHAU_RANDOM_SEED);
  let value = 0n;
  let left = 0;
  return {
    ...real,
    resolution: (id) => (id === 0 ? 1000n : id === 1 ? 1n : null),
    fillRandom(target) {
      for (let i = 0; i < target.byteLength; i++) {
        if (left === 0) {
          value = next64() & 0x7fffffffffffffffn;
          left = 7;
        }
        target[i] = Number(value & 0xffn);
        value >>= 8n;
        left--;
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
