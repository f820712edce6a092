/**
 * Makes every memory.grow of a module visible to the host. A refused memory.grow returns -1
 * inside the guest and never reaches JavaScript, so the module is rewritten before it is compiled:
 *
 * - a function import `grow(delta: i32, memory: i32) -> i32` is added after the module's own
 *   function imports, and every `memory.grow m` in a function body becomes `i32.const m; call grow`;
 * - the function import shifts every defined function's index by one, so every function index
 *   is renumbered: call, return_call and ref.func in bodies and constant expressions (globals,
 *   table initialisers, element segments), element segments' index lists, exports, the start
 *   function and the name section (function, local and label names);
 * - the memories the module defines become imports of the same limits, appended after its own
 *   memory imports (so every memory keeps its index): the host makes them, and so holds every
 *   memory a hook may have to grow, even during a start function.
 *
 * Every instruction is decoded (all opcodes and immediates, with the 0xFB GC, 0xFC, 0xFD SIMD and
 * 0xFE atomics prefixes), so no byte of an immediate is taken for an opcode. Everything else is
 * copied as it is, except custom sections that address code by byte offset (DWARF, source maps,
 * code metadata), which the rewrite would make wrong: they are dropped.
 *
 * Modules without a memory or without a memory.grow are left alone; a byte scan rules out most
 * modules without memory.grow before any instruction is decoded.
 */
import { WASM_MAX_PAGES } from '../spec/memory.js';
import { moduleLayout, Reader, type SectionRange, WasmFormatError } from './wasm-binary.js';

/** The import module of the hook and of the memories the host makes; another if the module imports from this one. */
export const GROW_HOOK_MODULE = 'brine:memory';
/** The hook's import name. */
export const GROW_HOOK_NAME = 'grow';

/** A memory of an instrumented module, where the host finds (or makes) it. */
export interface HookedMemory {
  /** Import module and name: one of the module's own memory imports, or the hook module for a memory the host makes. */
  module: string;
  name: string;
  /** Whether the host makes it (the module defined it). */
  provided: boolean;
  /** Limits, in pages, as the module declares them. */
  minimum: number;
  maximum?: number;
  shared: boolean;
}

/** What the host must provide an instrumented module under `module`: the hook, and the memories it makes. */
export interface GrowHooks {
  module: string;
  /** Every memory of the module, by memory index. */
  memories: HookedMemory[];
}

export type Instrumented =
  /** Nothing to observe: no memory, or no memory.grow. */
  | { kind: 'unchanged' }
  | { kind: 'rewritten'; bytes: Uint8Array<ArrayBuffer>; hooks: GrowHooks }
  /** The module grows a memory this rewrite cannot hook (a 64-bit memory). */
  | { kind: 'unobservable'; reason: string };

const I32 = 0x7f;
/** The hook's type, appended to the type section: (i32, i32) -> (i32). */
const HOOK_TYPE = [0x60, 2, I32, I32, 1, I32];
const SECTION = { custom: 0, type: 1, import: 2, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9 };
const CODE_SECTION = 10;
const KIND_FUNCTION = 0;
const KIND_MEMORY = 2;

/**
 * Rewrites `bytes` so that every memory.grow calls the host (see above). Throws WasmFormatError
 * when the bytes are malformed, or hold an instruction this decoder does not know.
 */
