/** Memory limits in words, with the numbers (reference §4: pages of 64 KiB, at most 4 GiB). */
import type { SerializedError } from '../../src/errors/index';
import type { MemoryReport } from '../../src/executor/types';
import {
  checkMemoryLimit,
  formatBytes,
  formatPages,
  parseBytes,
  WASM_MAX_PAGES,
  WASM_PAGE_SIZE,
} from '../../src/spec/memory';
import { DEFAULT_MEMORY } from '../../src/spec/types';
import { serializeError } from './errors';

/** What the memory field means: the per-memory page limit, or why it is refused. */
export function describeMemoryField(text: string): { ok: boolean; text: string } {
  const value = text.trim() || DEFAULT_MEMORY;
  try {
    const pages = checkMemoryLimit(parseBytes(value));
    const limit = pages === 0 ? `no limit: ${formatPages(WASM_MAX_PAGES)}` : formatPages(pages);
    return { ok: true, text: `${text.trim() === '' ? `default ${DEFAULT_MEMORY}: ` : ''}${limit} per memory` };
  } catch (error) {
    const refused = serializeError(error, 'SpecError');
    return { ok: false, text: explainMemoryError(refused) ?? refused.message };
  }
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The two memory errors, explained with their numbers; null for any other error. */
export function explainMemoryError(error: SerializedError | null): string | null {
  if (error?.code !== 'MemoryLimitError') return null;
  const details = error.details ?? {};
  const requestedBytes = num(details.requestedBytes);
  const requestedPages = num(details.requestedPages);
  if (requestedBytes !== undefined && requestedPages !== undefined) {
    return (
      `The job asks for ${formatBytes(requestedBytes)}, which is ${requestedPages.toLocaleString('en-US')} pages of 64 KiB, ` +
      `but a wasm32 memory holds at most ${formatPages(WASM_MAX_PAGES)}. Set Resources.Memory to 4GiB or less.`
    );
  }
  const minPages = num(details.minPages);
  const limitPages = num(details.limitPages);
  if (minPages !== undefined && limitPages !== undefined) {
    return (
      `Module "${String(details.module)}" declares a memory of at least ${formatPages(minPages)}, ` +
      `over the limit of ${formatPages(limitPages)}, so it cannot be instantiated. ` +
      `Raise Resources.Memory to at least ${formatBytes(minPages * WASM_PAGE_SIZE)}.`
    );
  }
  return error.message;
}

/** A run that ended at its memory limit, explained; null when it did not reach it. */
export function explainLimitReached(memory: MemoryReport): string | null {
  if (memory.message === undefined) return null;
  return (
    `${memory.message}: the guest's memory grew to ${formatPages(memory.peakPages)} of the ${formatPages(memory.limitPages)} allowed, ` +
    'and growing it further was refused (malloc returns NULL). Raise Resources.Memory to give it more.'
  );
}
