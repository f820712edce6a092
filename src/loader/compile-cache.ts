import { ContentHashes } from '../mounts/content-hash.js';
import { capMemories, type ModuleInfo, parseModule } from './wasm-binary.js';

export interface InspectedModule {
  sha256: string;
  info: ModuleInfo;
}

/** A compiled module's identity: its bytes and the memory limit written into them. */
export const compiledKey = (module: InspectedModule, limitPages: number): string => `${module.sha256}:${limitPages}`;

/** Modules up to this size are compiled synchronously. */
const SYNC_COMPILE_BYTES = 64 * 1024;

/** Modules kept compiled; the oldest unused ones are dropped past this. */
const DEFAULT_CAPACITY = 128;

/**
 * Parses and compiles modules once per session. Entries are keyed by the bytes' SHA-256 (and,
 * for compiled modules, the memory limit, since limits are rewritten into the bytes before
 * compiling); the same buffer seen again skips even the hash.
 */
export class CompileCache {
  private readonly inspected = new Map<string, ModuleInfo>();
  private readonly compiled = new Map<string, Promise<WebAssembly.Module>>();

  constructor(
    readonly hashes = new ContentHashes(),
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

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

  /** The module compiled with every memory's maximum capped at `limitPages`. */
  compile(module: InspectedModule, bytes: Uint8Array, limitPages: number): Promise<WebAssembly.Module> {
    const key = compiledKey(module, limitPages);
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      const capped = capMemories(bytes, limitPages) as Uint8Array<ArrayBuffer>;
      // Small modules compile at once (well under a millisecond, no pause a page would notice);
      // the async compile's round trip would cost more than the compile itself.
      compiled =
        capped.byteLength <= SYNC_COMPILE_BYTES
          ? new Promise((resolve) => resolve(new WebAssembly.Module(capped)))
          : WebAssembly.compile(capped);
      this.remember(this.compiled, key, compiled);
    } else {
      // Refresh its place in the eviction order.
      this.compiled.delete(key);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  get size(): number {
    return this.compiled.size;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    if (map.size > this.capacity) map.delete(map.keys().next().value!);
  }
}
