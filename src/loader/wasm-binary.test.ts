import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { capMemories, parseModule, WasmFormatError } from './wasm-binary.js';

const wabt = await wabtInit();
type Features = Parameters<typeof wabt.parseWat>[2];

/** Assembles WAT text into a binary module. */
function wat(text: string, features: Features = {}): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('test.wat', new TextEncoder().encode(text), features);
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Hand-assembles a module from `[id, ...payload]` sections (payloads under 128 bytes). */
function raw(...sections: number[][]): Uint8Array<ArrayBuffer> {
  const out = [...HEADER];
  for (const [id, ...payload] of sections) {
    expect(payload.length).toBeLessThan(128);
    out.push(id!, payload.length, ...payload);
  }
  return new Uint8Array(out);
}

/** A name: length, then UTF-8 bytes (under 128). */
function text(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [bytes.length, ...bytes];
}

/** Splits a module into its sections (test-side walker, independent of the code under test). */
function sections(bytes: Uint8Array): { id: number; payload: Uint8Array }[] {
  const out = [];
  for (let pos = 8; pos < bytes.length; ) {
    const id = bytes[pos++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[pos++]!;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    out.push({ id, payload: bytes.subarray(pos, pos + size) });
    pos += size;
  }
  return out;
}

/** Unsigned LEB128 encoding. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value % 128;
    value = Math.floor(value / 128);
    out.push(value > 0 ? byte | 0x80 : byte);
  } while (value > 0);
  return out;
}

/** The error parseModule throws for `bytes` (fails the test if it returns). */
function parseError(bytes: Uint8Array): WasmFormatError {
  try {
    parseModule(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(WasmFormatError);
    return error as WasmFormatError;
  }
  throw new Error('parseModule accepted the input');
}

/** true if parseModule accepts the input, false if it throws WasmFormatError; rethrows anything else. */
function accepts(bytes: Uint8Array): boolean {
  try {
    parseModule(bytes);
    return true;
  } catch (error) {
    if (error instanceof WasmFormatError) return false;
    throw error;
  }
}

const FULL = wat(`
  (module
    (type $binop (func (param i32 i64) (result i32)))
    (import "env" "binop" (func $binop (type $binop)))
    (import "env" "log" (func $log (param f32 f64 v128)))
    (import "env" "memory" (memory 1 16))
    (import "env" "table" (table 2 funcref))
    (import "env" "counter" (global $counter (mut i32)))
    (import "env" "pi" (global f64))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (table $refs 3 8 externref)
    (global $g (mut i64) (i64.const 7))
    (func $init)
    (func $sum (param i32 i32) (result i32 i64)
      (i32.add (local.get 0) (local.get 1))
      (i64.const 1))
    (export "sum" (func $sum))
    (export "binop" (func $binop))
    (export "memory" (memory 0))
    (export "refs" (table $refs))
    (export "g" (global $g))
    (start $init)
    (data (i32.const 0) "hi"))
`);

const DATACOUNT = wat(`
  (module
    (memory 1)
    (data $d "abc")
    (func (export "init") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d)))
`);
const TAGS = wat(
  '(module (import "env" "e" (tag (param i32))) (tag (export "t") (param i64)) (func (throw 1 (i64.const 1))))',
  {
    exceptions: true,
  },
);

const GROW = `
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))`;

describe('parseModule', () => {
  it('reads imports of every kind with signatures and limits', () => {
    expect(parseModule(FULL).imports).toEqual([
      { module: 'env', name: 'binop', kind: 'function', type: '(i32, i64) -> (i32)' },
      { module: 'env', name: 'log', kind: 'function', type: '(f32, f64, v128) -> ()' },
      { module: 'env', name: 'memory', kind: 'memory', limits: { min: 1, max: 16, shared: false, memory64: false } },
      {
        module: 'env',
        name: 'table',
        kind: 'table',
        type: 'funcref',
        limits: { min: 2, shared: false, memory64: false },
      },
      { module: 'env', name: 'counter', kind: 'global', type: 'mut i32' },
      { module: 'env', name: 'pi', kind: 'global', type: 'f64' },
      { module: 'wasi_snapshot_preview1', name: 'proc_exit', kind: 'function', type: '(i32) -> ()' },
    ]);
  });

  it('reads exports, tables, start and code size', () => {
    const info = parseModule(FULL);
    expect(info.exports).toEqual([
      { name: 'sum', kind: 'function', type: '(i32, i32) -> (i32, i64)' },
      { name: 'binop', kind: 'function', type: '(i32, i64) -> (i32)' },
      { name: 'memory', kind: 'memory' },
      { name: 'refs', kind: 'table' },
      { name: 'g', kind: 'global' },
    ]);
    expect(info.tables).toEqual([{ min: 3, max: 8, shared: false, memory64: false }]);
    expect(info.memories).toEqual([]);
    expect(info.hasStartSection).toBe(true);
    expect(info.codeSize).toBeGreaterThan(0);
  });

  it('reads defined memories, shared and 64-bit limits, and tags', () => {
    const shared = parseModule(wat('(module (memory 2) (memory 1 4 shared))', { threads: true }));
    expect(shared.memories).toEqual([
      { min: 2, shared: false, memory64: false },
      { min: 1, max: 4, shared: true, memory64: false },
    ]);
    expect(shared).toMatchObject({ hasStartSection: false, codeSize: 0, imports: [], exports: [], tables: [] });

    const wide = parseModule(wat('(module (memory i64 3 70000))', { memory64: true }));
    expect(wide.memories).toEqual([{ min: 3, max: 70000, shared: false, memory64: true }]);

    const tags = parseModule(
      wat('(module (import "env" "e" (tag (param i32))) (tag (export "t") (param i64 f32)))', { exceptions: true }),
    );
    expect(tags.imports).toEqual([{ module: 'env', name: 'e', kind: 'tag', type: '(i32) -> ()' }]);
    expect(tags.exports).toEqual([{ name: 't', kind: 'tag' }]);
  });

  it('agrees with the engine on imports and exports', () => {
    const modules = [
      FULL,
      wat(`(module (memory (export "memory") 1) ${GROW})`),
      wat('(module (import "a" "b" (memory 1 2 shared)) (import "" "" (func)) (export "" (func 0)))', {
        threads: true,
      }),
      wat('(module (import "env" "e" (tag)) (tag (export "t") (param i64)) (export "e" (tag 0)))', {
        exceptions: true,
      }),
      wat('(module (import "ünï" "cödé ✓" (global i64)) (export "x" (global 0)) (table (export "t") 1 externref))'),
    ];
    for (const bytes of modules) {
      const info = parseModule(bytes);
      const module = new WebAssembly.Module(bytes);
      expect(info.imports.map(({ module, name, kind }) => ({ module, name, kind }))).toEqual(
        WebAssembly.Module.imports(module),
      );
      expect(info.exports.map(({ name, kind }) => ({ name, kind }))).toEqual(WebAssembly.Module.exports(module));
    }
  });

  it('accepts custom sections anywhere and keeps a leading BOM in names', () => {
    const bytes = raw(
      [0, ...text('first'), 1, 2, 3],
      [2, 1, ...text('\uFEFFenv'), ...text('m'), 2, 0, 1],
      [0, ...text('between')],
      [4, 1, 0x70, 0, 0],
      [0, ...text('last')],
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    const info = parseModule(bytes);
    expect(info.imports).toEqual([
      { module: '\uFEFFenv', name: 'm', kind: 'memory', limits: { min: 1, shared: false, memory64: false } },
    ]);
    expect(info.imports[0]!.module).toBe(WebAssembly.Module.imports(new WebAssembly.Module(bytes))[0]!.module);
  });

  it('reads GC type forms (rec groups, subtypes, structs, arrays)', () => {
    const types = [
      1,
      2,
      0x4e,
      2, // rec group of two types
      0x5f,
      2,
      0x7f,
      1,
      0x78,
      0, // 0: struct (field (mut i32)) (field i8)
      0x50,
      0,
      0x60,
      1,
      0x63,
      0x00,
      1,
      0x64,
      0x6e, // 1: sub (func (param (ref null 0)) (result (ref any)))
      0x5e,
      0x77,
      1, // 2: array (mut i16)
    ];
    const importFunc = (type: number) =>
      raw(types, [
        2,
        3,
        ...text('m'),
        ...text('f'),
        0,
        type,
        ...text('m'),
        ...text('g'),
        3,
        0x71,
        0,
        ...text('m'),
        ...text('h'),
        3,
        0x63,
        0x73,
        1,
      ]);
    expect(parseModule(importFunc(1)).imports).toEqual([
      { module: 'm', name: 'f', kind: 'function', type: '((ref null 0)) -> ((ref any))' },
      { module: 'm', name: 'g', kind: 'global', type: 'nullref' },
      { module: 'm', name: 'h', kind: 'global', type: 'mut (ref null nofunc)' },
    ]);
    expect(parseError(importFunc(0)).message).toMatch(/type 0 is not a function type/);
    expect(parseError(importFunc(3)).message).toMatch(/type index 3 out of range/);
    expect(parseError(raw([1, 1, 0x40, 0, 0])).message).toMatch(/unsupported type form 0x40 \(at byte offset 11\)/);
  });
});

describe('capMemories', () => {
  const memory = (bytes: Uint8Array) => parseModule(bytes).memories[0];

  it('sets an absent max to the limit, and the engine enforces it', async () => {
    const original = wat(`(module (memory (export "memory") 1) ${GROW})`);
    const capped = capMemories(original, 4);
    expect(memory(capped)).toEqual({ min: 1, max: 4, shared: false, memory64: false });
    expect(WebAssembly.validate(capped)).toBe(true);

    const { instance } = await WebAssembly.instantiate(capped);
    const { grow, size } = instance.exports as { grow: (pages: number) => number; size: () => number };
    expect(grow(2)).toBe(1);
    expect(grow(1)).toBe(3);
    expect(size()).toBe(4);
    expect(grow(1)).toBe(-1);
    expect(size()).toBe(4);

    const uncapped = (await WebAssembly.instantiate(original)).instance.exports as { grow: (pages: number) => number };
    expect(uncapped.grow(10)).toBe(1);
  });

  it('lowers a larger max, keeps a smaller one, and returns the input when nothing changes', () => {
    expect(memory(capMemories(wat('(module (memory 1 65536))'), 4))).toMatchObject({ min: 1, max: 4 });
    const small = wat('(module (memory 1 2))');
    expect(capMemories(small, 4)).toBe(small);
    const exact = wat('(module (memory 0 4))');
    expect(capMemories(exact, 4)).toBe(exact);
    const none = wat('(module (func))');
    expect(capMemories(none, 4)).toBe(none);
  });

  it('caps imported memories, which the engine then checks at link time', async () => {
    const capped = capMemories(wat('(module (import "env" "memory" (memory 1)))'), 4);
    expect(parseModule(capped).imports[0]!.limits).toEqual({ min: 1, max: 4, shared: false, memory64: false });
    await expect(
      WebAssembly.instantiate(capped, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } }),
    ).resolves.toBeDefined();
    await expect(
      WebAssembly.instantiate(capped, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }),
    ).rejects.toThrow(WebAssembly.LinkError);

    // imported and defined memories together (multi-memory: parsed only, Node 20's engine lacks it)
    const both = parseModule(capMemories(wat('(module (import "env" "memory" (memory 1)) (memory 2 3))'), 2));
    expect(both.imports[0]!.limits).toMatchObject({ min: 1, max: 2 });
    expect(both.memories).toEqual([{ min: 2, max: 2, shared: false, memory64: false }]);
  });

  it('keeps shared memories shared and leaves memory64 alone', () => {
    const capped = capMemories(wat('(module (memory 1 100 shared))', { threads: true }), 8);
    expect(memory(capped)).toEqual({ min: 1, max: 8, shared: true, memory64: false });
    expect(WebAssembly.validate(capped)).toBe(true);

    const wide = wat('(module (memory i64 1))', { memory64: true });
    expect(capMemories(wide, 8)).toBe(wide);
  });

  it('re-encodes section sizes and copies every other section byte for byte', () => {
    // A long import name makes the import section size a 2-byte LEB.
    const long = 'x'.repeat(200);
    const original = wat(
      `(module (import "env" "${long}" (memory 1 65536)) (memory 3) ${GROW} (data (i32.const 0) "abc"))`,
    );
    const capped = capMemories(original, 3);
    const info = parseModule(capped);
    expect(info.imports[0]).toMatchObject({ name: long, limits: { min: 1, max: 3 } });
    expect(info.memories).toEqual([{ min: 3, max: 3, shared: false, memory64: false }]);
    // the import limits shrink by two bytes (max 65536 -> 3), the defined memory grows by one (max added)
    expect(capped.length).toBe(original.length - 1);
    const before = sections(original);
    const after = sections(capped);
    expect(after.map((s) => s.id)).toEqual([1, 2, 3, 5, 7, 10, 11]);
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    before.forEach((section, i) => {
      if (section.id !== 2 && section.id !== 5) expect(after[i]!.payload).toEqual(section.payload);
    });
  });

  it('rejects a memory whose minimum is above the limit, and bad limits', () => {
    expect(() => capMemories(wat('(module (memory 5))'), 4)).toThrow(WasmFormatError);
    expect(() => capMemories(wat('(module (memory 5))'), 4)).toThrow(/memory 0 needs 5 pages, above the limit of 4/);
    expect(() => capMemories(wat('(module (memory 1))'), 1.5)).toThrow(RangeError);
    expect(() => capMemories(wat('(module (memory 1))'), 65537)).toThrow(RangeError);
    expect(() => capMemories(new Uint8Array([1, 2, 3]), 4)).toThrow(WasmFormatError);
  });
});

