/** Go's formatting and path helpers, as Bacalhau's messages and mount rules use them. */

/** strconv.Quote (fmt %q): Go escapes, printable characters kept. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (GO_ESCAPES[char] !== undefined) out += GO_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(char)) {
      out += code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** time.Duration.String() of a whole number of seconds: "0s", "1m30s", "1h0m0s", "-1s". */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  if (hours > 0) return `${sign}${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${sign}${minutes}m${rest}s`;
  return `${sign}${rest}s`;
}

/** path/filepath.Clean on a slash-separated path: "" → ".", "/a/../b/" → "/b", "a/./b" → "a/b". */
export function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!rooted) parts.push('..');
    } else parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's strings.ToUpper for the characters JavaScript maps one to one (Go keeps ß, ŉ and the like). */
export function goToUpper(text: string): string {
  let out = '';
  for (const char of text) {
    const upper = char.toUpperCase();
    out += [...upper].length === 1 ? upper : char;
  }
  return out;
}

/** The number of bytes of `value` as Go's encoding/json writes it (HTML characters escaped as \u003c). */
export function goJsonSize(value: unknown): number {
  const json = JSON.stringify(value) ?? 'null';
  let size = new TextEncoder().encode(json).length;
  for (const char of json) if (char === '<' || char === '>' || char === '&') size += 5;
  return size;
}
