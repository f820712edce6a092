import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { GROW_HOOK_MODULE, GROW_HOOK_NAME, type Instrumented, instrumentGrows } from './grow-hooks.js';
import { leb128, WasmFormatError } from './wasm-binary.js';

const wabt = await wabtInit();
type Features = Parameters<typeof wabt.parseWat>[2];

/** Assembles WAT text into a binary module. */
function wat(text: string, features: Features = {}, names = false): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('test.wat', new TextEncoder().encode(text), features);
  try {
    return new Uint8Array(module.toBinary({ write_debug_names: names }).buffer);
  } finally {
    module.destroy();
  }
}

function rewritten(result: Instrumented): Extract<Instrumented, { kind: 'rewritten' }> {
  if (result.kind !== 'rewritten') throw new Error(`expected a rewrite, got ${JSON.stringify(result)}`);
  return result;
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function section(id: number, payload: number[]): number[] {
  return [id, ...leb128(payload.length), ...payload];
}

/** A module of one memory and one function of type () -> () whose body (without locals) is `code`. */
function oneFunction(code: number[]): Uint8Array {
  const body = [0, ...code]; // no locals
  return new Uint8Array([
    ...HEADER,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(10, [1, ...leb128(body.length), ...body]),
  ]);
}

/** The sections of a module, walked by the test itself. */
function sections(bytes: Uint8Array): { id: number; payload: Uint8Array }[] {
  const out = [];
  for (let pos = 8; pos < bytes.length; ) {
    const id = bytes[pos++]!;
    const [size, after] = readLeb(bytes, pos);
    out.push({ id, payload: bytes.subarray(after, after + size) });
    pos = after + size;
  }
  return out;
}

function readLeb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
  }
}

/** The code of the first function body of a module, without its locals (which oneFunction leaves empty). */
function firstBody(bytes: Uint8Array): number[] {
  const code = sections(bytes).find((s) => s.id === 10)!.payload;
  const [, sizeAt] = readLeb(code, 0);
  const [size, bodyAt] = readLeb(code, sizeAt);
  return [...code.subarray(bodyAt + 1, bodyAt + size)];
}

/** memory.grow 0, then drop and end: what follows every instruction under test. */
const GROW = [0x40, 0x00];
const TAIL = [0x1a, 0x0b];
/** What GROW becomes: i32.const 0; call 0 (the hook, the only imported function). */
const HOOK_CALL = [0x41, 0x00, 0x10, 0x00];

/**
 * Instructions with every kind of immediate, by hand, so the test does not share the decoder's
 * tables. Their immediates are 0x40 wherever the encoding allows, and memory.grow 0 (0x40 0x00)
 * follows each: a decoder that reads too little takes an immediate for a memory.grow of memory
 * 64 (and fails), one that reads too much eats the real memory.grow. Function indices (call,
 * return_call, ref.func) are renumbered: `out` is what they become.
 */
