import type { Remote } from 'comlink';
import type { RunEvent, WorkerApi } from '../protocol/messages.js';

/**
 * One worker running executions, one at a time. The executor sees only this seam; the browser
 * and Node adapters (browser.ts, node.ts) are the only code that knows which host it runs on.
 */
export interface WorkerHandle {
  readonly api: Remote<WorkerApi>;
  /** Stops the worker at once, even while a guest spins in pure wasm. */
  terminate(): void;
  /** Calls `listener` if the worker dies on its own (an uncaught error, an out-of-memory kill). Returns an unsubscribe. */
  onCrash(listener: (reason: string) => void): () => void;
  /** Listens to the run events the worker posts while a guest runs. Returns an unsubscribe. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Node: an idle worker must not keep the process alive. Browser: nothing to do. */
  setIdle(idle: boolean): void;
}

export type WorkerFactory = () => WorkerHandle;

/** The crash bookkeeping both adapters share: listeners hear of the first unexpected end only. */
export function crashReporter() {
  const listeners = new Set<(reason: string) => void>();
  let ended = false;
  return {
    /** The worker died on its own. */
    crashed(reason: string): void {
      if (ended) return;
      ended = true;
      for (const listener of listeners) listener(reason);
    },
    /** The worker is being terminated on purpose: no crash to report. */
    ended(): void {
      ended = true;
    },
    subscribe(listener: (reason: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
