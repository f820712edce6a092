/**
 * A small, dependency-free WebAssembly binary reader and rewriter. It reads the module structure
 * (header, sections, types, imports, exports, memories, tables) without decoding function bodies,
 * and rewrites memory limits in place for `capMemories`.
 *
 * Every malformed input raises `WasmFormatError` (with the byte offset), every count is checked
 * against the bytes left before it drives a loop, and large sections (code, data, element,
 * global) are skipped by size, so parsing is linear in the input and bounded by the section walk.
 */

import { WASM_MAX_PAGES } from '../spec/memory.js';

export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface Limits {
  min: number;
  max?: number;
  shared: boolean;
  memory64: boolean;
}

export interface ImportDesc {
  module: string;
  name: string;
  kind: ExternKind;
  /**
   * function and tag signature, e.g. "(i32, i64) -> (i32)"; global type, e.g. "mut i32";
   * table element type, e.g. "funcref"
   */
  type?: string;
  /** memory and table imports */
  limits?: Limits;
}

export interface ExportDesc {
  name: string;
  kind: ExternKind;
  /** function signature for function exports */
  type?: string;
}

export interface ModuleInfo {
  imports: ImportDesc[];
  exports: ExportDesc[];
  /** memories defined by the module (memory section), in order */
  memories: Limits[];
  /** tables defined by the module */
  tables: Limits[];
  hasStartSection: boolean;
  /** byte size of the code section (0 if none) */
  codeSize: number;
}

