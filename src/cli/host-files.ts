import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errors, errorText } from '../errors/index.js';
import type { ReadLocal } from '../executor/types.js';
import type { FileTree } from '../mounts/tree.js';

/**
 * Host file operations in flight at once while a tree is read: a tree of many small files costs
 * a few thread-pool hops per file, so they overlap (367 files of Yosys' share/: 150 ms one at a
 * time), within any open-file limit.
 */
const READ_CONCURRENCY = 32;

/** Reads a host file or directory (recursively) into a FileTree, for localDirectory sources. */
export function readHostTree(path: string): Promise<FileTree> {
  return readTree(path, limiter(READ_CONCURRENCY));
}

type Limit = <T>(operation: () => Promise<T>) => Promise<T>;

async function readTree(path: string, limit: Limit): Promise<FileTree> {
  const stat = await limit(() => lstat(path));
  if (stat.isSymbolicLink()) return { kind: 'symlink', target: await limit(() => readlink(path)) };
  if (stat.isFile()) {
    const data = await limit(() => readFile(path));
    // A view of what was read: copying a Buffer into a new Uint8Array costs ~20 ms for 30 MB.
    return { kind: 'file', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  if (!stat.isDirectory()) throw new Error(`"${path}" is neither a file nor a directory`);
  const names = (await limit(() => readdir(path))).sort();
  // A directory holds no slot while its children are read: only file operations are limited.
  const children = await Promise.all(names.map((name) => readTree(join(path, name), limit)));
  return { kind: 'directory', entries: Object.fromEntries(names.map((name, i) => [name, children[i]!])) };
}

/** Runs at most `max` operations at once, the others in order as slots free up. */
function limiter(max: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (operation) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await operation();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next(); // the slot passes on
    }
  };
}

/**
 * Reads localDirectory sources from the host, relative paths from `baseDir` (runJob's in Node; the
 * CLI makes them absolute first); a missing one is an InputConfigError.
 */
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

/** All of standard input as text; throws once it passes `maxBytes`. */
export async function readStdin(maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error(`standard input is over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Bytes of the files under a host path (symlinks not followed), without reading them. */
export async function hostTreeSize(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await hostTreeSize(join(path, name));
  return total;
}
