import type { ContentHashes } from '../fs/content-hash.js';
import type { Mount } from '../fs/mount-table.js';
import type { FileTree } from '../fs/tree.js';

/**
 * Big input files are sent to a worker once: a warm worker keeps them (by SHA-256), and later
 * runs refer to them by hash instead of copying them again (a 10 MB module costs 10–40 ms to clone).
 * Kept buffers are never changed: nodes built on them copy on write.
 */

/** Files from this size on are shared by hash. */
export const SHARED_FROM_BYTES = 1 << 20;
/** What a worker keeps at most; the least recently used go first. */
const CACHE_BYTES = 256 << 20;

export type WireTree =
  | FileTree
  | { kind: 'file'; data: Uint8Array; sha256: string }
  | { kind: 'directory'; entries: { [name: string]: WireTree } }
  /** A file the worker already holds. */
  | { kind: 'held'; sha256: string };

export type WireMount = Omit<Mount, 'tree'> & { tree: WireTree };

/** Host side: the mounts as sent to a worker that holds `held` (hashes of files it kept). */
export async function mountsForWorker(
  mounts: readonly Mount[],
  held: ReadonlySet<string>,
  hashes: ContentHashes,
): Promise<WireMount[]> {
  const wire = async (tree: FileTree): Promise<WireTree> => {
    if (tree.kind === 'file') {
      if (tree.data.byteLength < SHARED_FROM_BYTES) return tree;
      const sha256 = await hashes.of(tree.data);
      return held.has(sha256) ? { kind: 'held', sha256 } : { kind: 'file', data: tree.data, sha256 };
    }
    if (tree.kind === 'symlink') return tree;
    const entries: { [name: string]: WireTree } = {};
    for (const [name, child] of Object.entries(tree.entries)) entries[name] = await wire(child);
    return { kind: 'directory', entries };
  };
  return Promise.all(mounts.map(async (mount) => ({ ...mount, tree: await wire(mount.tree) })));
}

/** Worker side: the files kept from earlier runs. */
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
