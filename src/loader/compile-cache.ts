import { errorText } from '../errors/index.js';
import { ContentHashes } from '../mounts/content-hash.js';
import { type GrowHooks, type Instrumented, instrumentGrows } from './grow-hooks.js';
import { capMemories, type ModuleInfo, parseModule, WasmFormatError } from './wasm-binary.js';

export interface InspectedModule {
  sha256: string;
  info: ModuleInfo;
}

/** A compiled module, with what the host provides it when its memory.grow calls the host. */
export interface CompiledModule {
  module: WebAssembly.Module;
  grows?: GrowHooks;
  /** Why the module's memory.grow is not observed, when it has one and is not instrumented. */
  unobserved?: string;
}

/** A compiled module's identity: its bytes and the memory limit written into them. */
export const compiledKey = (module: InspectedModule, limitPages: number): string => `${module.sha256}:${limitPages}`;

/** Modules up to this size are compiled synchronously. */
const SYNC_COMPILE_BYTES = 64 * 1024;

/** Modules kept compiled; the oldest unused ones are dropped past this. */
const DEFAULT_CAPACITY = 128;

/**
 * Keeps modules instrumented for memory.grow between sessions, by their compiled key (the CLI
 * keeps them in files: cli/module-store.ts). Failures are the store's to absorb: a get that
 * throws or finds nothing instruments the module again.
 */
export interface InstrumentedStore {
  get(key: string): Promise<Instrumented | undefined>;
  set(key: string, value: Instrumented): Promise<void>;
}

/** Smaller modules are instrumented again rather than stored: it takes about as long as reading them back. */
const STORED_MIN_BYTES = 1 << 20;

/**
 * Parses and compiles modules once per session. Entries are keyed by the bytes' SHA-256 (and,
 * for compiled modules, the memory limit, since limits are rewritten into the bytes before
 * compiling); the same buffer seen again skips even the hash.
 */
export class CompileCache {
  private readonly inspected = new Map<string, ModuleInfo>();
  private readonly compiled = new Map<string, Promise<CompiledModule>>();

  readonly hashes = new ContentHashes();
  private readonly capacity: number;
  private readonly store: InstrumentedStore | undefined;

  constructor(options: { store?: InstrumentedStore; capacity?: number } = {}) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.store = options.store;
  }

  /** Parses the module's structure (throws WasmFormatError when malformed). */
  async inspect(bytes: Uint8Array): Promise<InspectedModule> {
    const sha256 = await this.hashes.of(bytes);
    let info = this.inspected.get(sha256);
    if (info === undefined) {
      info = parseModule(bytes);
      this.remember(this.inspected, sha256, info);
    }
    return { sha256, info };
  }

  /** The module compiled with every memory's maximum capped at `limitPages`, and its memory.grow instrumented. */
  compile(module: InspectedModule, bytes: Uint8Array, limitPages: number): Promise<CompiledModule> {
    const key = compiledKey(module, limitPages);
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      const capped = capMemories(bytes, limitPages) as Uint8Array<ArrayBuffer>;
      // Without a memory there is no memory.grow to observe: no need to read the module again.
      const { info } = module;
      const hasMemory = info.memories.length > 0 || info.imports.some((i) => i.kind === 'memory');
      compiled = hasMemory
        ? compileObserved(capped, () => this.instrument(capped, key))
        : compileBytes(capped).then((compiledModule) => ({ module: compiledModule }));
      this.remember(this.compiled, key, compiled);
    } else {
      // Refresh its place in the eviction order.
      this.compiled.delete(key);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  /** The module's memory.grow rewrite, from the store when it has it. */
  private async instrument(bytes: Uint8Array, key: string): Promise<Instrumented> {
    const store = bytes.byteLength >= STORED_MIN_BYTES ? this.store : undefined;
    const stored = await store?.get(key).catch(() => undefined);
    if (stored !== undefined) return stored;
    const instrumented = instrumentGrows(bytes);
    void store?.set(key, instrumented).catch(() => undefined);
    return instrumented;
  }

  get size(): number {
    return this.compiled.size;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    if (map.size > this.capacity) map.delete(map.keys().next().value!);
  }
}

/**
 * Compiles `bytes` with memory.grow instrumented (see grow-hooks.ts). Bytes the rewrite cannot
 * read, or whose rewrite does not compile, are compiled as they are: the engine reports what is
 * wrong with them, or they run with their grows unobserved.
 */
async function compileObserved(
  bytes: Uint8Array<ArrayBuffer>,
  instrument: () => Promise<Instrumented>,
): Promise<CompiledModule> {
  let instrumented: Instrumented;
  try {
    instrumented = await instrument();
  } catch (error) {
    if (!(error instanceof WasmFormatError)) throw error;
    return { module: await compileBytes(bytes), unobserved: `its code could not be decoded: ${error.message}` };
  }
  switch (instrumented.kind) {
    case 'unchanged':
      return { module: await compileBytes(bytes) };
    case 'unobservable':
      return { module: await compileBytes(bytes), unobserved: instrumented.reason };
  }
  try {
    return { module: await compileBytes(instrumented.bytes), grows: instrumented.hooks };
  } catch (error) {
    const module = await compileBytes(bytes);
    return { module, unobserved: `the instrumented module did not compile: ${errorText(error)}` };
  }
}

/**
 * Small modules compile at once (well under a millisecond, no pause a page would notice); the
 * async compile's round trip would cost more than the compile itself.
 */
async function compileBytes(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  return bytes.byteLength <= SYNC_COMPILE_BYTES ? new WebAssembly.Module(bytes) : WebAssembly.compile(bytes);
}
