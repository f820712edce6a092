import { errors } from '../errors/index.js';
import type { ReadLocal } from '../executor/types.js';
import { normalizePath } from '../mounts/paths.js';
import { file, treeFromFiles } from '../mounts/tree.js';

/** A file's contents as a caller has them: bytes, text (UTF-8) or a Blob (a File, a fetch response's blob()). */
export type FileContent = Blob | Uint8Array | ArrayBuffer | string;

/**
 * The contents of localDirectory sources, by path: a source's SourcePath for a file
 * ("hello.wasm"), or paths below it for a directory ("inputs/horses.csv" for the source "inputs").
 */
export type SourceFiles = Readonly<Record<string, FileContent>>;

const NOT_GIVEN_HINT =
  'Give the file in `files` under its SourcePath, or a directory as the files below it ("inputs/data.csv" for "inputs"). In Node, runJob reads the other sources from baseDir.';

async function bytesOf(content: FileContent): Promise<Uint8Array> {
  if (typeof content === 'string') return file(content).data;
  if (content instanceof Uint8Array) return content;
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(await content.arrayBuffer());
}

/**
 * Reads localDirectory sources from `files`: the file at the source's path, else the files below
 * it as a directory. A source not among them goes to `fallback`, or is refused without one.
 */
export function filesReader(files: SourceFiles, fallback?: ReadLocal): ReadLocal {
  const byPath = new Map(Object.entries(files).map(([path, content]) => [normalizePath(path), content]));
  return async (sourcePath) => {
    const path = normalizePath(sourcePath);
    const exact = byPath.get(path);
    if (exact !== undefined) return file(await bytesOf(exact));
    const prefix = path === '' ? '' : `${path}/`;
    const below = [...byPath].filter(([name]) => name.startsWith(prefix));
    if (below.length > 0) {
      return treeFromFiles(
        await Promise.all(
          below.map(async ([name, content]) => ({ path: name.slice(prefix.length), data: await bytesOf(content) })),
        ),
      );
    }
    if (fallback !== undefined) return fallback(sourcePath);
    throw errors.inputConfig(
      `input source "${sourcePath}" is not among the files given`,
      { sourcePath },
      NOT_GIVEN_HINT,
    );
  };
}