export function instrumentGrows(bytes: Uint8Array): Instrumented {
  const { info, sections, typeCount, memorySites } = moduleLayout(bytes);
  const code = sections.find((s) => s.id === CODE_SECTION);
  if (memorySites.length === 0 || code === undefined || !mayGrow(bytes, code, memorySites.length)) {
    return { kind: 'unchanged' };
  }
  const importedFuncs = info.imports.filter((i) => i.kind === 'function').length;
  const taken = new Set(info.imports.map((i) => i.module));
  let module = GROW_HOOK_MODULE;
  for (let n = 2; taken.has(module); n++) module = `${GROW_HOOK_MODULE}#${n}`;

  const out = new ByteSink(bytes.length + (bytes.length >> 3) + 256);
  out.copy(bytes, 0, 8);
  const patcher = new Patcher(bytes, out, importedFuncs, memorySites.length);
  const importedMemories = info.imports.filter((i) => i.kind === 'memory');
  const hasImportSection = sections.some((s) => s.id === SECTION.import);
  const writeImports = (section: SectionRange | undefined) =>
    writeSection(out, SECTION.import, () => {
      if (section !== undefined) patcher.countPlus(section, 1 + info.memories.length);
      else out.u32(1 + info.memories.length);
      out.name(module).name(GROW_HOOK_NAME).byte(KIND_FUNCTION).u32(typeCount);
      info.memories.forEach((_, i) => {
        const site = memorySites[importedMemories.length + i]!;
        out
          .name(module)
          .name(memoryName(importedMemories.length + i))
          .byte(KIND_MEMORY);
        out.copy(bytes, site.start, site.end);
      });
    });

  for (const section of sections) {
    switch (section.id) {
      case SECTION.type:
        writeSection(out, section.id, () => {
          patcher.countPlus(section, 1);
          out.bytes(HOOK_TYPE);
        });
        if (!hasImportSection) writeImports(undefined);
        break;
      case SECTION.import:
        writeImports(section);
        break;
      case SECTION.memory:
        break; // its memories are imports now
      case SECTION.custom:
        writeCustom(bytes, out, patcher, section);
        break;
      case SECTION.table:
      case SECTION.global:
      case SECTION.export:
      case SECTION.start:
      case SECTION.element:
      case CODE_SECTION:
        writeSection(out, section.id, () => patcher.section(section));
        break;
      default:
        out.copy(bytes, section.start, section.end);
    }
  }
  if (patcher.grown.size === 0) return { kind: 'unchanged' };
  const limits = memorySites.map((site) => site.limits);
  if (limits.some((l) => l.memory64)) {
    return { kind: 'unobservable', reason: 'memory.grow on a 64-bit memory is not observed' };
  }
  const memories = limits.map(({ min, max, shared }, index): HookedMemory => {
    const imported = importedMemories[index];
    return {
      module: imported?.module ?? module,
      name: imported?.name ?? memoryName(index),
      provided: imported === undefined,
      minimum: min,
      ...(max === undefined ? {} : { maximum: max }),
      shared,
    };
  });
  return { kind: 'rewritten', bytes: out.result(), hooks: { module, memories } };
}

const memoryName = (index: number) => `memory${index}`;

/**
 * Whether the code may hold a memory.grow (0x40 and a memory index). With one memory the index is
 * 0, encoded 0x00 (or padded: 0x80 ... 0x00), so code without 0x40 0x00 or 0x40 0x80 has none.
 */
function mayGrow(bytes: Uint8Array, code: SectionRange, memories: number): boolean {
  if (memories > 1) return true;
  const payload = bytes.subarray(code.payload, code.end);
  for (let i = payload.indexOf(0x40); i !== -1; i = payload.indexOf(0x40, i + 1)) {
    const next = payload[i + 1];
    if (next === 0x00 || next === 0x80) return true;
  }
  return false;
}

/** Custom sections that address code by byte offset: wrong once the code moves. */
function addressesCode(name: string): boolean {
  return (
    name.startsWith('.debug_') ||
    name.startsWith('metadata.code.') ||
    name === 'sourceMappingURL' ||
    name === 'external_debug_info'
  );
}

function writeCustom(bytes: Uint8Array, out: ByteSink, patcher: Patcher, section: SectionRange): void {
  patcher.seek(section.payload, section.end);
  const length = patcher.u32();
  const name = new TextDecoder().decode(bytes.subarray(patcher.pos, patcher.pos + length));
  if (addressesCode(name)) return;
  if (name !== 'name') {
    out.copy(bytes, section.start, section.end);
    return;
  }
  const start = out.length;
  try {
    writeSection(out, SECTION.custom, () => patcher.nameSection(section));
  } catch (error) {
    // Engines ignore a malformed name section; so does the rewrite, which drops it.
    if (!(error instanceof WasmFormatError)) throw error;
    out.length = start;
  }
}