const SIXTEEN = Array.from({ length: 16 }, () => 0x40);
const INSTRUCTIONS: { name: string; bytes: number[]; out?: number[] }[] = [
  { name: 'unreachable', bytes: [0x00] },
  { name: 'nop', bytes: [0x01] },
  { name: 'block (empty type)', bytes: [0x02, 0x40, 0x0b] },
  { name: 'loop (value type)', bytes: [0x03, 0x7f, 0x0b] },
  { name: 'if/else (type index 64, two bytes)', bytes: [0x04, 0xc0, 0x00, 0x05, 0x0b] },
  { name: 'block (type index 128)', bytes: [0x02, 0x80, 0x01, 0x0b] },
  { name: 'block (ref null -64)', bytes: [0x02, 0x63, 0x40, 0x0b] },
  { name: 'block (ref 64)', bytes: [0x02, 0x64, 0xc0, 0x00, 0x0b] },
  { name: 'try/catch/catch_all', bytes: [0x06, 0x40, 0x07, 0x40, 0x19, 0x0b] },
  { name: 'try/delegate', bytes: [0x06, 0x40, 0x18, 0x40] },
  {
    name: 'try_table with every catch kind',
    bytes: [0x1f, 0x40, 4, 0x00, 0x40, 0x40, 0x01, 0x40, 0x40, 0x02, 0x40, 0x03, 0x40, 0x0b],
  },
  { name: 'throw', bytes: [0x08, 0x40] },
  { name: 'rethrow', bytes: [0x09, 0x40] },
  { name: 'throw_ref', bytes: [0x0a] },
  { name: 'br', bytes: [0x0c, 0x40] },
  { name: 'br_if', bytes: [0x0d, 0x40] },
  { name: 'br_table', bytes: [0x0e, 2, 0x40, 0x40, 0x40] },
  { name: 'return', bytes: [0x0f] },
  { name: 'call 64', bytes: [0x10, 0x40], out: [0x10, 0x41] },
  { name: 'call 127 (renumbered into two bytes)', bytes: [0x10, 0x7f], out: [0x10, 0x80, 0x01] },
  { name: 'call 5 (padded)', bytes: [0x10, 0x85, 0x80, 0x80, 0x80, 0x00], out: [0x10, 0x06] },
  { name: 'call_indirect', bytes: [0x11, 0x40, 0x40] },
  { name: 'return_call', bytes: [0x12, 0x40], out: [0x12, 0x41] },
  { name: 'return_call_indirect', bytes: [0x13, 0x40, 0x40] },
  { name: 'call_ref', bytes: [0x14, 0x40] },
  { name: 'return_call_ref', bytes: [0x15, 0x40] },
  { name: 'drop', bytes: [0x1a] },
  { name: 'select', bytes: [0x1b] },
  { name: 'select with types', bytes: [0x1c, 2, 0x7f, 0x63, 0x40] },
  { name: 'local.get', bytes: [0x20, 0x40] },
  { name: 'local.set', bytes: [0x21, 0x40] },
  { name: 'local.tee (padded 64)', bytes: [0x22, 0xc0, 0x00] },
  { name: 'global.get', bytes: [0x23, 0x40] },
  { name: 'global.set', bytes: [0x24, 0x40] },
  { name: 'table.get', bytes: [0x25, 0x40] },
  { name: 'table.set', bytes: [0x26, 0x40] },
  { name: 'i32.load', bytes: [0x28, 0x02, 0x40] },
  { name: 'i64.store with a memory index', bytes: [0x37, 0x43, 0x40, 0x40] },
  { name: 'i64.load offset=2^41 (64-bit memory)', bytes: [0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40] },
  { name: 'i64.store32', bytes: [0x3e, 0x02, 0x40] },
  { name: 'memory.size', bytes: [0x3f, 0x40] },
  { name: 'i32.const -64', bytes: [0x41, 0x40] },
  { name: 'i32.const 64', bytes: [0x41, 0xc0, 0x00] },
  { name: 'i64.const -64', bytes: [0x42, 0x40] },
  { name: 'f32.const', bytes: [0x43, 0x40, 0x40, 0x40, 0x40] },
  { name: 'f64.const', bytes: [0x44, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40] },
  { name: 'i32.eqz', bytes: [0x45] },
  { name: 'i32.add', bytes: [0x6a] },
  { name: 'f64.reinterpret_i64', bytes: [0xbf] },
  { name: 'i64.extend32_s', bytes: [0xc4] },
  { name: 'ref.null', bytes: [0xd0, 0x40] },
  { name: 'ref.is_null', bytes: [0xd1] },
  { name: 'ref.func 64', bytes: [0xd2, 0x40], out: [0xd2, 0x41] },
  { name: 'ref.eq', bytes: [0xd3] },
  { name: 'ref.as_non_null', bytes: [0xd4] },
  { name: 'br_on_null', bytes: [0xd5, 0x40] },
  { name: 'br_on_non_null', bytes: [0xd6, 0x40] },
  { name: 'struct.new', bytes: [0xfb, 0x00, 0x40] },
  { name: 'struct.get', bytes: [0xfb, 0x02, 0x40, 0x40] },
  { name: 'struct.set', bytes: [0xfb, 0x05, 0x40, 0x40] },
  { name: 'array.new_default', bytes: [0xfb, 0x07, 0x40] },
  { name: 'array.new_fixed', bytes: [0xfb, 0x08, 0x40, 0x40] },
  { name: 'array.new_elem', bytes: [0xfb, 0x0a, 0x40, 0x40] },
  { name: 'array.set', bytes: [0xfb, 0x0e, 0x40] },
  { name: 'array.len', bytes: [0xfb, 0x0f] },
  { name: 'array.fill', bytes: [0xfb, 0x10, 0x40] },
  { name: 'array.copy', bytes: [0xfb, 0x11, 0x40, 0x40] },
  { name: 'array.init_elem', bytes: [0xfb, 0x13, 0x40, 0x40] },
  { name: 'ref.test', bytes: [0xfb, 0x14, 0x40] },
  { name: 'ref.cast null', bytes: [0xfb, 0x17, 0x40] },
  { name: 'br_on_cast', bytes: [0xfb, 0x18, 0x40, 0x40, 0x40, 0x40] },
  { name: 'br_on_cast_fail', bytes: [0xfb, 0x19, 0x40, 0x40, 0x40, 0x40] },
  { name: 'any.convert_extern', bytes: [0xfb, 0x1a] },
  { name: 'i31.get_u', bytes: [0xfb, 0x1e] },
  { name: 'i64.trunc_sat_f64_u', bytes: [0xfc, 0x07] },
  { name: 'memory.init', bytes: [0xfc, 0x08, 0x40, 0x40] },
  { name: 'data.drop', bytes: [0xfc, 0x09, 0x40] },
  { name: 'memory.copy', bytes: [0xfc, 0x0a, 0x40, 0x40] },
  { name: 'memory.fill', bytes: [0xfc, 0x0b, 0x40] },
  { name: 'table.init', bytes: [0xfc, 0x0c, 0x40, 0x40] },
  { name: 'elem.drop', bytes: [0xfc, 0x0d, 0x40] },
  { name: 'table.copy', bytes: [0xfc, 0x0e, 0x40, 0x40] },
  { name: 'table.grow', bytes: [0xfc, 0x0f, 0x40] },
  { name: 'table.size', bytes: [0xfc, 0x10, 0x40] },
  { name: 'table.fill', bytes: [0xfc, 0x11, 0x40] },
  { name: 'i64.add128', bytes: [0xfc, 0x13] },
  { name: 'i64.mul_wide_u', bytes: [0xfc, 0x16] },
  { name: 'v128.load', bytes: [0xfd, 0x00, 0x04, 0x40] },
  { name: 'v128.load64_splat', bytes: [0xfd, 0x0a, 0x03, 0x40] },
  { name: 'v128.store', bytes: [0xfd, 0x0b, 0x04, 0x40] },
  { name: 'v128.const', bytes: [0xfd, 0x0c, ...SIXTEEN] },
  { name: 'i8x16.shuffle', bytes: [0xfd, 0x0d, ...SIXTEEN] },
  { name: 'i8x16.swizzle', bytes: [0xfd, 0x0e] },
  { name: 'f64x2.splat', bytes: [0xfd, 0x14] },
  { name: 'i8x16.extract_lane_s', bytes: [0xfd, 0x15, 0x40] },
  { name: 'f64x2.replace_lane', bytes: [0xfd, 0x22, 0x40] },
  { name: 'i8x16.eq', bytes: [0xfd, 0x23] },
  { name: 'v128.any_true', bytes: [0xfd, 0x53] },
  { name: 'v128.load8_lane', bytes: [0xfd, 0x54, 0x00, 0x40, 0x40] },
  { name: 'v128.store64_lane', bytes: [0xfd, 0x5b, 0x03, 0x40, 0x40] },
  { name: 'v128.load32_zero', bytes: [0xfd, 0x5c, 0x02, 0x40] },
  { name: 'v128.load64_zero', bytes: [0xfd, 0x5d, 0x03, 0x40] },
  { name: 'f32x4.demote_f64x2_zero', bytes: [0xfd, 0x5e] },
  { name: 'i32x4.add', bytes: [0xfd, 0xae, 0x01] },
  { name: 'i32x4.relaxed_trunc_f32x4_s', bytes: [0xfd, 0x81, 0x02] },
  { name: 'i32x4.relaxed_dot_i8x16_i7x16_add_s', bytes: [0xfd, 0x93, 0x02] },
  { name: 'memory.atomic.notify', bytes: [0xfe, 0x00, 0x02, 0x40] },
  { name: 'memory.atomic.wait64', bytes: [0xfe, 0x02, 0x03, 0x40] },
  { name: 'atomic.fence', bytes: [0xfe, 0x03, 0x40] },
  { name: 'i32.atomic.load', bytes: [0xfe, 0x10, 0x02, 0x40] },
  { name: 'i32.atomic.rmw.cmpxchg', bytes: [0xfe, 0x48, 0x02, 0x40] },
  { name: 'i64.atomic.rmw32.cmpxchg_u', bytes: [0xfe, 0x4e, 0x02, 0x40] },
];

