/** Inline sources: RFC 2397 data: URLs, with gzip'd tar archives unpacked as directories (as Bacalhau does). */
import { gunzipSync, gzipSync } from 'fflate';
import { errors, errorText } from '../errors/index.js';
import { type FileTree, file } from '../mounts/tree.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { readTar, writeTar } from './tar.js';

/** The media types Brine unpacks as a directory (any case; Bacalhau only exactly application/gzip). */
export const GZIP_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/x-tar+gzip']);
const DATA_URL = /^data:([^,]*),/i;

export function isDataUrl(url: string): boolean {
  return DATA_URL.test(url.trim());
}

function percentDecode(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (!text.includes('%')) return bytes;
  const out = new Uint8Array(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x25 ? String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      out[length++] = parseInt(hex, 16);
      i += 2;
    } else out[length++] = bytes[i]!;
  }
  return out.slice(0, length);
}

/** The content type (lower-cased, `text/plain` when absent) and the bytes of a data: URL. */
export function parseDataUrl(url: string): { contentType: string; data: Uint8Array } {
  const trimmed = url.trim();
  const match = DATA_URL.exec(trimmed);
  if (!match) throw errors.inputConfig(`not a data: URL: "${trimmed.slice(0, 40)}"`);
  const [mediaType = '', ...params] = match[1]!.split(';');
  const isBase64 = params.at(-1)?.trim().toLowerCase() === 'base64';
  const body = trimmed.slice(match[0].length);
  let data: Uint8Array;
  try {
    data = isBase64
      ? base64ToBytes(body.includes('%') ? new TextDecoder().decode(percentDecode(body)) : body)
      : percentDecode(body);
  } catch (error) {
    throw errors.inputConfig(`invalid data URL: ${errorText(error)}`);
  }
  return { contentType: mediaType.trim().toLowerCase() || 'text/plain', data };
}

/** A data: URL as a file tree: a directory for gzip content (a .tar.gz), otherwise one file. */
export function decodeInline(url: string): FileTree {
  const { contentType, data } = parseDataUrl(url);
  if (!GZIP_TYPES.has(contentType)) return file(data);
  let tar: Uint8Array;
  try {
    tar = gunzipSync(data);
  } catch (error) {
    throw errors.inputConfig(`invalid gzip data: ${errorText(error)}`);
  }
  return readTar(tar);
}

/** The inverse of decodeInline: a file as base64 bytes, a directory as a deterministic .tar.gz. */
export function encodeInline(tree: FileTree): string {
  if (tree.kind === 'file') return `data:application/octet-stream;base64,${bytesToBase64(tree.data)}`;
  if (tree.kind === 'symlink') throw errors.inputConfig('a symlink cannot be inlined');
  return `data:application/gzip;base64,${bytesToBase64(gzipSync(writeTar(tree), { mtime: 0 }))}`;
}