/** A section: its id, its size (5-byte LEB128, filled in once known), then what `payload` writes. */
function writeSection(out: ByteSink, id: number, payload: () => void): void {
  out.byte(id);
  const size = out.reserve5();
  payload();
  out.fill5(size);
}

/** What the instruction decoder does with an opcode's immediates. */
const Imm = {
  Unknown: 0,
  None: 1,
  /** One LEB128 (an index, a label, a signed constant, a heap type). */
  Leb: 2,
  /** Two LEB128s. */
  Leb2: 3,
  MemArg: 4,
  Bytes4: 5,
  Bytes8: 6,
  /** Decoded in the switch: blocks, branch tables, calls, memory.grow, prefixes, ... */
  Special: 7,
  // Only after a prefix:
  Lane: 8,
  MemArgLane: 9,
  Bytes16: 10,
  ZeroByte: 11,
  BrOnCast: 12,
} as const;
type Imm = (typeof Imm)[keyof typeof Imm];

const IMMEDIATES = (() => {
  const table = new Uint8Array(256).fill(Imm.Unknown);
  const set = (imm: Imm, ...ops: (number | [number, number])[]) => {
    for (const op of ops) {
      if (typeof op === 'number') table[op] = imm;
      else table.fill(imm, op[0], op[1] + 1);
    }
  };
  // unreachable nop else throw_ref return catch_all drop select, numeric ops, ref.is_null ref.eq ref.as_non_null
  set(Imm.None, 0x00, 0x01, 0x05, 0x0a, 0x0f, 0x19, 0x1a, 0x1b, [0x45, 0xc4], 0xd1, 0xd3, 0xd4);
  // catch throw rethrow br br_if call_ref return_call_ref local.* global.* table.get/set memory.size
  // i32.const i64.const ref.null br_on_null br_on_non_null
  set(Imm.Leb, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x14, 0x15, [0x20, 0x26], 0x3f, 0x41, 0x42, 0xd0, 0xd5, 0xd6);
  set(Imm.Leb2, 0x11, 0x13); // call_indirect, return_call_indirect: type, table
  set(Imm.MemArg, [0x28, 0x3e]);
  set(Imm.Bytes4, 0x43);
  set(Imm.Bytes8, 0x44);
  // block loop if try end delegate try_table br_table select(t*) call return_call memory.grow ref.func, prefixes
  set(
    Imm.Special,
    0x02,
    0x03,
    0x04,
    0x06,
    0x0b,
    0x18,
    0x1f,
    0x0e,
    0x1c,
    0x10,
    0x12,
    0x40,
    0xd2,
    0xfb,
    0xfc,
    0xfd,
    0xfe,
  );
  return table;
})();

/**
 * A cursor over the input that copies it to `out` lazily: walking moves `pos`, and a patch first
 * copies what was walked since the last one (`flush`), then writes its replacement.
 */
class Patcher extends Reader {
  private copied = 0;
  /** Memory indices memory.grow was found on. */
  readonly grown = new Set<number>();

  constructor(
    buf: Uint8Array,
    private readonly out: ByteSink,
    /** Functions imported by the module: the index of the hook, and of the first function to shift. */
    private readonly importedFuncs: number,
    private readonly memories: number,
  ) {
    super(buf, 0, 0, 'section');
  }

  seek(at: number, end: number): void {
    this.pos = at;
    this.copied = at;
    this.end = end;
  }

  private flush(to = this.pos): void {
    this.out.copy(this.buf, this.copied, to);
    this.copied = to;
  }

  /**
   * Steps over a LEB128 whose value is copied as it is (the engine checks it). Past the end of
   * the input it stops (undefined is not >= 0x80), and the caller's bounds check fails.
   */
  skip(): void {
    const { buf } = this;
    while (buf[this.pos++]! >= 0x80);
  }

  /** Steps over a name (not decoded). */
  skipName(): void {
    const length = this.u32();
    this.pos += length;
  }

