import type { ContentHashes } from '../mounts/content-hash.js';
import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import type { WireMount, WireTree } from '../protocol/messages.js';

/**
 * Big input files are sent to a worker once: a warm worker keeps them (by SHA-256, see
 * runtime/file-cache.ts), and later runs refer to them by hash instead of copying them again
 * (a 10 MB module costs 10–40 ms to clone). So are files whose hash is known already (modules:
 * the loader hashed them), whatever their size: copying even 28 KB out of the fast lane's
 * shared memory costs 20 µs.
 */

/** Files from this size on are shared by hash. */
export const SHARED_FROM_BYTES = 1 << 20;
/** The mounts as sent to a worker that holds `held` (hashes of files it kept). */
export async function mountsForWorker(
  mounts: readonly Mount[],
  held: ReadonlySet<string>,
  hashes: ContentHashes,
): Promise<WireMount[]> {
  const wire = async (tree: FileTree): Promise<WireTree> => {
    if (tree.kind === 'file') {
      if (tree.data.byteLength < SHARED_FROM_BYTES && !hashes.has(tree.data)) return tree;
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