describe('malformed input', () => {
  const header = (...rest: number[]) => new Uint8Array([...HEADER, ...rest]);

  it.each([
    ['empty input', new Uint8Array(), /bad magic/],
    ['magic only', new Uint8Array(HEADER.slice(0, 4)), /truncated header: missing version \(at byte offset 4\)/],
    ['version 2', new Uint8Array([...HEADER.slice(0, 4), 2, 0, 0, 0]), /unsupported version 2;/],
    [
      'a component',
      new Uint8Array([...HEADER.slice(0, 4), 0x0d, 0, 1, 0]),
      /unsupported version 65549 \(a WebAssembly component/,
    ],
    ['section larger than the file', header(1, 0x7f, 0), /type section size 127 exceeds the 1 bytes left/],
    ['LEB overflow', header(1, 0x80, 0x80, 0x80, 0x80, 0x10), /u32 LEB128 overflow \(at byte offset 9\)/],
    ['over-long LEB', header(1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), /u32 LEB128 overflow/],
    ['unknown section', raw([14]), /unknown section id 14/],
    ['duplicate section', raw([1, 0], [1, 0]), /duplicate type section/],
    ['out-of-order section', raw([2, 0], [1, 0]), /type section out of order/],
    ['tag after global', raw([6, 0], [13, 0]), /tag section out of order/],
    ['section with bytes left over', raw([5, 1, 0, 0, 0]), /memory section size mismatch: 1 unread bytes/],
    ['section too short for its contents', raw([5, 1, 1]), /unexpected end of memory section/],
    [
      'invalid UTF-8 name',
      raw([2, 1, 1, 0xff, ...text('m'), 2, 0, 1]),
      /name is not valid UTF-8 \(at byte offset 11\)/,
    ],
    ['invalid UTF-8 custom section name', raw([0, 2, 0xc3, 0x28]), /name is not valid UTF-8/],
    ['unknown import kind', raw([2, 1, ...text('m'), ...text('x'), 5, 0]), /unknown import kind 0x05/],
    ['unknown value type', raw([1, 1, 0x60, 1, 0x40, 0]), /unknown value type 0x40/],
    ['invalid limits flags', raw([5, 1, 0x08, 0]), /invalid memory limits flags 0x08/],
    ['shared table', raw([4, 1, 0x70, 3, 1, 1]), /invalid table limits flags 0x03/],
    ['shared memory without max', raw([5, 1, 2, 1]), /shared memory must have a maximum/],
    ['minimum above maximum', raw([5, 1, 1, 2, 1]), /limits minimum 2 exceeds maximum 1/],
    [
      'memory64 size above 2^53',
      raw([5, 1, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
      /above 2\^53/,
    ],
    ['functions without code', raw([1, 1, 0x60, 0, 0], [3, 1, 0]), /declares 1 functions but the code section has 0/],
    ['datacount without data', raw([12, 1]), /datacount section declares 1 segments but the data section has 0/],
    [
      'export of a missing function',
      raw([7, 1, ...text('f'), 0, 0]),
      /export "f" refers to function 0, but there are only 0/,
    ],
    ['duplicate export name', raw([5, 1, 0, 1], [7, 2, 0, 2, 0, 0, 2, 0]), /duplicate export name ""/],
    ['unknown export kind', raw([7, 1, ...text('f'), 9, 0]), /unknown export kind 0x09/],
    ['start function out of range', raw([8, 0]), /start function 0 out of range/],
  ])('rejects %s', (_, bytes, message) => {
    expect(parseError(bytes).message).toMatch(message);
    expect(WebAssembly.validate(bytes)).toBe(false);
  });

  it('rejects a huge count without allocating or looping', () => {
    const bytes = header(2, 5, 0xff, 0xff, 0xff, 0xff, 0x0f);
    const start = performance.now();
    expect(parseError(bytes).message).toMatch(/import count 4294967295 exceeds the 0 bytes left in the import section/);
    expect(performance.now() - start).toBeLessThan(1000); // a loop over 2^32 entries would take minutes
  });

  it('rejects every truncation of a valid module except the ones the engine also accepts', () => {
    for (const bytes of [FULL, DATACOUNT, TAGS]) {
      const accepted: number[] = [];
      for (let length = 0; length < bytes.length; length++) {
        const prefix = bytes.subarray(0, length);
        if (accepts(prefix)) accepted.push(length);
        expect(accepts(prefix), `prefix of ${length} bytes`).toBe(WebAssembly.validate(prefix));
      }
      // Only section boundaries can form a complete module (the bare 8-byte header is a valid empty module).
      const boundaries = sections(bytes).map((s) => s.payload.byteOffset + s.payload.length - bytes.byteOffset);
      expect(accepted[0]).toBe(8);
      for (const length of accepted.slice(1)) expect(boundaries).toContain(length);
      expect(accepts(bytes)).toBe(true);
    }
  });
});

describe('robustness', () => {
  /** mulberry32: a small seeded PRNG. */
  function prng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  it('never throws anything but WasmFormatError on mutated modules, and accepts what the engine validates', () => {
    const random = prng(0x5eed);
    const pick = (n: number) => Math.floor(random() * n);
    const bases = [FULL, DATACOUNT, TAGS, wat(`(module (memory (export "memory") 1) ${GROW})`)];
    const outcomes = { accepted: 0, rejected: 0 };
    let parseTime = 0;
    for (let i = 0; i < 2000; i++) {
      const base = bases[i % bases.length]!;
      let mutant = base.slice();
      for (let flips = 1 + pick(3); flips > 0; flips--) mutant[pick(mutant.length)] = pick(256);
      if (random() < 0.1) mutant = mutant.subarray(0, pick(mutant.length));

      const start = performance.now();
      const ok = accepts(mutant);
      parseTime += performance.now() - start;
      outcomes[ok ? 'accepted' : 'rejected']++;

      const valid = WebAssembly.validate(mutant);
      if (valid) expect(ok, `case ${i}`).toBe(true);
      if (!ok) continue;
      try {
        const capped = capMemories(mutant, 2);
        if (valid) expect(WebAssembly.validate(capped), `capped case ${i}`).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(WasmFormatError);
      }
    }
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(1000);
    expect(parseTime).toBeLessThan(2000); // ~50 ms on a quiet machine: a guard against pathological inputs, not a benchmark
  });

  it('skips large sections by size', () => {
    const payload = 10 * 1024 * 1024;
    const name = text('blob');
    const memory = wat(`(module (memory 1) ${GROW})`);
    const big = new Uint8Array(memory.length + 1 + leb(name.length + payload).length + name.length + payload);
    big.set(memory);
    big.set([0, ...leb(name.length + payload), ...name], memory.length);
    expect(WebAssembly.validate(big)).toBe(true);

    // The fastest of a few runs, so a GC pause or a preempted thread does not count. Parsing takes
    // microseconds; reading the 10 MiB payload byte by byte would take milliseconds.
    const fastest = (work: () => void) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        work();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    expect(parseModule(big).memories).toEqual([{ min: 1, shared: false, memory64: false }]);
    expect(fastest(() => parseModule(big))).toBeLessThan(5);

    const capped = capMemories(big, 4);
    expect(capped.length).toBe(big.length + 1);
    expect(parseModule(capped).memories[0]!.max).toBe(4);
    expect(fastest(() => capMemories(big, 4))).toBeLessThan(100); // one copy of the bytes
  });
});
