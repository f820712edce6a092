import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import type { WireMount, WireTree } from '../protocol/messages.js';

/** What a worker keeps at most; the least recently used go first. */
const CACHE_BYTES = 256 << 20;

/**
 * The big input files a warm worker keeps between runs (by SHA-256), so the host sends each
 * once (see executor/worker-files.ts). Kept buffers are never changed: nodes built on them copy
 * on write.
 */
export class FileCache {
  private readonly files = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly limitBytes = CACHE_BYTES) {}

  /** The mounts with held files filled in; new shared files are kept. */
  resolve(mounts: readonly WireMount[]): Mount[] {
    return mounts.map((mount) => ({ ...mount, tree: this.tree(mount.tree) }));
  }

  /** Hashes of the files kept now, for the host's next request. */
  get held(): string[] {
    return [...this.files.keys()];
  }

  private tree(tree: WireTree): FileTree {
    switch (tree.kind) {
      case 'held': {
        const data = this.files.get(tree.sha256);
        if (data === undefined) throw new Error(`the worker no longer holds file ${tree.sha256}`);
        this.touch(tree.sha256, data);
        return { kind: 'file', data };
      }
      case 'file':
        if ('sha256' in tree) this.keep(tree.sha256, tree.data);
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

  private keep(sha256: string, data: Uint8Array): void {
    if (this.files.has(sha256) || data.byteLength > this.limitBytes) return;
    this.files.set(sha256, data);
    this.bytes += data.byteLength;
    for (const [key, old] of this.files) {
      if (this.bytes <= this.limitBytes) break;
      this.files.delete(key);
      this.bytes -= old.byteLength;
    }
  }

  private touch(sha256: string, data: Uint8Array): void {
    this.files.delete(sha256);
    this.files.set(sha256, data);
  }
}
