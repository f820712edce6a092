import { describe, expect, it } from 'vitest';
import { isBrineError } from '../errors/index.js';
import { checkMemoryLimit, formatBytes, memoryPages, parseBytes, WASM_MAX_PAGES, WASM_PAGE_SIZE } from './memory.js';

describe('parseBytes', () => {
  it.each([
    ['512Mb', 512_000_000],
    ['256Mb', 256_000_000],
    ['1Gb', 1_000_000_000],
    ['4GB', 4_000_000_000],
    ['512MiB', 512 * 2 ** 20],
    ['64KiB', 65536],
    ['1 kB', 1000],
    ['1024', 1024],
    ['10b', 10],
    ['1.5k', 1500],
    ['1.5Ki', 1536],
    ['0.3B', 0],
    ['1,000 MB', 1e9],
    ['2t', 2e12],
    ['1e', 1e18],
    ['3gib ', 3 * 2 ** 30],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(['', 'abc', '12 parsecs', '-1Mb', '1.2.3Mb', ' 1Mb', 'Mb', '1e3'])('rejects %j as a SpecError', (text) => {
    try {
      parseBytes(text);
      expect.unreachable();
    } catch (error) {
      expect(isBrineError(error, 'SpecError')).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(`^invalid WASM spec: invalid memory "${text.replace(/[.]/g, '\\.')}": `),
      );
      expect((error as { details?: unknown }).details).toEqual({ field: 'Tasks[0].Resources.Memory' });
    }
  });

  it('rejects values of 2^64 bytes and more', () => {
    expect(() => parseBytes('16EiB')).toThrow(/too large/);
  });
});

describe('memory pages and the 4 GiB limit', () => {
  it('has wasm32 page constants', () => {
    expect(WASM_PAGE_SIZE).toBe(65536);
    expect(WASM_MAX_PAGES).toBe(65536);
  });

  it.each([
    ['512Mb', 7813],
    ['256Mb', 3907],
    ['1Gb', 15259],
    ['4GB', 61036],
    ['4GiB', 65536],
    ['512MiB', 8192],
    ['64KiB', 1],
    ['1', 1],
    ['0', 0],
  ])('%s is %d pages and allowed', (text, pages) => {
    expect(memoryPages(parseBytes(text))).toBe(pages);
    expect(checkMemoryLimit(parseBytes(text))).toBe(pages);
  });

  it.each([
    ['5GB', 76294, '4.66 GB > 4.00 GB'],
    ['5GiB', 81920, '5.00 GB > 4.00 GB'],
    ['4294967297', 65537, '4.00 GB > 4.00 GB'],
  ])('%s (%d pages) is a MemoryLimitError: %s', (text, pages, numbers) => {
    const bytes = parseBytes(text);
    try {
      checkMemoryLimit(bytes);
      expect.unreachable();
    } catch (error) {
      expect(isBrineError(error, 'MemoryLimitError')).toBe(true);
      expect((error as Error).message).toBe(`requested memory exceeds the wasm limit - ${numbers}`);
      expect((error as { details?: unknown }).details).toEqual({
        requestedBytes: bytes,
        requestedPages: pages,
        maxPages: 65536,
      });
    }
  });
});

describe('formatBytes', () => {
  it.each([
    [512e6, '512 MB'],
    [65536, '64 KiB'],
    [4 * 2 ** 30, '4 GiB'],
    [1000, '1000 B'],
    [1500, '1.46 KiB'],
    [1_000_000, '1 MB'],
    [1_500_000, '1.43 MiB'],
    [1536 * 1024, '1.5 MiB'],
    [1_234_567_890, '1.15 GiB'],
    [100, '100 B'],
    [0, '0 B'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
