/**
 * Where the UI's files came from, for the guest filesystem panel: a dropped or picked file,
 * folder or archive, or a demo's file. Files are known by their bytes (a module's FileEntry is
 * made anew from them), folders and archives by their tree.
 */
import type { FileTree } from '../../src/mounts/tree';

const origins = new WeakMap<object, string>();

const keyOf = (tree: FileTree): object => (tree.kind === 'file' ? tree.data : tree);

export function markOrigin<T extends FileTree>(tree: T, origin: string): T {
  origins.set(keyOf(tree), origin);
  return tree;
}

/** Marks bytes read from a file the person picked or dropped. */
export function markDropped(data: Uint8Array, name: string): Uint8Array {
  origins.set(data, `dropped file "${name}"`);
  return data;
}

export function originOf(tree: FileTree): string | undefined {
  return origins.get(keyOf(tree));
}