describe('instrumentGrows: decoding', () => {
  it.each(INSTRUCTIONS)('steps over $name and finds the memory.grow after it', ({ bytes, out = bytes }) => {
    const result = rewritten(instrumentGrows(oneFunction([...bytes, ...GROW, ...TAIL])));
    expect(firstBody(result.bytes)).toEqual([...out, ...HOOK_CALL, ...TAIL]);
  });

  it('steps over all of them in one body, in a row', () => {
    const all = INSTRUCTIONS.flatMap((i) => i.bytes);
    const out = INSTRUCTIONS.flatMap((i) => i.out ?? i.bytes);
    const result = rewritten(instrumentGrows(oneFunction([...GROW, 0x1a, ...all, ...GROW, ...TAIL])));
    expect(firstBody(result.bytes)).toEqual([...HOOK_CALL, 0x1a, ...out, ...HOOK_CALL, ...TAIL]);
  });

  it('finds a memory.grow whose memory index is padded (0x40 0x80 0x00)', () => {
    const result = rewritten(instrumentGrows(oneFunction([0x40, 0x80, 0x00, ...TAIL])));
    expect(firstBody(result.bytes)).toEqual([...HOOK_CALL, ...TAIL]);
  });

  it('leaves a module whose immediates hold 0x40 0x00 but that has no memory.grow unchanged', () => {
    expect(instrumentGrows(oneFunction([0x11, 0x40, 0x00, 0x41, 0xc0, 0x00, 0x1a, 0x0b]))).toEqual({
      kind: 'unchanged',
    });
  });

  it.each([
    ['an unassigned opcode', [0x27]],
    ['an unknown 0xFC instruction', [0xfc, 0x12]],
    ['an unknown 0xFD instruction', [0xfd, 0x94, 0x02]],
    ['an unknown 0xFE instruction', [0xfe, 0x04]],
    ['an unknown 0xFB instruction', [0xfb, 0x1f]],
    ['an unknown catch kind', [0x1f, 0x40, 1, 0x04, 0x00, 0x0b]],
  ])('refuses %s (WasmFormatError): the module is then compiled as it is', (_name, bytes) => {
    expect(() => instrumentGrows(oneFunction([...bytes, ...GROW, ...TAIL]))).toThrow(WasmFormatError);
  });

  it('refuses a memory.grow of a memory the module does not have, and a body that runs past its end', () => {
    const growOfMemory1 = [...GROW, 0x1a, 0x40, 0x01, ...TAIL];
    expect(() => instrumentGrows(oneFunction(growOfMemory1))).toThrow(/memory\.grow of memory 1, of 1/);
    expect(() => instrumentGrows(oneFunction([...GROW, 0x1a]))).toThrow(WasmFormatError);
  });
});

