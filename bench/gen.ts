// Generated modules: P5's import graphs (WAT through wabt) and P7's code-heavy module (10 MB of
// code, written as binary directly).
import wabtInit from 'wabt';

export interface Graph {
  /** Mount target → module bytes. */
  modules: Map<string, Uint8Array>;
  entry: string;
}

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

async function wat(text: string): Promise<Uint8Array> {
  wabt ??= wabtInit();
  const module = (await wabt).parseWat('bench.wat', text);
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** m0 → m1 → … → m(n-1): each imports `f` from the next and exports an `f` calling it. */
export async function chain(n: number): Promise<Graph> {
  const modules = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) {
    const body =
      i === n - 1
        ? `(func (export "f") (result i32) (i32.const ${i}))`
        : `(import "m${i + 1}.wasm" "f" (func $next (result i32)))
           (func (export "f") (result i32) (i32.add (call $next) (i32.const 1)))`;
    modules.set(`m${i}.wasm`, await wat(`(module ${body})`));
  }
  return { modules, entry: 'm0.wasm' };
}

/** An entry importing `f` from each of n leaves (each leaf different, so none compiles from another's cache). */
export async function fanOut(n: number): Promise<Graph> {
  const modules = new Map<string, Uint8Array>();
  const imports: string[] = [];
  const calls: string[] = [];
  for (let i = 0; i < n; i++) {
    modules.set(`l${i}.wasm`, await wat(`(module (func (export "f") (result i32) (i32.const ${i})))`));
    imports.push(`(import "l${i}.wasm" "f" (func $l${i} (result i32)))`);
    calls.push(`(call $l${i}) (i32.add)`);
  }
  modules.set(
    'entry.wasm',
    await wat(`(module ${imports.join(' ')} (func (export "f") (result i32) (i32.const 0) ${calls.join(' ')}))`),
  );
  return { modules, entry: 'entry.wasm' };
}

/**
 * The graph with a custom section holding `salt` appended to every module: the same modules for
 * the loader, but new bytes, so no compile cache (Brine's or V8's own) has seen them.
 */
export function salted(graph: Graph, salt: number): Graph {
  const section = new Bytes().name('salt').u32(salt);
  const suffix = new Bytes().section(0, section).bytes();
  const modules = new Map(
    [...graph.modules].map(([target, bytes]) => [target, new Bytes().append(bytes).append(suffix).bytes()]),
  );
  return { modules, entry: graph.entry };
}

/** A growable byte buffer with WebAssembly's encodings. */
class Bytes {
  private buf = new Uint8Array(1024);
  length = 0;

  byte(...values: number[]): this {
    if (this.length + values.length > this.buf.length) this.grow(values.length);
    for (const value of values) this.buf[this.length++] = value;
    return this;
  }

  u32(value: number): this {
    do {
      const low = value & 0x7f;
      value >>>= 7;
      this.byte(value === 0 ? low : low | 0x80);
    } while (value !== 0);
    return this;
  }

  i32(value: number): this {
    for (;;) {
      const low = value & 0x7f;
      value >>= 7;
      if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) return this.byte(low);
      this.byte(low | 0x80);
    }
  }

  name(text: string): this {
    const encoded = new TextEncoder().encode(text);
    return this.u32(encoded.length).append(encoded);
  }

  append(bytes: Uint8Array): this {
    if (this.length + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** A vector or section: its length, then its bytes. */
  sized(content: Bytes): this {
    return this.u32(content.length).append(content.bytes());
  }

  section(id: number, content: Bytes): this {
    return this.byte(id).sized(content);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private grow(needed: number): void {
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + needed));
    grown.set(this.bytes());
    this.buf = grown;
  }
}

/**
 * A WASI command with `functions` functions of about `bodyBytes` bytes of code each (integer
 * arithmetic on a local, different for each `seed`) that are never called; `_start` writes "."
 * to stdout, after growing its memory by a page when `grow` is set (then every instruction is
 * decoded to instrument the grow). 1,000 × 10,500 bytes is a 10.5 MB code section.
 */
export function codeHeavy(seed: number, { grow = false, functions = 1000, bodyBytes = 10_500 } = {}): Uint8Array {
  const I32 = 0x7f;
  const types = new Bytes()
    .u32(2)
    .byte(0x60, 4, I32, I32, I32, I32, 1, I32) // 0: fd_write (i32 i32 i32 i32) -> i32
    .byte(0x60, 0, 0); // 1: () -> ()
  const imports = new Bytes().u32(1).name('wasi_snapshot_preview1').name('fd_write').byte(0x00, 0);
  const declared = new Bytes().u32(functions + 1);
  for (let i = 0; i <= functions; i++) declared.u32(1);
  const memory = new Bytes().u32(1).byte(0x00, 1); // one page, no maximum
  const exports = new Bytes().u32(2).name('memory').byte(0x02, 0).name('_start').byte(0x00, 1);

  const code = new Bytes().u32(functions + 1);
  // _start: (memory.grow 1, result dropped,) fd_write(1, iovs = 0, 1 iovec, nwritten = 16), result dropped.
  const start = new Bytes().u32(0);
  if (grow) start.byte(0x41, 1, 0x40, 0, 0x1a);
  start.byte(0x41, 1, 0x41, 0, 0x41, 1, 0x41, 16, 0x10, 0, 0x1a, 0x0b);
  code.sized(start);
  let state = seed * 2654435761 + 1;
  for (let f = 0; f < functions; f++) {
    const body = new Bytes().u32(1).u32(1).byte(I32); // one i32 local
    while (body.length < bodyBytes) {
      state = (state * 1103515245 + 12345) >>> 0;
      // local0 = (local0 + c) * c'
      body
        .byte(0x20, 0)
        .byte(0x41)
        .i32(state >>> 12)
        .byte(0x6a)
        .byte(0x41)
        .i32(state & 0xfff)
        .byte(0x6c)
        .byte(0x21, 0);
    }
    code.sized(body.byte(0x0b));
  }
  // Data: the iovec {buf = 8, len = 1} at 0, then "." at 8.
  const data = new Bytes().u32(1).byte(0x00, 0x41, 0, 0x0b).u32(9).byte(8, 0, 0, 0, 1, 0, 0, 0, 0x2e);

  return new Bytes()
    .byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00)
    .section(1, types)
    .section(2, imports)
    .section(3, declared)
    .section(5, memory)
    .section(7, exports)
    .section(10, code)
    .section(11, data)
    .bytes();
}
