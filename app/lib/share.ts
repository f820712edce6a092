/** The shareable link: `#job=<base64url(gzip(job YAML))>`. */
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import { base64ToBytes, bytesToBase64 } from '../../src/spec/base64';

const PREFIX = '#job=';
/** Links longer than this are unwieldy (and some browsers and chat tools cut them). */
export const SHARE_LIMIT_BYTES = 64 * 1024;

/** The hash for a job YAML, or null when the YAML is over SHARE_LIMIT_BYTES. */
export function encodeShareHash(yaml: string): string | null {
  const bytes = strToU8(yaml);
  if (bytes.byteLength > SHARE_LIMIT_BYTES) return null;
  const base64 = bytesToBase64(gzipSync(bytes, { level: 9, mtime: 0 }));
  return PREFIX + base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The job YAML in a location hash, or null when it has none. Throws when the hash is damaged. */
export function decodeShareHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  return strFromU8(gunzipSync(base64ToBytes(hash.slice(PREFIX.length))));
}
