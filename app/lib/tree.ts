/** Building and measuring file trees (the executor's FileTree) from user files. */
import { type DirectoryEntry, directory, type FileTree, file } from '../../src/mounts/tree';

/** Path components without "", "." and ".." (archive and folder paths are untrusted). */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]/).filter((part) => part !== '' && part !== '.' && part !== '..');
}

/** A directory holding `files` at their relative paths. */
export function treeFromFiles(files: readonly { path: string; data: Uint8Array }[]): DirectoryEntry {
  const root = directory();
  for (const { path, data } of files) {
    const parts = pathParts(path);
    const name = parts.pop();
    if (name === undefined) continue;
    let dir = root;
    for (const part of parts) {
      const next = dir.entries[part];
      if (next?.kind === 'directory') dir = next;
      else {
        const created = directory();
        dir.entries[part] = created;
        dir = created;
      }
    }
    dir.entries[name] = file(data);
  }
  return root;
}

export function treeSize(tree: FileTree): number {
  if (tree.kind === 'file') return tree.data.byteLength;
  if (tree.kind === 'symlink') return 0;
  return Object.values(tree.entries).reduce((sum, child) => sum + treeSize(child), 0);
}

export function countFiles(tree: FileTree): number {
  if (tree.kind !== 'directory') return 1;
  return Object.values(tree.entries).reduce((sum, child) => sum + countFiles(child), 0);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A single file that starts like a WebAssembly binary. */
export function isWasmFile(tree: FileTree): tree is { kind: 'file'; data: Uint8Array } {
  return tree.kind === 'file' && WASM_MAGIC.every((byte, i) => tree.data[i] === byte);
}
