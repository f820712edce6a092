import { WASM_PAGE_SIZE } from '../../src/spec/memory';

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Binary units with at most two decimals: "432 B", "16 MiB", "244.25 MiB", "4 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [unit, size] = bytes >= 2 ** 30 ? ['GiB', 2 ** 30] : bytes >= 2 ** 20 ? ['MiB', 2 ** 20] : ['KiB', 2 ** 10];
  return `${Number((bytes / size).toFixed(2))} ${unit}`;
}

/** "256 pages (16 MiB)" */
export function formatPages(pages: number): string {
  return `${pages.toLocaleString('en-US')} page${pages === 1 ? '' : 's'} (${formatBytes(pages * WASM_PAGE_SIZE)})`;
}

export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