  valType(): void {
    const byte = this.u8();
    if (byte === 0x63 || byte === 0x64) this.skip(); // (ref null? heaptype)
  }

  /** A block type: empty (0x40), a value type, or a type index (s33). */
  private blockType(): void {
    const byte = this.buf[this.pos];
    if (byte === 0x63 || byte === 0x64) this.pos++;
    this.skip();
  }

  private memArg(): void {
    const align = this.u32();
    if (align & 0x40) this.skip(); // a memory index follows (multi-memory)
    this.skip(); // offset (u64 for 64-bit memories)
  }

  private limits(): void {
    const flags = this.u8();
    this.skip();
    if (flags & 1) this.skip();
  }

  /** A function index, renumbered past the hook. */
  private funcIdx(): void {
    const start = this.pos;
    const index = this.u32();
    if (index < this.importedFuncs) return;
    this.flush(start);
    this.out.u32(index + 1);
    this.copied = this.pos;
  }

  /** A vector count, written `extra` higher; the rest of the section is copied after it. */
  countPlus(section: SectionRange, extra: number): void {
    this.seek(section.payload, section.end);
    const count = this.u32();
    this.out.u32(count + extra);
    this.copied = this.pos;
    this.flush(section.end);
  }

  /** memory.grow m (its 0x40 at `at`) becomes i32.const m; call grow. */
  private grow(at: number): void {
    const memory = this.u32();
    if (memory >= this.memories) this.fail(`memory.grow of memory ${memory}, of ${this.memories}`, at);
    this.flush(at);
    this.out.byte(0x41).s32(memory).byte(0x10).u32(this.importedFuncs);
    this.copied = this.pos;
    this.grown.add(memory);
  }

  /** Rewrites the payload of a section holding function indices or code. */
  section(section: SectionRange): void {
    this.seek(section.payload, section.end);
    switch (section.id) {
      case SECTION.table:
        for (let n = this.u32(); n > 0; n--) {
          const init = this.buf[this.pos] === 0x40 && this.buf[this.pos + 1] === 0x00;
          if (init) this.pos += 2;
          this.valType();
          this.limits();
          if (init) this.expr();
        }
        break;
      case SECTION.global:
        for (let n = this.u32(); n > 0; n--) {
          this.valType();
          this.u8(); // mutability
          this.expr();
        }
        break;
      case SECTION.export:
        for (let n = this.u32(); n > 0; n--) {
          this.skipName();
          if (this.u8() === KIND_FUNCTION) this.funcIdx();
          else this.skip();
        }
        break;
      case SECTION.start:
        this.funcIdx();
        break;
      case SECTION.element:
        for (let n = this.u32(); n > 0; n--) this.elementSegment();
        break;
      case CODE_SECTION:
        for (let n = this.u32(); n > 0; n--) this.body();
        break;
    }
    if (this.pos !== section.end) this.fail('section size mismatch');
    this.flush();
  }

  /** Flags 0-7: bit 0 passive or declarative, bit 1 a table index (or declarative), bit 2 expressions. */
  private elementSegment(): void {
    const at = this.pos;
    const flags = this.u32();
    if (flags > 7) this.fail(`unknown element segment flags ${flags}`, at);
    if (flags === 2 || flags === 6) this.skip(); // table index
    if ((flags & 1) === 0) this.expr(); // offset
    if (flags === 1 || flags === 2 || flags === 3) this.u8(); // element kind
    if (flags >= 5) this.valType(); // reference type
    for (let n = this.u32(); n > 0; n--) {
      if (flags & 4) this.expr();
      else this.funcIdx();
    }
  }

  private body(): void {
    const sizeAt = this.pos;
    const size = this.u32();
    const end = this.pos + size;
    if (end > this.end) this.fail('function body runs past the code section', sizeAt);
    this.flush(sizeAt);
    const sizeOut = this.out.reserve5();
    this.copied = this.pos;
    const sectionEnd = this.end;
    this.end = end;
    for (let n = this.u32(); n > 0; n--) {
      this.skip();
      this.valType();
    }
    this.expr();
    if (this.pos !== end) this.fail('function body size mismatch', sizeAt);
    this.flush();
    this.out.fill5(sizeOut);
    this.end = sectionEnd;
  }

