import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errors, errorText } from '../errors/index.js';
import type { ReadLocal } from '../executor/types.js';
import type { FileTree } from '../mounts/tree.js';

/** Reads a host file or directory (recursively) into a FileTree, for localDirectory sources. */
export async function readHostTree(path: string): Promise<FileTree> {
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return { kind: 'symlink', target: await readlink(path) };
  if (stat.isFile()) return { kind: 'file', data: new Uint8Array(await readFile(path)) };
  if (!stat.isDirectory()) throw new Error(`"${path}" is neither a file nor a directory`);
  const entries: { [name: string]: FileTree } = {};
  for (const name of (await readdir(path)).sort()) entries[name] = await readHostTree(join(path, name));
  return { kind: 'directory', entries };
}

/** Writes a FileTree to a host path (creating parent directories). */
export async function writeHostTree(path: string, tree: FileTree): Promise<void> {
  switch (tree.kind) {
    case 'file':
      await writeFile(path, tree.data);
      return;
    case 'symlink':
      await symlink(tree.target, path);
      return;
    case 'directory':
      await mkdir(path, { recursive: true });
      for (const [name, child] of Object.entries(tree.entries)) await writeHostTree(join(path, name), child);
  }
}

/** Reads localDirectory sources from the host, relative paths from `baseDir`; a missing one is an InputConfigError. */
export const hostReader =
  (baseDir: string): ReadLocal =>
  async (sourcePath) => {
    const path = resolve(baseDir, sourcePath);
    try {
      return await readHostTree(path);
    } catch (error) {
      throw errors.inputConfig(`input source "${sourcePath}" does not exist: ${errorText(error)}`, {
        sourcePath: path,
      });
    }
  };
