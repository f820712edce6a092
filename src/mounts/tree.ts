/**
 * Plain-data file trees: how files cross the worker boundary and the API
 * (in-memory inputs, output snapshots). Buffers are transferable.
 */
export type FileTree = FileEntry | DirectoryEntry | SymlinkEntry;

export interface FileEntry {
  kind: 'file';
  data: Uint8Array;
}

export interface DirectoryEntry {
  kind: 'directory';
  entries: { [name: string]: FileTree };
}

export interface SymlinkEntry {
  kind: 'symlink';
  target: string;
}

export const file = (data: Uint8Array | string): FileEntry => ({
  kind: 'file',
  data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
});

export const directory = (entries: { [name: string]: FileTree } = {}): DirectoryEntry => ({
  kind: 'directory',
  entries,
});

/** Sets an own entry (safe for untrusted names such as "__proto__"). */
export function setEntry(dir: DirectoryEntry, name: string, node: FileTree): void {
  Object.defineProperty(dir.entries, name, { value: node, enumerable: true, writable: true, configurable: true });
}

/** An own entry, or undefined (never one inherited from Object.prototype). */
export function getEntry(dir: DirectoryEntry, name: string): FileTree | undefined {
  return Object.hasOwn(dir.entries, name) ? dir.entries[name] : undefined;
}

/** Path components without "", "." and ".." (for untrusted paths: picked folders, archives). */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]/).filter((part) => part !== '' && part !== '.' && part !== '..');
}

/** A directory holding `files` at their relative paths (untrusted: see pathParts). */
export function treeFromFiles(files: readonly { path: string; data: Uint8Array }[]): DirectoryEntry {
  const root = directory();
  for (const { path, data } of files) {
    const parts = pathParts(path);
    const name = parts.pop();
    if (name === undefined) continue;
    let dir = root;
    for (const part of parts) {
      let next = getEntry(dir, part);
      if (next?.kind !== 'directory') {
        next = directory();
        setEntry(dir, part, next);
      }
      dir = next;
    }
    setEntry(dir, name, file(data));
  }
  return root;
}

/** Bytes of all the files of a tree. */
export function treeSize(tree: FileTree): number {
  if (tree.kind === 'file') return tree.data.byteLength;
  if (tree.kind === 'symlink') return 0;
  return Object.values(tree.entries).reduce((sum, child) => sum + treeSize(child), 0);
}

export function countFiles(tree: FileTree): number {
  if (tree.kind !== 'directory') return 1;
  return Object.values(tree.entries).reduce((sum, child) => sum + countFiles(child), 0);
}

/** Every file of a tree with its slash-separated path relative to the tree's root. */
export function listFiles(tree: FileTree, prefix = ''): { path: string; data: Uint8Array }[] {
  if (tree.kind === 'file') return [{ path: prefix, data: tree.data }];
  if (tree.kind === 'symlink') return [];
  return Object.entries(tree.entries)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([name, child]) => listFiles(child, prefix === '' ? name : `${prefix}/${name}`));
}

/** The buffers of a tree, for postMessage transfer lists. */
export function treeBuffers(tree: FileTree, out = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
  if (tree.kind === 'file') {
    if (tree.data.buffer instanceof ArrayBuffer) out.add(tree.data.buffer);
  } else if (tree.kind === 'directory') {
    for (const child of Object.values(tree.entries)) treeBuffers(child, out);
  }
  return out;
}