  /** The name section: function, local and label names are keyed by function index. */
  nameSection(section: SectionRange): void {
    this.seek(section.payload, section.end);
    this.skipName();
    while (this.pos < section.end) {
      const id = this.u8();
      const sizeAt = this.pos;
      const end = this.u32() + this.pos;
      if (end > section.end) this.fail('name subsection runs past the section', sizeAt);
      if (id >= 1 && id <= 3) {
        this.flush(sizeAt);
        const sizeOut = this.out.reserve5();
        this.copied = this.pos;
        for (let n = this.u32(); n > 0; n--) {
          this.funcIdx();
          if (id === 1) this.skipName();
          else this.nameMap();
        }
        if (this.pos !== end) this.fail('name subsection size mismatch', sizeAt);
        this.flush();
        this.out.fill5(sizeOut);
      }
      this.pos = end;
    }
    this.flush(section.end);
  }

  private nameMap(): void {
    for (let n = this.u32(); n > 0; n--) {
      this.skip();
      this.skipName();
    }
  }

  /** One expression, up to and including its final `end`. */
  private expr(): void {
    let depth = 0;
    for (;;) {
      const at = this.pos;
      if (at >= this.end) this.fail('expression runs past its end', at);
      const op = this.buf[this.pos++]!;
      const immediates = IMMEDIATES[op] as Imm;
      if (immediates !== Imm.Special) {
        this.immediates(immediates, at, op);
        continue;
      }
      switch (op) {
        case 0x0b: // end
          if (depth === 0) return;
          depth--;
          break;
        case 0x18: // delegate: ends its try
          this.skip();
          depth--;
          break;
        case 0x02: // block
        case 0x03: // loop
        case 0x04: // if
        case 0x06: // try
          this.blockType();
          depth++;
          break;
        case 0x1f: // try_table: block type, then catch clauses
          this.blockType();
          for (let n = this.u32(); n > 0; n--) {
            const kind = this.u8();
            if (kind > 3) this.fail(`unknown catch kind ${kind}`);
            if (kind < 2) this.skip(); // tag
            this.skip(); // label
          }
          depth++;
          break;
        case 0x0e: // br_table: labels, then the default
          for (let n = this.u32(); n >= 0; n--) this.skip();
          break;
        case 0x1c: // select with types
          for (let n = this.u32(); n > 0; n--) this.valType();
          break;
        case 0x10: // call
        case 0x12: // return_call
        case 0xd2: // ref.func
          this.funcIdx();
          break;
        case 0x40:
          this.grow(at);
          break;
        default: {
          // a prefix: 0xFB (GC), 0xFC, 0xFD (SIMD) or 0xFE (atomics), then the instruction's number
          const prefixed = this.u32();
          this.immediates(prefixedImmediates(op, prefixed), at, op, prefixed);
        }
      }
    }
  }

  /** Steps over the immediates of the instruction at `at` (`op`, or `prefixed` after the prefix `op`). */
  private immediates(immediates: Imm, at: number, op: number, prefixed?: number): void {
    switch (immediates) {
      case Imm.None:
        break;
      case Imm.Leb:
        this.skip();
        break;
      case Imm.Leb2:
        this.skip2();
        break;
      case Imm.MemArg:
        this.memArg();
        break;
      case Imm.MemArgLane:
        this.memArg();
        this.pos += 1;
        break;
      case Imm.Lane:
        this.pos += 1;
        break;
      case Imm.Bytes4:
        this.pos += 4;
        break;
      case Imm.Bytes8:
        this.pos += 8;
        break;
      case Imm.Bytes16:
        this.pos += 16;
        break;
      case Imm.ZeroByte:
        this.u8();
        break;
      case Imm.BrOnCast: // flags, label, two heap types
        this.u8();
        this.skip2();
        this.skip();
        break;
      default:
        this.fail(`unknown opcode 0x${op.toString(16)}${prefixed === undefined ? '' : ` ${prefixed}`}`, at);
    }
  }

