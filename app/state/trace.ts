/**
 * The current execution's WASI call trace, kept outside React: the executor's own Trace object
 * (records stay in its binary form and are decoded when shown).
 */
import type { Trace } from '../../src/trace/store';

let current: Trace | null = null;

/** The trace of the current execution, once its first records arrived. */
export function currentTrace(): Trace | null {
  return current;
}

export function setCurrentTrace(trace: Trace | null): void {
  current = trace;
}
