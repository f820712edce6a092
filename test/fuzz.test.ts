// A seeded fuzzer: mutated fixture modules run through the whole executor. Every case must end
// as a typed compile/link error, a trap, a timeout or a normal result: never an uncaught
// exception, a crashed worker or a hang. FUZZ_CASES sets the number of cases (1000 in CI;
// `npm run fuzz` runs 100,000), FUZZ_SEED the seed.
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/errors/index.js';
import { executor, fixture, job, newId, prng } from './helpers.js';

const CASES = Number(process.env['FUZZ_CASES'] ?? 1000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);

/** Small modules of every shape the fuzzer starts from. */
const SEEDS = [
  'c/hello.wasm',
  'c/exit_code.wasm',
  'wat/grow_loop.wasm',
  'wat/imports_memory.wasm',
  'wat/max_big.wasm',
  'wat/exit_start.wasm',
].map(fixture);

const EXPECTED_FAILURES: readonly ErrorCode[] = [
  'ModuleCompileError',
  'ModuleLoadError',
  'UnknownModuleError',
  'WASIError',
  'EntrypointError',
  'MemoryLimitError',
  'GuestTrap',
];

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  let out = bytes.slice();
  for (let edits = 1 + int(8); edits > 0; edits--) {
    const at = int(out.byteLength);
    const kind = int(10);
    if (kind < 6)
      out[at] = int(256); // overwrite a byte
    else if (kind < 8)
      out[at] = (out[at]! + (random() < 0.5 ? 1 : 255)) & 0xff; // nudge a LEB or an opcode
    else if (kind < 9)
      out = out.slice(0, at); // truncate
    else {
      const length = 1 + int(32); // duplicate a slice
      const copy = new Uint8Array(out.byteLength + length);
      copy.set(out.subarray(0, at));
      copy.set(out.subarray(at, at + length), at);
      copy.set(out.subarray(at), at + Math.min(length, out.byteLength - at));
      out = copy;
    }
  }
  return out;
}

describe(`fuzzer (${CASES} cases, seed ${SEED})`, () => {
  it(
    'every mutated module ends in a typed error, a trap, a timeout or a normal result',
    async () => {
      const random = prng(SEED);
      const ex = executor({ maxWorkers: 2, logCapBytes: 4096, fsQuotaBytes: 1 << 20 });
      const outcomes = new Map<string, number>();
      const batch = 8;
      for (let done = 0; done < CASES; done += batch) {
        const cases = Array.from({ length: Math.min(batch, CASES - done) }, () =>
          mutate(SEEDS[Math.floor(random() * SEEDS.length)]!, random),
        );
        const results = await Promise.all(
          cases.map((bytes) =>
            ex.run({
              executionId: newId(),
              job: job(bytes, { resources: { memory: '8MiB' }, timeouts: { executionTimeout: 2 } }),
            }),
          ),
        );
        for (const [i, result] of results.entries()) {
          const label = result.state === 'failed' ? `failed:${result.error?.code}` : result.state;
          outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
          if (result.state === 'failed' && !EXPECTED_FAILURES.includes(result.error!.code)) {
            throw new Error(`case ${done + i}: unexpected ${result.error?.code}: ${result.errorMsg}`);
          }
          expect(['completed', 'failed', 'timedOut']).toContain(result.state);
        }
      }
      console.info(`fuzzer outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
      expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
    },
    Math.max(120_000, CASES * 200),
  );
});