  private skip2(): void {
    this.skip();
    this.skip();
  }
}

const GC_ONE_IMMEDIATE = new Set([0, 1, 6, 7, 11, 12, 13, 14, 16, 20, 21, 22, 23]);
const GC_TWO_IMMEDIATES = new Set([2, 3, 4, 5, 8, 9, 10, 17, 18, 19]);

/** The immediates of instruction `op` of a prefix (0xFB GC, 0xFC, 0xFD SIMD, 0xFE atomics). */
function prefixedImmediates(prefix: number, op: number): Imm {
  switch (prefix) {
    case 0xfb:
      if (op === 15 || (op >= 26 && op <= 30)) return Imm.None; // array.len, conversions, i31
      if (GC_ONE_IMMEDIATE.has(op)) return Imm.Leb;
      if (GC_TWO_IMMEDIATES.has(op)) return Imm.Leb2;
      return op === 24 || op === 25 ? Imm.BrOnCast : Imm.Unknown;
    case 0xfc:
      if (op <= 7 || (op >= 19 && op <= 22)) return Imm.None; // saturating truncations, wide arithmetic
      if (op === 8 || op === 10 || op === 12 || op === 14) return Imm.Leb2;
      return op === 9 || op === 11 || op === 13 || (op >= 15 && op <= 17) ? Imm.Leb : Imm.Unknown;
    case 0xfd:
      if (op <= 11 || op === 92 || op === 93) return Imm.MemArg; // loads, store, load_zero
      if (op === 12 || op === 13) return Imm.Bytes16; // v128.const, i8x16.shuffle
      if (op >= 21 && op <= 34) return Imm.Lane; // extract_lane, replace_lane
      if (op >= 84 && op <= 91) return Imm.MemArgLane; // load_lane, store_lane
      return op <= 0x113 ? Imm.None : Imm.Unknown; // the rest, relaxed SIMD included
    default: // 0xfe: fence has a zero byte, the rest a memarg
      if (op === 3) return Imm.ZeroByte;
      return op <= 2 || (op >= 0x10 && op <= 0x4e) ? Imm.MemArg : Imm.Unknown;
  }
}

/** A growable output buffer with WebAssembly's encodings. */
class ByteSink {
  private buf: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  byte(value: number): this {
    this.room(1);
    this.buf[this.length++] = value;
    return this;
  }

  bytes(values: readonly number[]): this {
    for (const value of values) this.byte(value);
    return this;
  }

  u32(value: number): this {
    this.room(5);
    do {
      const low = value & 0x7f;
      value >>>= 7;
      this.buf[this.length++] = value === 0 ? low : low | 0x80;
    } while (value !== 0);
    return this;
  }

  /** A signed LEB128 of a value from 0 to 2^31 - 1. */
  s32(value: number): this {
    this.u32(value);
    if (this.buf[this.length - 1]! & 0x40) this.byte(0); // the sign bit must be clear
    return this;
  }

  name(text: string): this {
    const encoded = new TextEncoder().encode(text);
    this.u32(encoded.length);
    this.copy(encoded, 0, encoded.length);
    return this;
  }

  copy(source: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.room(to - from);
    this.buf.set(source.subarray(from, to), this.length);
    this.length += to - from;
  }

  /** Room for a size written later with fill5. */
  reserve5(): number {
    this.room(5);
    this.length += 5;
    return this.length - 5;
  }

  /** The size of what was written after `at`'s 5 reserved bytes, as a 5-byte (padded) LEB128. */
  fill5(at: number): void {
    let value = this.length - at - 5;
    for (let i = 0; i < 4; i++, value >>>= 7) this.buf[at + i] = (value & 0x7f) | 0x80;
    this.buf[at + 4] = value & 0x7f;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }
}

/** The largest memory a hook lets a memory grow to: its declared maximum, or wasm32's 65536 pages. */
export const maximumPages = (memory: HookedMemory): number => memory.maximum ?? WASM_MAX_PAGES;
