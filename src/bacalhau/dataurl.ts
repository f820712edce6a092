/**
 * The data-URL parser of Bacalhau's inline storage (github.com/vincent-petithory/dataurl v1.0.0,
 * lex.go and dataurl.go), ported state by state, with Go's base64.StdEncoding for the data. It is
 * stricter than Brine's own reader (src/spec/inline.ts): the scheme is case-sensitive, the media
 * type must be a known top-level type, base64 must be padded standard base64.
 */

export interface DataUrl {
  /** type/subtype, parameters excluded, as written (text/plain when absent) */
  contentType: string;
  params: Record<string, string>;
  base64: boolean;
  data: Uint8Array;
}

/** Which part of the URL a parse failure is in. */
export type DataUrlPart = 'scheme' | 'mediatype' | 'params' | 'base64-flag' | 'comma' | 'data';

/** A parse failure, with the parser's own message. */
export class DataUrlError extends Error {
  constructor(
    message: string,
    readonly part: DataUrlPart,
  ) {
    super(message);
  }
}

const TSPECIALS = '()<>@,;:\\"/[]?=';
const isTokenChar = (c: string) => c <= '\x7f' && c > ' ' && c !== '\x7f' && !TSPECIALS.includes(c);
const isUrlChar = (c: string) => c <= '\x7f' && c > ' ' && c !== '\x7f' && !'<>#"{}|\\^[]`'.includes(c);
const DISCRETE = ['text', 'image', 'audio', 'video', 'application', 'message', 'multipart'];

/** Parses `url` as dataurl.DecodeString does; throws DataUrlError with its message. */
export function decodeDataUrl(url: string): DataUrl {
  if (!url.startsWith('data:')) throw new DataUrlError('missing data prefix', 'scheme');
  let pos = 5;
  let part: DataUrlPart = 'mediatype';
  const at = () => url[pos];
  const fail = (message: string): never => {
    throw new DataUrlError(message, message === 'missing comma before data' ? 'comma' : part);
  };
  /** Token characters from `pos` up to one of `stops`, with the lexer's errors for the end of input and a bad character. */
  const token = (stops: string, atEnd: string, bad: string): string => {
    const start = pos;
    for (let c = at(); c === undefined || !stops.includes(c); c = at()) {
      if (c === undefined) fail(atEnd);
      if (!isTokenChar(c!)) fail(bad);
      pos++;
    }
    return url.slice(start, pos);
  };
  let type = 'text';
  let subtype = 'plain';
  const params: Record<string, string> = { charset: 'US-ASCII' };
  let base64 = false;

  // Media type (optional): x-token or a discrete/composite type, "/", subtype.
  if (at() !== ';' && at() !== ',') {
    if (at() === undefined) fail('missing comma before data');
    if (!isTokenChar(at()!)) fail('invalid character after data prefix');
    const start = pos;
    const xToken = (at() === 'x' || at() === 'X') && url[pos + 1] === '-';
    pos++;
    if (!xToken && (url[start] === 'x' || url[start] === 'X')) pos++;
    token('/', 'missing media type slash', 'invalid character for media type');
    const mediaType = url.slice(start, pos);
    if (!xToken && !DISCRETE.some((prefix) => mediaType.startsWith(prefix))) fail('invalid media type');
    pos++;
    type = mediaType;
    subtype = token(';,', 'incomplete media type', 'invalid character for media subtype') || subtype;
    delete params.charset;
  }

  // Parameters: ;attr=value (token, or "quoted"), and a final ;base64.
  part = 'params';
  while (at() === ';') {
    pos++;
    const c = at();
    if (c === undefined || c === '=' || c === ',') fail('unterminated parameter sequence');
    if (!isTokenChar(c!)) fail('invalid character for parameter attribute');
    const attr = token('=,', 'unterminated parameter sequence', 'invalid character for parameter attribute');
    if (at() === ',') {
      part = 'base64-flag';
      if (attr !== 'base64') fail(`expected base64, got ${attr}`);
      base64 = true;
      break;
    }
    pos++; // "="
    params[attr] = readParamValue();
    if (at() !== ';' && at() !== ',')
      fail(at() === undefined ? 'missing comma before data' : 'expected semicolon or comma');
  }
  if (at() !== ',') fail(at() === undefined ? 'missing comma before data' : 'expected semicolon or comma');
  pos++;

  const body = url.slice(pos);
  part = 'data';
  if (base64 ? !/^[A-Za-z0-9+/=\n]*$/.test(body) : ![...body].every(isUrlChar)) fail('invalid data character');
  let data: Uint8Array;
  try {
    data = base64 ? decodeBase64(body) : percentDecode(body);
  } catch (error) {
    return fail((error as Error).message);
  }
  return { contentType: `${type}/${subtype}`, params, base64, data };

  function readParamValue(): string {
    const first = at();
    if (first === undefined) fail('missing comma before data');
    if (first === '"') {
      pos++;
      const start = pos;
      for (;;) {
        const c = at();
        if (c === undefined) fail('unclosed quoted string');
        if (c === '"') break;
        if (c! > '\x7f') fail('invalid character for parameter value');
        if (c === '\\') {
          pos++;
          if (at() === undefined) fail('unclosed quoted string');
          if (at()! > '\x7f') fail('invalid escaped character');
        }
        pos++;
      }
      const quoted = url.slice(start, pos);
      pos++;
      try {
        return JSON.parse(`"${quoted}"`) as string;
      } catch {
        return fail('invalid syntax');
      }
    }
    if (!isTokenChar(first!)) fail('invalid character for parameter value');
    const value = token(';,', 'missing comma before data', 'invalid character for parameter value');
    try {
      return new TextDecoder().decode(percentDecode(value));
    } catch (error) {
      return fail((error as Error).message);
    }
  }
}

