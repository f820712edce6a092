/**
 * A small tar writer/reader for inline sources: POSIX ustar with pax and GNU long names;
 * regular files, directories, symlinks (and hard links, read as copies).
 */
import { errors } from '../errors/index.js';
import { type DirectoryEntry, directory, type FileTree, getEntry, setEntry } from '../mounts/tree.js';

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const fail = (cause: string) => errors.inputConfig(`invalid tar archive: ${cause}`);

// ---- writer ----

function paxRecord(key: string, value: string): string {
  const base = encoder.encode(` ${key}=${value}\n`).length;
  let length = base;
  while (length !== base + String(length).length) length = base + String(length).length;
  return `${length} ${key}=${value}\n`;
}

function header(name: string, type: string, size: number, mode: number, link = ''): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, length: number, text: string) =>
    block.set(encoder.encode(text).subarray(0, length), offset);
  const octal = (offset: number, length: number, value: number) =>
    put(offset, length, value.toString(8).padStart(length - 1, '0'));
  put(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  put(148, 8, ' '.repeat(8));
  put(156, 1, type);
  put(157, 100, link);
  put(257, 8, 'ustar\u000000');
  put(
    148,
    8,
    `${block
      .reduce((sum, byte) => sum + byte, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
  );
  return block;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, new Uint8Array(BLOCK - rest)];
}

function entry(
  name: string,
  type: string,
  mode: number,
  data: Uint8Array = new Uint8Array(0),
  link = '',
): Uint8Array[] {
  const long = encoder.encode(name).length > 100 || encoder.encode(link).length > 100;
  const pax = long ? encoder.encode(paxRecord('path', name) + (link ? paxRecord('linkpath', link) : '')) : undefined;
  return [
    ...(pax ? [header('PaxHeader', 'x', pax.length, 0o644), ...padded(pax)] : []),
    header(name, type, data.length, mode, link),
    ...padded(data),
  ];
}

function entries(dir: DirectoryEntry, prefix: string): Uint8Array[] {
  return Object.keys(dir.entries)
    .sort()
    .flatMap((name) => {
      const node = dir.entries[name]!;
      const path = prefix + name;
      if (node.kind === 'file') return entry(path, '0', 0o644, node.data);
      if (node.kind === 'symlink') return entry(path, '2', 0o777, undefined, node.target);
      return [...entry(`${path}/`, '5', 0o755), ...entries(node, `${path}/`)];
    });
}

/** A deterministic tar of a directory's contents: sorted entries, zero mtimes, uid/gid 0. */
export function writeTar(dir: DirectoryEntry): Uint8Array {
  const chunks = [...entries(dir, ''), new Uint8Array(2 * BLOCK)];
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

// ---- reader ----

const text = (bytes: Uint8Array) => {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
};

function number(field: Uint8Array): number {
  if (field[0]! & 0x80) return field.subarray(1).reduce((value, byte) => value * 256 + byte, field[0]! & 0x7f);
  const digits = text(field).trim();
  if (!/^[0-7]*$/.test(digits)) throw fail(`bad number field "${digits}"`);
  return digits === '' ? 0 : parseInt(digits, 8);
}

function parsePax(body: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  for (const line of decoder.decode(body).split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) records[match[1]!] = match[2]!;
  }
  return records;
}

function pathParts(name: string): string[] {
  if (name.startsWith('/')) throw errors.inputConfig(`archive entry "${name}" has an absolute path`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw errors.inputConfig(`archive entry "${name}" has a ".." component`);
  return parts;
}

function lookup(root: DirectoryEntry, parts: string[]): FileTree | undefined {
  let node: FileTree | undefined = root;
  for (const part of parts) node = node?.kind === 'directory' ? getEntry(node, part) : undefined;
  return node;
}

function insert(root: DirectoryEntry, name: string, node: FileTree): void {
  const parts = pathParts(name);
  const last = parts.pop();
  if (last === undefined) {
    if (node.kind === 'directory') return;
    throw errors.inputConfig(`archive entry "${name}" has no name`);
  }
  let dir = root;
  for (const part of parts) {
    let next = getEntry(dir, part);
    if (next === undefined) {
      next = directory();
      setEntry(dir, part, next);
    }
    if (next.kind !== 'directory') throw errors.inputConfig(`archive entry "${name}": "${part}" is not a directory`);
    dir = next;
  }
  if (node.kind !== 'directory' || getEntry(dir, last)?.kind !== 'directory') setEntry(dir, last, node);
}

/** One entry of a tar archive, long names (pax, GNU) applied. */
export interface TarEntry {
  name: string;
  /** The typeflag: "0" (or "\0", "7") file, "5" directory, "2" symlink, "1" hard link, ... */
  type: string;
  link: string;
  mode: number;
  data: Uint8Array;
}

/** The entries of a tar archive, in order (pax and GNU long-name records folded into the entry they name). */
export function tarEntries(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let offset = 0; offset + BLOCK <= bytes.length; ) {
    const block = bytes.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const sum = block.reduce((total, byte, i) => total + (i >= 148 && i < 156 ? 32 : byte), 0);
    if (number(block.subarray(148, 156)) !== sum) throw fail('header checksum mismatch');
    const type = String.fromCharCode(block[156]!);
    const size = pax.size !== undefined && !/[xgLK]/.test(type) ? Number(pax.size) : number(block.subarray(124, 136));
    const body = bytes.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw fail('truncated entry');
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') pax = { ...pax, ...parsePax(body) };
    else if (type === 'L') longName = text(body);
    else if (type === 'K') longLink = text(body);
    else if (type !== 'g') {
      const prefix = text(block.subarray(257, 263)) === 'ustar' ? text(block.subarray(345, 500)) : '';
      entries.push({
        name: pax.path ?? longName ?? (prefix ? `${prefix}/` : '') + text(block.subarray(0, 100)),
        type,
        link: pax.linkpath ?? longLink ?? text(block.subarray(157, 257)),
        mode: number(block.subarray(100, 108)),
        data: body,
      });
      pax = {};
      longName = longLink = undefined;
    }
  }
  return entries;
}

/** Reads a tar archive into a directory tree. Device and FIFO entries are skipped. */
export function readTar(bytes: Uint8Array): DirectoryEntry {
  const root = directory();
  for (const { name, type, link, data } of tarEntries(bytes)) {
    if (type === '0' || type === '\0' || type === '7') insert(root, name, { kind: 'file', data: data.slice() });
    else if (type === '5') insert(root, name, directory());
    else if (type === '2') insert(root, name, { kind: 'symlink', target: link });
    else if (type === '1') {
      const target = lookup(root, pathParts(link));
      if (target?.kind !== 'file') throw fail(`hard link "${name}" to a missing file "${link}"`);
      insert(root, name, { kind: 'file', data: target.data.slice() });
    }
  }
  return root;
}
