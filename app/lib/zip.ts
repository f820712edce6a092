/** Zip archives in and out, with fflate. */
import { unzipSync, type Zippable, zipSync } from 'fflate';
import type { FileTree } from '../../src/mounts/tree';
import { treeFromFiles } from '../../src/mounts/tree';

/** A .zip's files as a directory tree (directory entries are implied by the file paths). */
export function unzipToTree(bytes: Uint8Array): FileTree {
  const files = Object.entries(unzipSync(bytes))
    .filter(([path]) => !path.endsWith('/'))
    .map(([path, data]) => ({ path, data }));
  return treeFromFiles(files);
}

export function zipFiles(files: readonly { path: string; data: Uint8Array }[]): Uint8Array {
  const entries: Zippable = {};
  for (const { path, data } of files) entries[path] = data;
  return zipSync(entries, { level: 6 });
}