/** rfc2396.go Unescape: %XX decoded, everything else kept; ASCII only. */
function percentDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new Error('rfc2396: non-ASCII char detected');
    if (c !== 0x25) {
      out.push(c);
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (hex.length < 2) throw new Error('rfc2396: unexpected end of unescape sequence');
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('rfc2396: invalid char 0x25 in unescape sequence');
    out.push(parseInt(hex, 16));
    i += 2;
  }
  return new Uint8Array(out);
}

/** Each base64 character's value, -1 for the others. */
const VALUES = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) {
  VALUES[c.charCodeAt(0)] = i;
}

/** Go's base64.StdEncoding.DecodeString: padding required, \r and \n skipped, no bytes after the padding. */
function decodeBase64(text: string): Uint8Array {
  const corrupt = (offset: number) => new Error(`illegal base64 data at input byte ${offset}`);
  const out = new Uint8Array(Math.ceil(text.length / 4) * 3);
  let length = 0;
  const isNewline = (i: number) => text[i] === '\n' || text[i] === '\r';
  let si = 0;
  while (si < text.length) {
    const quantum = [0, 0, 0, 0];
    let size = 4;
    for (let j = 0; j < 4; j++) {
      if (si === text.length) {
        if (j === 0) return out.subarray(0, length);
        throw corrupt(si - j);
      }
      const code = text.charCodeAt(si++);
      const value = code < 128 ? VALUES[code]! : -1;
      if (value >= 0) {
        quantum[j] = value;
        continue;
      }
      if (code === 10 || code === 13) {
        j--;
        continue;
      }
      if (code !== 61 || j < 2) throw corrupt(si - 1);
      if (j === 2) {
        while (si < text.length && isNewline(si)) si++;
        if (si === text.length) throw corrupt(text.length);
        if (text[si] !== '=') throw corrupt(si - 1);
        si++;
      }
      while (si < text.length && isNewline(si)) si++;
      if (si < text.length) throw corrupt(si);
      size = j;
      break;
    }
    const bits = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
    for (let k = 0; k < size - 1; k++) out[length++] = bytes[k]!;
  }
  return out.subarray(0, length);
}
