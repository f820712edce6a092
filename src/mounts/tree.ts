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
