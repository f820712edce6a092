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

/**
 * A run that failed or exited non-zero after a refused memory.grow, explained with the numbers
 * and what to do about it; null when no grow was refused before it.
 */
export function explainRefusal(memory: MemoryReport): string | null {
  const { message, lastRefused } = memory;
  if (message === undefined || lastRefused === undefined) return null;
  const remedy =
    lastRefused.maximum < memory.limitPages
      ? "The module's own declared maximum is what stopped it: a larger Resources.Memory does not raise it."
      : lastRefused.to > WASM_MAX_PAGES
        ? `No wasm32 memory can hold ${lastRefused.to.toLocaleString('en-US')} pages.`
        : lastRefused.to <= lastRefused.maximum
          ? 'Try again, or with less memory in use on this machine.'
          : `To grant it, Resources.Memory must be at least ${formatBytes(lastRefused.to * WASM_PAGE_SIZE)}.`;
  return `${message[0]!.toUpperCase()}${message.slice(1)}. A refused memory.grow returns -1 to the program (malloc then returns NULL). ${remedy}`;
}
