import type { WorkerFactory, WorkerHandle } from './types.js';

/**
 * Workers for executions: one execution per worker at a time. A worker that finished cleanly
 * goes back to the idle list for the next execution; a terminated one is replaced by a fresh
 * warm worker in the background, so the next job starts at once.
 */
export class WorkerPool {
  private readonly idle: WorkerHandle[] = [];
  private busy = 0;

  constructor(
    private readonly create: WorkerFactory,
    /** Idle workers kept at most. */
    private readonly maxIdle: number,
  ) {}

  /** Makes sure one worker is ready before it is needed. */
  warm(): void {
    if (this.idle.length === 0 && this.busy < this.maxIdle) this.park(this.spawn());
  }

  acquire(): WorkerHandle {
    const worker = this.idle.pop() ?? this.spawn();
    worker.setIdle(false);
    this.busy++;
    return worker;
  }

  /** Back to the idle list (the worker ended its execution normally). */
  release(worker: WorkerHandle): void {
    this.busy--;
    if (this.idle.length < this.maxIdle) this.park(worker);
    else worker.terminate();
  }

  /** Terminates a busy worker (cancel, timeout, crash) and warms a replacement. */
  discard(worker: WorkerHandle): void {
    this.busy--;
    worker.terminate();
    this.warm();
  }

  dispose(): void {
    for (const worker of this.idle.splice(0)) worker.terminate();
  }

  private spawn(): WorkerHandle {
    const worker = this.create();
    // An idle worker that dies is simply forgotten (a busy one is the executor's to handle).
    worker.onCrash(() => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }

  private park(worker: WorkerHandle): void {
    worker.setIdle(true);
    this.idle.push(worker);
  }
}

/** A counting semaphore: at most `size` executions hold a worker at once; the rest wait in order. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves when a slot is free; rejects (and leaves the queue) if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', abort);
        this.used++;
        resolve();
      };
      const abort = () => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', abort, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    this.used--;
    this.waiting.shift()?.();
  }
}