describe('instrumentGrows: modules', () => {
  it('leaves modules without a memory or without memory.grow unchanged', () => {
    expect(instrumentGrows(wat('(module (func (export "f") (result i32) (i32.const 64)))'))).toEqual({
      kind: 'unchanged',
    });
    expect(instrumentGrows(wat('(module (memory 1) (func (export "f") (result i32) (memory.size)))'))).toEqual({
      kind: 'unchanged',
    });
  });

  it('imports the hook and the memories the module defined; the rewrite validates and behaves the same', async () => {
    const source = `(module
      (import "env" "add" (func $add (param i32 i32) (result i32)))
      (memory (export "memory") 1 4)
      (data (i32.const 0) "\\2a")
      (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "run") (param i32) (result i32)
        (call $add (call $double (memory.grow (local.get 0))) (i32.load8_u (i32.const 0)))))`;
    const original = wat(source);
    const result = rewritten(instrumentGrows(original));
    expect(WebAssembly.validate(result.bytes)).toBe(true);
    expect(result.hooks).toEqual({
      module: GROW_HOOK_MODULE,
      memories: [{ module: GROW_HOOK_MODULE, name: 'memory0', provided: true, minimum: 1, maximum: 4, shared: false }],
    });
    expect(WebAssembly.Module.imports(new WebAssembly.Module(result.bytes))).toEqual([
      { module: 'env', name: 'add', kind: 'function' },
      { module: GROW_HOOK_MODULE, name: GROW_HOOK_NAME, kind: 'function' },
      { module: GROW_HOOK_MODULE, name: 'memory0', kind: 'memory' },
    ]);

    const env = { add: (a: number, b: number) => a + b };
    const plain = new WebAssembly.Instance(new WebAssembly.Module(original), { env }).exports;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const calls: [number, number][] = [];
    const grow = (delta: number, index: number) => {
      calls.push([delta, index]);
      try {
        return memory.grow(delta);
      } catch {
        return -1;
      }
    };
    const hooked = new WebAssembly.Instance(new WebAssembly.Module(result.bytes), {
      env,
      [GROW_HOOK_MODULE]: { [GROW_HOOK_NAME]: grow, memory0: memory },
    }).exports;
    const runs = (exports: WebAssembly.Exports) => [1, 2, 5, 0].map((n) => (exports.run as (n: number) => number)(n));
    expect(runs(hooked)).toEqual(runs(plain)); // [1*2+42, 2*2+42, -1*2+42, 4*2+42]
    expect(calls).toEqual([
      [1, 0],
      [2, 0],
      [5, 0],
      [0, 0],
    ]);
    expect(hooked.memory).toBe(memory);
  });

  it('renumbers function indices in the name section (function and local names)', () => {
    const bytes = wat(
      `(module
        (import "env" "f" (func $imported))
        (memory 1)
        (func $first (param $x i32) (drop (memory.grow (local.get $x))))
        (func $second (call $first (i32.const 1))))`,
      {},
      true,
    );
    const names = functionNames(rewritten(instrumentGrows(bytes)).bytes);
    expect(names).toEqual({ 0: 'imported', 2: 'first', 3: 'second' });
  });

  it('drops custom sections that address code by offset, and keeps the others', () => {
    const custom = (name: string) => section(0, [...leb128(name.length), ...new TextEncoder().encode(name), 1, 2, 3]);
    const base = oneFunction([0x41, 0x01, ...GROW, ...TAIL]);
    const bytes = new Uint8Array([
      ...base,
      ...custom('.debug_info'),
      ...custom('producers'),
      ...custom('sourceMappingURL'),
      ...custom('metadata.code.branch_hint'),
    ]);
    const out = rewritten(instrumentGrows(bytes)).bytes;
    const module = new WebAssembly.Module(out);
    expect(WebAssembly.Module.customSections(module, 'producers')).toHaveLength(1);
    for (const name of ['.debug_info', 'sourceMappingURL', 'metadata.code.branch_hint']) {
      expect(WebAssembly.Module.customSections(module, name)).toHaveLength(0);
    }
  });

  it('takes another import module name when the module imports from "brine:memory" itself', () => {
    const result = rewritten(
      instrumentGrows(
        wat(`(module (import "brine:memory" "x" (func)) (memory 1) (func (drop (memory.grow (i32.const 1)))))`),
      ),
    );
    expect(result.hooks.module).toBe(`${GROW_HOOK_MODULE}#2`);
  });

  it('keeps an imported memory where it is imported from, and a shared memory shared', () => {
    const result = rewritten(
      instrumentGrows(
        wat(`(module (import "lib" "mem" (memory 1 8 shared)) (func (drop (memory.grow (i32.const 1)))))`, {
          threads: true,
        }),
      ),
    );
    expect(WebAssembly.validate(result.bytes)).toBe(true);
    expect(result.hooks.memories).toEqual([
      { module: 'lib', name: 'mem', provided: false, minimum: 1, maximum: 8, shared: true },
    ]);
  });

  it('with several memories, passes the memory index to the hook and keeps every index', () => {
    // Neither Node's engine nor wabt's validator has multi-memory (wabt's parser does, untyped): the bytes are checked instead.
    const multiMemory = { multi_memory: true } as Features;
    const result = rewritten(
      instrumentGrows(
        wat(
          `(module (import "lib" "a" (memory 1)) (memory 2) (memory 3)
             (func (export "f") (drop (memory.grow 2 (i32.const 1))) (drop (memory.grow 0 (i32.const 1)))))`,
          multiMemory,
        ),
      ),
    );
    expect(
      result.hooks.memories.map(({ module, name, provided, minimum }) => [module, name, provided, minimum]),
    ).toEqual([
      ['lib', 'a', false, 1],
      [GROW_HOOK_MODULE, 'memory1', true, 2],
      [GROW_HOOK_MODULE, 'memory2', true, 3],
    ]);
    expect(firstBody(result.bytes)).toEqual([0x41, 1, 0x41, 2, 0x10, 0, 0x1a, 0x41, 1, 0x41, 0, 0x10, 0, 0x1a, 0x0b]);
  });

  it('does not hook a grow of a 64-bit memory (reported as not observed)', () => {
    const bytes = wat('(module (memory i64 1) (func (drop (memory.grow (i64.const 1)))))', { memory64: true });
    expect(instrumentGrows(bytes)).toEqual({
      kind: 'unobservable',
      reason: 'memory.grow on a 64-bit memory is not observed',
    });
  });

  it('renumbers indices in every feature Node runs: tail calls, exceptions, SIMD, bulk memory, reference types', async () => {
    const features = { tail_call: true, exceptions: true, simd: true, bulk_memory: true, reference_types: true };
    const source = `(module
      (import "env" "log" (func $log (param i32)))
      (tag $oops (param i32))
      (memory 1)
      (table $t 2 funcref)
      (elem (table $t) (i32.const 0) funcref (ref.func $seven) (ref.func $nine))
      (type $get (func (result i32)))
      (func $seven (result i32) (i32.const 7))
      (func $nine (result i32) (return_call $seven))
      (func $throws (param i32) (throw $oops (local.get 0)))
      (func (export "run") (result i32)
        (local $v v128)
        (local.set $v (v128.const i32x4 64 0 64 0))
        (call $log (memory.grow (i32.const 1)))
        (memory.fill (i32.const 0) (i32.const 64) (i32.const 16))
        (try (result i32)
          (do (call $throws (i32.add (i32x4.extract_lane 0 (local.get $v)) (call_indirect (type $get) (i32.const 1)))) (i32.const 0))
          (catch $oops))))`;
    const original = wat(source, features);
    const result = rewritten(instrumentGrows(original));
    expect(WebAssembly.validate(result.bytes)).toBe(true);
    const logs: number[] = [];
    const env = { log: (n: number) => logs.push(n) };
    const plain = new WebAssembly.Instance(new WebAssembly.Module(original), { env }).exports;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const hooked = new WebAssembly.Instance(new WebAssembly.Module(result.bytes), {
      env,
      [GROW_HOOK_MODULE]: { [GROW_HOOK_NAME]: (delta: number) => memory.grow(delta), memory0: memory },
    }).exports;
    expect((hooked.run as () => number)()).toBe(71);
    expect((plain.run as () => number)()).toBe(71);
    expect(logs).toEqual([1, 1]);
  });
});

/** Function names (index → name) from the name section's subsection 1. */
function functionNames(bytes: Uint8Array<ArrayBuffer>): Record<number, string> {
  const [payload] = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'name');
  const data = new Uint8Array(payload!);
  const names: Record<number, string> = {};
  for (let pos = 0; pos < data.length; ) {
    const id = data[pos++]!;
    const [size, start] = readLeb(data, pos);
    pos = start + size;
    if (id !== 1) continue;
    let [count, at] = readLeb(data, start);
    for (; count > 0; count--) {
      const [index, nameAt] = readLeb(data, at);
      const [length, textAt] = readLeb(data, nameAt);
      names[index] = new TextDecoder().decode(data.subarray(textAt, textAt + length));
      at = textAt + length;
    }
  }
  return names;
}
