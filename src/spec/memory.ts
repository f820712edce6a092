import { errors } from '../errors/index.js';
import { DEFAULT_MEMORY } from './types.js';

export const WASM_PAGE_SIZE = 65536;
export const WASM_MAX_PAGES = 65536;

const PREFIXES = ['k', 'm', 'g', 't', 'p', 'e'];

/** go-humanize ParseBytes units: SI (k, kb, ...) and binary (ki, kib, ...), case-insensitive. */
const UNITS = new Map<string, number>([
  ['', 1],
  ['b', 1],
  ...PREFIXES.flatMap((p, i): [string, number][] => [
    [p, 1000 ** (i + 1)],
    [`${p}b`, 1000 ** (i + 1)],
    [`${p}i`, 1024 ** (i + 1)],
    [`${p}ib`, 1024 ** (i + 1)],
  ]),
]);

/** go-humanize `ParseBytes`: a number (commas allowed, may be decimal), optional spaces, then a unit. */
export function parseBytes(text: string): number {
  const fail = (reason: string) => errors.spec(`invalid memory "${text}": ${reason}`, 'Tasks[0].Resources.Memory');
  const [, digits = '', rest = ''] = /^([\d.,]*)(.*)$/s.exec(text) ?? [];
  const num = digits.replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)$/.test(num)) throw fail('expected a number followed by an optional unit');
  const unit = rest.trim().toLowerCase();
  const size = UNITS.get(unit);
  if (size === undefined) throw fail(`unhandled size name: ${unit}`);
  const bytes = Number(num) * size;
  if (bytes >= 2 ** 64) throw fail('too large');
  return Math.floor(bytes);
}

/** Bytes rounded up to whole 64 KiB pages; 0 stays 0 ("no limit"). */
export function memoryPages(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE_SIZE);
}

/** Pages for a memory limit, or Bacalhau's MemoryLimitError above 4 GiB (65536 pages). */
export function checkMemoryLimit(bytes: number): number {
  const requestedPages = memoryPages(bytes);
  if (requestedPages > WASM_MAX_PAGES) {
    const gb = (n: number) => (n / 2 ** 30).toFixed(2);
    throw errors.memoryLimit(
      `requested memory exceeds the wasm limit - ${gb(bytes)} GB > ${gb(WASM_MAX_PAGES * WASM_PAGE_SIZE)} GB`,
      { requestedBytes: bytes, requestedPages, maxPages: WASM_MAX_PAGES },
    );
  }
  return requestedPages;
}

const KIB = 1024;
const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
const SI_UNITS = ['kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** The largest power of `base` not above `bytes`, as [exponent, value in that unit]. */
function scaled(bytes: number, base: number): [number, number] {
  let exponent = 0;
  while (exponent < 6 && bytes >= base ** (exponent + 1)) exponent++;
  return [exponent, bytes / base ** exponent];
}

/**
 * A size for people: binary units with up to two decimals ("64 KiB", "1.5 MiB", "244.25 MiB"),
 * or SI units when they make it a whole number and binary ones do not ("512 MB", Bacalhau's default).
 */
export function formatBytes(bytes: number): string {
  const [binary, inBinary] = scaled(bytes, KIB);
  if (binary === 0) return `${bytes} B`;
  const [si, inSi] = scaled(bytes, 1000);
  if (!Number.isInteger(inBinary) && Number.isInteger(inSi)) return `${inSi} ${SI_UNITS[si - 1]}`;
  return `${Number(inBinary.toFixed(2))} ${BINARY_UNITS[binary - 1]}`;
}

/** "256 pages (16 MiB)" */
export function formatPages(pages: number): string {
  return `${pages.toLocaleString('en-US')} page${pages === 1 ? '' : 's'} (${formatBytes(pages * WASM_PAGE_SIZE)})`;
}

/** What a Bacalhau compute node allocates to a job that asks for 0 bytes: its default of 100 MiB. */
const BACALHAU_ZERO_MEMORY_PAGES = 1600;

/**
 * A job's per-memory limit in pages: Resources.Memory (the 512Mb job default when unset) rounded
 * up to 64 KiB pages; 0 means WebAssembly's 65536 in Brine, and 100 MiB as on a Bacalhau node in
 * the compatibility mode. SpecError if unreadable, MemoryLimitError over 4 GiB.
 */
export function jobMemoryLimitPages(memory: string | undefined, bacalhauMode = false): number {
  const pages = checkMemoryLimit(parseBytes(memory ?? DEFAULT_MEMORY));
  if (pages > 0) return pages;
  return bacalhauMode ? BACALHAU_ZERO_MEMORY_PAGES : WASM_MAX_PAGES;
}
