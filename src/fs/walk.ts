import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirNode, type Node, SymlinkNode } from './nodes.js';

/** Symlinks followed in one lookup before ELOOP (Linux's limit). */
const MAX_SYMLINK_HOPS = 40;

export interface Walked {
  ret: number;
  /** The directory holding the final component; null when the path ends in "." or "..". */
  parent: DirNode | null;
  /** The final component ("." or ".." when the path ends in one). */
  name: string;
  /** The node the path names, or null if it does not exist (yet). */
  node: Node | null;
  /** The path ended with "/": it must name a directory. */
  trailingSlash: boolean;
}

/** What to do when the final component is a symlink. */
export type FinalLink =
  /** Follow it (LOOKUPFLAGS_SYMLINK_FOLLOW). */
  | 'follow'
  /** Do not, unless the path ends in "/" (a lookup: stat, open, readlink). */
  | 'nofollow'
  /** Never: the operation acts on the directory entry itself (mkdir, rmdir, unlink, rename, link, symlink). */
  | 'entry';

const failed = (ret: number): Walked => ({ ret, parent: null, name: '', node: null, trailingSlash: false });

/**
 * Resolves `path` relative to `base`, WASI-style: absolute paths and ".." above `base` are
 * ENOTCAPABLE, so no path escapes the directory it is resolved from. Intermediate symlinks
 * are always followed, the final one as `final` says.
 */
export function walk(base: DirNode, path: string, final: FinalLink): Walked {
  if (path === '') return failed(wasi.ERRNO_NOENT);
  if (path.includes('\0')) return failed(wasi.ERRNO_INVAL);
  if (path.startsWith('/')) return failed(wasi.ERRNO_NOTCAPABLE);

  // Ancestry from `base`, so ".." can climb back but never above it.
  const dirs: DirNode[] = [base];
  // Components still to visit, last one first (so symlink targets are spliced in by push).
  const pending = path.split('/').reverse();
  let trailingSlash = path.endsWith('/');
  let hops = 0;

  for (;;) {
    const component = pending.pop()!;
    // Empty components (from "//" and a trailing "/") are skipped. A "." is not: "file/." must
    // be ENOTDIR and "dir/." names the directory itself (as "."), not its entry in the parent.
    while (pending.length > 0 && pending[pending.length - 1] === '') pending.pop();
    const last = pending.length === 0;
    const dir = dirs[dirs.length - 1]!;

    if (component === '' || component === '.' || component === '..') {
      if (component === '..') {
        if (dirs.length === 1) return failed(wasi.ERRNO_NOTCAPABLE);
        dirs.pop();
      }
      if (last) {
        const here = dirs[dirs.length - 1]!;
        return { ret: wasi.ERRNO_SUCCESS, parent: null, name: component || '.', node: here, trailingSlash };
      }
      continue;
    }

    const child = dir.entries.get(component);
    if (child === undefined) {
      if (!last) return failed(wasi.ERRNO_NOENT);
      return { ret: wasi.ERRNO_SUCCESS, parent: dir, name: component, node: null, trailingSlash };
    }
    if (child instanceof SymlinkNode && (!last || final === 'follow' || (final === 'nofollow' && trailingSlash))) {
      if (++hops > MAX_SYMLINK_HOPS) return failed(wasi.ERRNO_LOOP);
      if (child.target.startsWith('/')) return failed(wasi.ERRNO_NOTCAPABLE);
      if (child.target === '') return failed(wasi.ERRNO_NOENT);
      if (last && child.target.endsWith('/')) trailingSlash = true;
      pending.push(...child.target.split('/').reverse());
      continue;
    }
    if (last) {
      // As on Linux, rmdir("link/") is ENOTDIR and mkdir("dangling/") EEXIST: never an act on the target.
      if (trailingSlash && !(child instanceof DirNode) && !(final === 'entry' && child instanceof SymlinkNode)) {
        return failed(wasi.ERRNO_NOTDIR);
      }
      return { ret: wasi.ERRNO_SUCCESS, parent: dir, name: component, node: child, trailingSlash };
    }
    if (!(child instanceof DirNode)) return failed(wasi.ERRNO_NOTDIR);
    dirs.push(child);
  }
}
