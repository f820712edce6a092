import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { InstrumentedStore } from '../loader/compile-cache.js';
import type { Instrumented } from '../loader/grow-hooks.js';

/** What the store may hold on disk; the files written longest ago go first past it. */
const MAX_STORED_BYTES = 1 << 30;

/**
 * Modules instrumented for memory.grow, kept between runs of the command in files: the rewrite
 * of a large program (Yosys: 30 MB of code, ~200 ms) is paid by its first run only. One
 * directory per user and build of the command (another build may rewrite differently), made by
 * that user and writable by no one else, and only when a module is large enough to be kept (a
 * small job's start pays nothing); anything else is no store. A file is a JSON header (its length
 * first, 4 bytes) and then the rewritten bytes.
 */
export function moduleStore(build: string): InstrumentedStore {
  let directory: Promise<string | undefined> | undefined;
  const fileOf = async (key: string) => {
    directory ??= prepare(build);
    const dir = await directory;
    return dir === undefined ? undefined : join(dir, `${key.replace(/[^\w.-]/g, '_')}.bin`);
  };
  return {
    async get(key) {
      const file = await fileOf(key);
      if (file === undefined) return undefined;
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch {
        return undefined;
      }
      const length = data.readUInt32LE(0);
      const header = JSON.parse(data.toString('utf8', 4, 4 + length)) as Instrumented;
      if (header.kind !== 'rewritten') return header;
      // A view of what was read: no copy of the module.
      const start = data.byteOffset + 4 + length;
      const bytes = new Uint8Array(data.buffer as ArrayBuffer, start, data.byteLength - 4 - length);
      return { ...header, bytes };
    },
    async set(key, value) {
      const file = await fileOf(key);
      if (file === undefined) return;
      const { bytes, ...rest } = value.kind === 'rewritten' ? value : { ...value, bytes: new Uint8Array() };
      const header = Buffer.from(JSON.stringify(rest));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.byteLength);
      const partial = `${file}.${process.pid}`;
      await writeFile(partial, Buffer.concat([length, header, bytes]), { mode: 0o600 });
      await rename(partial, file);
      await evictBeyond(dirname(file), MAX_STORED_BYTES);
    },
  };
}

/** The build's directory, made if need be; undefined where it is not the user's alone. */
async function prepare(build: string): Promise<string | undefined> {
  const uid = process.getuid?.() ?? 0;
  const root = join(tmpdir(), `brine-modules-${uid}`);
  const dir = join(root, build);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const path of [root, dir]) {
      const info = await stat(path);
      if (info.uid !== uid || (info.mode & 0o022) !== 0) return undefined;
    }
    // Other builds' modules are of no more use.
    for (const name of await readdir(root)) if (name !== build) await rm(join(root, name), { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}

/** Removes the files written longest ago until the directory holds at most `maxBytes`. */
async function evictBeyond(dir: string, maxBytes: number): Promise<void> {
  const files = await Promise.all(
    (await readdir(dir)).map(async (name) => ({ path: join(dir, name), ...(await stat(join(dir, name))) })),
  );
  let total = files.reduce((sum, file) => sum + file.size, 0);
  for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (total <= maxBytes) return;
    await rm(file.path, { force: true });
    total -= file.size;
  }
}