export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';
  constructor(
    message: string,
    /** byte offset in the module where the problem was found */
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte offset ${offset})`);
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Whether `bytes` start as a WebAssembly binary does ("\0asm"). */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((byte, i) => bytes[i] === byte);
}

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
  'tag',
];
/** Position of each non-custom section id in the required order 1,2,3,4,5,13,6,7,8,9,12,10,11. */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

const EXTERN_KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];

const NUM_TYPES: Record<number, string> = { 127: 'i32', 126: 'i64', 125: 'f32', 124: 'f64', 123: 'v128' };
/** Abstract heap types, by their one-byte encoding. */
const HEAP_TYPES: Record<number, string> = {
  112: 'func',
  111: 'extern',
  110: 'any',
  109: 'eq',
  108: 'i31',
  107: 'struct',
  106: 'array',
  105: 'exn',
  113: 'none',
  114: 'noextern',
  115: 'nofunc',
  116: 'noexn',
};
const REF_NULL = 0x63;
const REF = 0x64;

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A cursor over `buf[pos, end)`; every read past `end` is a WasmFormatError. */
export class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
    /** what is being read, for messages: "module", "import section", ... */
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new WasmFormatError(message, at);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail(`unexpected end of ${this.what}`);
    return this.buf[this.pos++]!;
  }

  /** Unsigned LEB128, at most 5 bytes. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.u8();
      if (shift === 28 && byte > 0x0f) this.fail('u32 LEB128 overflow', start);
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
    }
  }

  /** Unsigned LEB128, at most 10 bytes, whose value must be a safe integer. */
  u64(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.u8();
      if (shift === 63 && byte > 0x01) this.fail('u64 LEB128 overflow', start);
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('64-bit value above 2^53 is not supported', start);
        return result;
      }
    }
  }

  /** Signed 33-bit LEB128 (heap types), at most 5 bytes. */
  s33(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.u8();
      if (shift === 28) {
        const high = byte & 0xf0;
        if (high !== 0x00 && high !== 0x70) this.fail('s33 LEB128 overflow', start);
        return result + (byte & 0x1f) * 2 ** 28 - (byte & 0x10 ? 2 ** 33 : 0);
      }
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return byte & 0x40 ? result - 2 ** (shift + 7) : result;
    }
  }

  /** A vector length, rejected when even one byte per element would not fit in what is left. */
  count(element: string): number {
    const start = this.pos;
    const n = this.u32();
    if (n > this.remaining) {
      this.fail(`${element} count ${n} exceeds the ${this.remaining} bytes left in the ${this.what}`, start);
    }
    return n;
  }

  /** The next byte without consuming it; undefined at the end. */
  peek(): number | undefined {
    return this.pos < this.end ? this.buf[this.pos] : undefined;
  }

  name(): string {
    const start = this.pos;
    const length = this.count('name byte');
    this.pos += length;
    try {
      return utf8.decode(this.buf.subarray(this.pos - length, this.pos));
    } catch {
      this.fail('name is not valid UTF-8', start);
    }
  }
}

function heapType(r: Reader): string {
  const start = r.pos;
  const value = r.s33();
  if (value >= 0) return String(value);
  const name = value >= -64 ? HEAP_TYPES[value + 0x80] : undefined;
  return name ?? r.fail(`unknown heap type ${value}`, start);
}

/** A value type rendered as text ("i32", "funcref", "(ref null 3)"); `refOnly` rejects numeric types. */
function valType(r: Reader, refOnly = false): string {
  const start = r.pos;
  const byte = r.u8();
  if (byte === REF_NULL || byte === REF) return `(ref ${byte === REF_NULL ? 'null ' : ''}${heapType(r)})`;
  const heap = HEAP_TYPES[byte];
  if (heap !== undefined) {
    // shorthands: funcref, anyref, ...; the bottom types none, noextern, ... give nullref, nullexternref, ...
    return heap.startsWith('no') ? `null${heap.slice(heap === 'none' ? 4 : 2)}ref` : `${heap}ref`;
  }
  const num = refOnly ? undefined : NUM_TYPES[byte];
  return num ?? r.fail(`unknown ${refOnly ? 'reference' : 'value'} type ${hex(byte)}`, start);
}

function resultTypes(r: Reader): string {
  const types: string[] = [];
  for (let n = r.count('value type'); n > 0; n--) types.push(valType(r));
  return `(${types.join(', ')})`;
}

/** One (sub)type of the type section: the signature of a function type, undefined for struct/array types. */
function subType(r: Reader): string | undefined {
  let start = r.pos;
  let form = r.u8();
  if (form === 0x50 || form === 0x4f) {
    for (let n = r.count('supertype'); n > 0; n--) r.u32();
    start = r.pos;
    form = r.u8();
  }
  switch (form) {
    case 0x60: {
      const params = resultTypes(r);
      return `${params} -> ${resultTypes(r)}`;
    }
    case 0x5f:
      for (let n = r.count('field'); n > 0; n--) fieldType(r);
      return undefined;
    case 0x5e:
      fieldType(r);
      return undefined;
    default:
      return r.fail(`unsupported type form ${hex(form)}`, start);
  }
}

function fieldType(r: Reader): void {
  const byte = r.peek();
  if (byte === 0x78 || byte === 0x77)
    r.pos++; // packed i8 / i16
  else valType(r);
  mutability(r);
}

function mutability(r: Reader): boolean {
  const start = r.pos;
  const byte = r.u8();
  if (byte > 1) r.fail(`invalid mutability ${hex(byte)}`, start);
  return byte === 1;
}

function limits(r: Reader, table: boolean): Limits {
  const start = r.pos;
  const flags = r.u8();
  if (flags > 7 || (table && flags & 2)) {
    r.fail(`invalid ${table ? 'table' : 'memory'} limits flags ${hex(flags)}`, start);
  }
  const shared = (flags & 2) !== 0;
  const memory64 = (flags & 4) !== 0;
  const read = () => (memory64 ? r.u64() : r.u32());
  const min = read();
  if (!(flags & 1)) {
    if (shared) r.fail('shared memory must have a maximum', start);
    return { min, shared, memory64 };
  }
  const max = read();
  if (min > max) r.fail(`limits minimum ${min} exceeds maximum ${max}`, start);
  return { min, max, shared, memory64 };
}

interface TableType {
  element: string;
  limits: Limits;
}

function tableType(r: Reader): TableType {
  const element = valType(r, true);
  return { element, limits: limits(r, true) };
}

/** A tag type (exception handling): attribute 0, then the index of its function type. */
function tagAttribute(r: Reader): void {
  const start = r.pos;
  const attribute = r.u8();
  if (attribute !== 0) r.fail(`unknown tag attribute ${hex(attribute)}`, start);
}

/** Byte ranges of a section: its size LEB starts at `sizeAt`, its payload is `[payload, end)`. */
export interface Section {
  sizeAt: number;
  payload: number;
  end: number;
}

/** A section in a module: its id (0 for custom sections) starts it at `start`. */
export interface SectionRange extends Section {
  id: number;
  start: number;
}

/** Where a memory's limits are encoded, for rewriting. Imported memories come first (memory index order). */
export interface MemorySite {
  limits: Limits;
  section: Section;
  start: number;
  end: number;
}

/** The structure of a module with where each part is: what rewriting it needs. */
export interface ModuleLayout {
  info: ModuleInfo;
  memorySites: MemorySite[];
  /** Every section, in order. */
  sections: SectionRange[];
  /** Types in the type section (each type of a recursion group counted). */
  typeCount: number;
}

/** The structure and layout of a module (see parseModule; throws WasmFormatError when malformed). */
export function moduleLayout(bytes: Uint8Array): ModuleLayout {
  const top = new Reader(bytes, 0, bytes.length, 'module');
  if (!hasWasmMagic(bytes)) {
    top.fail('not a WebAssembly module: bad magic (expected "\\0asm")', 0);
  }
  if (bytes.length < 8) top.fail('truncated header: missing version', 4);
  const version = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, true);
  if (version !== 1) {
    const component = (version & 0xffff) === 0x0d ? ' (a WebAssembly component, not a core module)' : '';
    top.fail(`unsupported version ${version}${component}; only version 1 is supported`, 4);
  }
  top.pos = 8;

  const info: ModuleInfo = { imports: [], exports: [], memories: [], tables: [], hasStartSection: false, codeSize: 0 };
  const memorySites: MemorySite[] = [];
  const sections: SectionRange[] = [];
  const types: (string | undefined)[] = [];
  /** signature of every function, imported then defined */
  const funcs: string[] = [];
  /** size of each index space other than functions */
  const spaces = { table: 0, memory: 0, global: 0, tag: 0 };
  let definedFuncs = 0;
  let bodies = 0;
  let dataCount: number | undefined;
  let dataSegments = 0;
  let lastRank = 0;

  const funcType = (r: Reader): string => {
    const start = r.pos;
    const index = r.u32();
    if (index >= types.length) r.fail(`type index ${index} out of range (${types.length} types)`, start);
    return types[index] ?? r.fail(`type ${index} is not a function type`, start);
  };

  const parsers: Record<number, (r: Reader, section: Section) => void> = {
    0: (r) => {
      r.name();
      r.pos = r.end;
    },
    1: (r) => {
      for (let n = r.count('type'); n > 0; n--) {
        if (r.peek() === 0x4e) {
          r.pos++;
          for (let m = r.count('recursive type'); m > 0; m--) types.push(subType(r));
        } else {
          types.push(subType(r));
        }
      }
    },
    2: (r, section) => {
      for (let n = r.count('import'); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const start = r.pos;
        const kind = r.u8();
        switch (kind) {
          case 0: {
            const type = funcType(r);
            funcs.push(type);
            info.imports.push({ module, name, kind: 'function', type });
            break;
          }
          case 1: {
            const table = tableType(r);
            spaces.table++;
            info.imports.push({ module, name, kind: 'table', type: table.element, limits: table.limits });
            break;
          }
          case 2: {
            const at = r.pos;
            const memory = limits(r, false);
            memorySites.push({ limits: memory, section, start: at, end: r.pos });
            spaces.memory++;
            info.imports.push({ module, name, kind: 'memory', limits: memory });
            break;
          }
          case 3: {
            const value = valType(r);
            spaces.global++;
            info.imports.push({ module, name, kind: 'global', type: mutability(r) ? `mut ${value}` : value });
            break;
          }
          case 4: {
            tagAttribute(r);
            const type = funcType(r);
            spaces.tag++;
            info.imports.push({ module, name, kind: 'tag', type });
            break;
          }
          default:
            r.fail(`unknown import kind ${hex(kind)}`, start);
        }
      }
    },
    3: (r) => {
      definedFuncs = r.count('function');
      for (let n = definedFuncs; n > 0; n--) funcs.push(funcType(r));
    },
    4: (r) => {
      for (let n = r.count('table'); n > 0; n--) info.tables.push(tableType(r).limits);
      spaces.table += info.tables.length;
    },
    5: (r, section) => {
      for (let n = r.count('memory'); n > 0; n--) {
        const start = r.pos;
        const memory = limits(r, false);
        memorySites.push({ limits: memory, section, start, end: r.pos });
        info.memories.push(memory);
      }
      spaces.memory += info.memories.length;
    },
    6: (r) => {
      spaces.global += r.count('global');
      r.pos = r.end;
    },
    7: (r) => {
      const names = new Set<string>();
      for (let n = r.count('export'); n > 0; n--) {
        const start = r.pos;
        const name = r.name();
        if (names.has(name)) r.fail(`duplicate export name "${name}"`, start);
        names.add(name);
        const kindAt = r.pos;
        const kindByte = r.u8();
        const kind = EXTERN_KINDS[kindByte] ?? r.fail(`unknown export kind ${hex(kindByte)}`, kindAt);
        const indexAt = r.pos;
        const index = r.u32();
        const size = kind === 'function' ? funcs.length : spaces[kind];
        if (index >= size) r.fail(`export "${name}" refers to ${kind} ${index}, but there are only ${size}`, indexAt);
        info.exports.push(kind === 'function' ? { name, kind, type: funcs[index]! } : { name, kind });
      }
    },
    8: (r) => {
      const start = r.pos;
      const index = r.u32();
      if (index >= funcs.length) r.fail(`start function ${index} out of range (${funcs.length} functions)`, start);
      info.hasStartSection = true;
    },
    9: (r) => {
      r.pos = r.end;
    },
    10: (r, section) => {
      info.codeSize = section.end - section.payload;
      bodies = r.count('function body');
      r.pos = r.end;
    },
    11: (r) => {
      dataSegments = r.count('data segment');
      r.pos = r.end;
    },
    12: (r) => {
      dataCount = r.u32();
    },
    13: (r) => {
      spaces.tag += r.count('tag');
      r.pos = r.end;
    },
  };

  while (top.pos < top.end) {
    const start = top.pos;
    const id = top.u8();
    const label = SECTION_NAMES[id];
    if (label === undefined) top.fail(`unknown section id ${id}`, start);
    const sizeAt = top.pos;
    const size = top.u32();
    if (size > top.remaining) top.fail(`${label} section size ${size} exceeds the ${top.remaining} bytes left`, sizeAt);
    if (id !== 0) {
      const rank = SECTION_RANK[id]!;
      if (rank === lastRank) top.fail(`duplicate ${label} section`, start);
      if (rank < lastRank) top.fail(`${label} section out of order`, start);
      lastRank = rank;
    }
    const section: SectionRange = { id, start, sizeAt, payload: top.pos, end: top.pos + size };
    sections.push(section);
    const r = new Reader(bytes, section.payload, section.end, `${label} section`);
    parsers[id]!(r, section);
    if (r.pos !== r.end) r.fail(`${label} section size mismatch: ${r.remaining} unread bytes`);
    top.pos = r.end;
  }

  if (definedFuncs !== bodies) {
    top.fail(`function section declares ${definedFuncs} functions but the code section has ${bodies} bodies`);
  }
  if (dataCount !== undefined && dataCount !== dataSegments) {
    top.fail(`datacount section declares ${dataCount} segments but the data section has ${dataSegments}`);
  }
  return { info, memorySites, sections, typeCount: types.length };
}

/**
 * Parses the structure (header and sections, not function bodies). Throws WasmFormatError, and
 * nothing else, for any malformed input; runs in time linear in the section headers and names.
 */
export function parseModule(bytes: Uint8Array): ModuleInfo {
  return moduleLayout(bytes).info;
}

/**
 * Returns bytes where every memory (defined or imported) has max = min(declared max ?? Infinity,
 * limitPages). Only the import and memory sections are re-encoded; everything else is copied as is.
 * Returns `bytes` itself when nothing changes. memory64 memories are left unchanged; shared
 * memories keep their flag. Throws WasmFormatError if a memory to cap has min above limitPages,
 * and RangeError if limitPages is not an integer in [0, 65536].
 */
export function capMemories<T extends ArrayBufferLike>(
  bytes: Uint8Array<T>,
  limitPages: number,
): Uint8Array<T | ArrayBuffer> {
  if (!Number.isInteger(limitPages) || limitPages < 0 || limitPages > WASM_MAX_PAGES) {
    throw new RangeError(`limitPages must be an integer in [0, ${WASM_MAX_PAGES}], got ${limitPages}`);
  }
  const edits: Edit[] = [];
  const growth = new Map<Section, number>();
  moduleLayout(bytes).memorySites.forEach(({ limits, section, start, end }, index) => {
    const { min, max, shared, memory64 } = limits;
    if (memory64 || (max !== undefined && max <= limitPages)) return;
    if (min > limitPages) {
      throw new WasmFormatError(`memory ${index} needs ${min} pages, above the limit of ${limitPages}`, start);
    }
    const encoded = [shared ? 3 : 1, ...leb128(min), ...leb128(limitPages)];
    edits.push({ start, end, bytes: encoded });
    growth.set(section, (growth.get(section) ?? 0) + encoded.length - (end - start));
  });
  if (edits.length === 0) return bytes;
  for (const [section, delta] of growth) {
    edits.push({ start: section.sizeAt, end: section.payload, bytes: leb128(section.end - section.payload + delta) });
  }
  return splice(
    bytes,
    edits.sort((a, b) => a.start - b.start),
  );
}

/** Replace `[start, end)` of the source with `bytes`. */
interface Edit {
  start: number;
  end: number;
  bytes: number[];
}

/** Applies sorted, non-overlapping edits into a single new allocation. */
function splice(source: Uint8Array, edits: Edit[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(edits.reduce((size, e) => size + e.bytes.length - (e.end - e.start), source.length));
  let from = 0;
  let to = 0;
  for (const { start, end, bytes } of edits) {
    out.set(source.subarray(from, start), to);
    to += start - from;
    out.set(bytes, to);
    to += bytes.length;
    from = end;
  }
  out.set(source.subarray(from), to);
  return out;
}

/** Unsigned LEB128, shortest form. */
export function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}
