import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import type { WireMount, WireTree } from '../protocol/messages.js';

/** What a worker keeps at most; the least recently used go first. */
const CACHE_BYTES = 256 << 20;

/** Values kept by key up to a total size; the least recently used go first. */
export class Held<T> {
  private readonly values = new Map<string, T>();
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get keys(): string[] {
    return [...this.values.keys()];
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** The value, now the most recently used. */
  get(key: string): T | undefined {
    const value = this.values.get(key);
    if (value !== undefined) {
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  keep(key: string, value: T): void {
    const size = this.sizeOf(value);
    if (this.values.has(key) || size > this.limit) return;
    this.values.set(key, value);
    this.size += size;
    for (const [oldKey, old] of this.values) {
      if (this.size <= this.limit) break;
      this.values.delete(oldKey);
      this.size -= this.sizeOf(old);
    }
  }
}

/**
 * The big input files a warm worker keeps between runs (by SHA-256), so the host sends each
 * once (see executor/worker-files.ts). Kept buffers are never changed: nodes built on them copy
 * on write.
 */
export class FileCache {
  private readonly files: Held<Uint8Array>;

  constructor(limitBytes = CACHE_BYTES) {
    this.files = new Held(limitBytes, (data) => data.byteLength);
  }

  /** The mounts with held files filled in; new shared files are kept. */
  resolve(mounts: readonly WireMount[]): Mount[] {
    return mounts.map((mount) => ({ ...mount, tree: this.tree(mount.tree) }));
  }

  /** Hashes of the files kept now, for the host's next request. */
  get held(): string[] {
    return this.files.keys;
  }

  private tree(tree: WireTree): FileTree {
    switch (tree.kind) {
      case 'held': {
        const data = this.files.get(tree.sha256);
        if (data === undefined) throw new Error(`the worker no longer holds file ${tree.sha256}`);
        return { kind: 'file', data };
      }
      case 'file':
        if ('sha256' in tree) this.files.keep(tree.sha256, tree.data);
        return { kind: 'file', data: tree.data };
      case 'symlink':
        return tree;
      case 'directory': {
        const entries: { [name: string]: FileTree } = {};
        for (const [name, child] of Object.entries(tree.entries)) entries[name] = this.tree(child);
        return { kind: 'directory', entries };
      }
    }
  }
}
