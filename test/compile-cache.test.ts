import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CompileCache, type InstrumentedStore } from '../src/loader/compile-cache.js';
import type { Instrumented } from '../src/loader/grow-hooks.js';
import { leb128 } from '../src/loader/wasm-binary.js';

const growSteps = new Uint8Array(readFileSync(new URL('../fixtures/wat/grow_steps.wasm', import.meta.url)));

/** `bytes` with a custom section of `size` zero bytes appended: the same code, as large as wanted. */
function padded(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const payload = [1, 0x78, ...new Uint8Array(size)];
  return new Uint8Array([...bytes, 0, ...leb128(payload.length), ...payload]);
}

function memoryStore(): InstrumentedStore & { saved: Map<string, Instrumented>; gets: number } {
  const saved = new Map<string, Instrumented>();
  return {
    saved,
    gets: 0,
    async get(key) {
      this.gets++;
      return saved.get(key);
    },
    async set(key, value) {
      saved.set(key, value);
    },
  };
}

const compile = async (cache: CompileCache, bytes: Uint8Array) => cache.compile(await cache.inspect(bytes), bytes, 100);

it("keeps a large module's memory.grow rewrite in the store, and a later session takes it from there", async () => {
  const bytes = padded(growSteps, 1 << 20);
  const store = memoryStore();
  const first = await compile(new CompileCache({ store }), bytes);
  expect(first.grows).toBeDefined();
  expect([...store.saved.values()].map((v) => v.kind)).toEqual(['rewritten']);
  // What the store says is what the next session uses: here, a rewrite it could not make.
  const [key] = store.saved.keys();
  store.saved.set(key!, { kind: 'unobservable', reason: 'as the store has it' });
  const later = await compile(new CompileCache({ store }), bytes);
  expect(later).toMatchObject({ unobserved: 'as the store has it' });
});

it('rewrites small modules again instead of storing them, and a store that fails changes nothing', async () => {
  const store = memoryStore();
  expect((await compile(new CompileCache({ store }), growSteps)).grows).toBeDefined();
  expect(store.gets).toBe(0);
  const failing: InstrumentedStore = {
    get: () => Promise.reject(new Error('disk gone')),
    set: () => Promise.reject(new Error('disk full')),
  };
  expect((await compile(new CompileCache({ store: failing }), padded(growSteps, 1 << 20))).grows).toBeDefined();
});
