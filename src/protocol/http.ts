/**
 * Bacalhau's HTTP host module (`wasi:http/requests`, reference appendix A) as data: its return
 * codes, the request the worker hands to a transport, the reply it gets back, and the record of
 * each request that the result and the UI show.
 */

export const HTTP_MODULE = 'wasi:http/requests';
export const HTTP_FUNCTION = 'http_request';
/** method, url ptr/len, headers ptr/len, body ptr/len, response headers ptr/len ptr, response body ptr/len ptr, status ptr. */
export const HTTP_SIGNATURE = `(${Array(12).fill('i32').join(', ')}) -> (i32)`;

/** http_request's return codes, by value. */
export const HTTP_CODES = [
  'Success',
  'InvalidURL',
  'NetworkError',
  'Timeout',
  'NotAllowed',
  'TooLarge',
  'BadInput',
  'MemoryError',
] as const;
export type HttpCodeName = (typeof HTTP_CODES)[number];
export const HttpCode = Object.fromEntries(HTTP_CODES.map((name, value) => [name, value])) as Record<
  HttpCodeName,
  number
>;

/** The method numbers' names; any other number is GET, as in Bacalhau. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'] as const;

/** Bacalhau's client timeout, per request (redirects and the body included). */
export const HTTP_TIMEOUT_MS = 30_000;

/** What the worker asks a transport to do: one request, already checked against the rule. */
export interface HttpCall {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer> | null;
  /** Response body bytes to read at most (the rest is not read). */
  maxBytes: number;
  timeoutMs: number;
}

/** What a transport answers: a response, or the code of what went wrong and why. */
export interface HttpReply {
  code: number;
  /** The HTTP status, when a response arrived. */
  status?: number;
  /** Response header lines "Key: value" joined by "\n". */
  headers?: string;
  body?: Uint8Array;
  /** The URL of each redirect followed, in order. */
  redirects?: string[];
  /** Why the request was refused or failed, for people. */
  reason?: string;
}

/** One request a guest made, as the result and the UI show it. */
export interface HttpRecord {
  method: string;
  url: string;
  /** http_request's return code and its name. */
  code: number;
  result: HttpCodeName;
  status?: number;
  /** Response body bytes received (up to the memory cap). */
  bytes?: number;
  /** The guest's buffers were smaller than the response: headers or body were cut to fit. */
  truncated?: boolean;
  redirects?: string[];
  /** Why it was refused (NotAllowed) or failed. */
  reason?: string;
  ms: number;
}

/** The URL `text` names (relative to `base`), or null if it names none. */
export function parseUrl(text: string, base?: URL): URL | null {
  try {
    return new URL(text, base);
  } catch {
    return null;
  }
}

/**
 * The body a reply may carry: clamp(0.8 × the caller's memory, 64 KiB, 100 MiB), Bacalhau's
 * calculateMaxResponseSize.
 */
export function maxResponseBytes(memoryBytes: number): number {
  return Math.min(Math.max(Math.floor(memoryBytes * 0.8), 64 * 1024), 100 * 1024 * 1024);
}

/**
 * Go's textproto.CanonicalMIMEHeaderKey: "content-type" → "Content-Type". A key holding a byte
 * that is not a token character is left as it is.
 */
export function canonicalHeaderKey(key: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) return key;
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** Content encodings fetch and browsers decode: the guest gets the decoded body. */
const DECODED = ['gzip', 'x-gzip', 'deflate', 'br', 'zstd'];

/**
 * Response header lines as the guest gets them: canonical keys, one line per value, sorted. As
 * with Go's client, Transfer-Encoding is not a header, and a body that was decoded loses the
 * Content-Encoding and Content-Length that described it encoded.
 */
export function headerLines(entries: Iterable<[string, string]>): string {
  const all = [...entries].map(([key, value]): [string, string] => [key.toLowerCase(), value]);
  const decoded = all.some(([key, value]) => key === 'content-encoding' && DECODED.includes(value.toLowerCase()));
  const dropped = ['transfer-encoding', ...(decoded ? ['content-encoding', 'content-length'] : [])];
  return all
    .filter(([key]) => !dropped.includes(key))
    .map(([key, value]) => `${canonicalHeaderKey(key)}: ${value}`)
    .sort()
    .join('\n');
}

/** The reply as one byte string for a lane: a JSON head, then the body. */
export function encodeReply(reply: HttpReply): Uint8Array {
  const { body, ...head } = reply;
  const json = new TextEncoder().encode(JSON.stringify(head));
  const out = new Uint8Array(4 + json.byteLength + (body?.byteLength ?? 0));
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  if (body !== undefined) out.set(body, 4 + json.byteLength);
  return out;
}

export function decodeReply(bytes: Uint8Array): HttpReply {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as HttpReply;
  return head.status === undefined ? head : { ...head, body: bytes.subarray(4 + length) };
}
