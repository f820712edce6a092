import { GROW_HOOK_NAME, type GrowHooks, maximumPages } from '../loader/grow-hooks.js';
import { GROW_FIELDS, type GrowBatch } from '../protocol/messages.js';
import { WASM_PAGE_SIZE } from '../spec/memory.js';

/** Grows sent at most in one batch. */
const BATCH_GROWS = 1024;

/**
 * Worker side of the memory story: provides instrumented modules their grow hook (and the
 * memories they used to define), and sends the grows to the host batched as the logs are: a grow
 * after a quiet spell goes out at once, later ones wait for `flushMs` to pass, a full batch, or
 * the end. A guest computing without host calls cannot be interrupted, so the age of a waiting
 * batch is checked at its other host calls too (`flushIfStale`).
 */
export class GrowRecorder {
  /** Made at the first grow: most runs make none, and a run's setup is on P2's path. */
  private batch: Float64Array<ArrayBuffer> | null = null;
  private length = 0;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly flushMs: number,
    private readonly send: (events: GrowBatch) => void,
    /** Milliseconds since the worker began linking. */
    private readonly now: () => number,
  ) {}

  /**
   * The import module `hooks.module` of the planned module at `moduleIndex`, given the imports
   * of its other modules: its grow hook and the memories the host makes for it (also returned).
   */
  provide(
    moduleIndex: number,
    hooks: GrowHooks,
    imports: WebAssembly.Imports,
  ): { namespace: WebAssembly.ModuleImports; made: WebAssembly.Memory[] } {
    const namespace: WebAssembly.ModuleImports = {};
    const made: WebAssembly.Memory[] = [];
    const memories = hooks.memories.map((hooked) => {
      if (!hooked.provided) return imports[hooked.module]?.[hooked.name] as WebAssembly.Memory;
      const memory = new WebAssembly.Memory({
        initial: hooked.minimum,
        ...(hooked.maximum === undefined ? {} : { maximum: hooked.maximum }),
        shared: hooked.shared,
      });
      namespace[hooked.name] = memory;
      made.push(memory);
      return memory;
    });
    const maximums = hooks.memories.map(maximumPages);
    namespace[GROW_HOOK_NAME] = (delta: number, index: number): number => {
      const memory = memories[index]!;
      const from = memory.buffer.byteLength / WASM_PAGE_SIZE;
      const to = from + (delta >>> 0);
      const maximum = maximums[index]!;
      let granted = to <= maximum;
      // Growing by 0 changes nothing, but Memory.grow would still replace the memory's buffer.
      if (granted && to > from) {
        try {
          memory.grow(to - from);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          granted = false; // the engine could not reserve the memory
        }
      }
      this.record(moduleIndex, index, from, to, granted, maximum);
      return granted ? from : -1;
    };
    return { namespace, made };
  }

  private record(module: number, memory: number, from: number, to: number, granted: boolean, maximum: number): void {
    const time = this.now();
    this.batch ??= new Float64Array(BATCH_GROWS * GROW_FIELDS);
    const { batch } = this;
    let at = this.length * GROW_FIELDS;
    batch[at++] = module;
    batch[at++] = memory;
    batch[at++] = from;
    batch[at++] = to;
    batch[at++] = granted ? 1 : 0;
    batch[at++] = maximum;
    batch[at] = time;
    this.length++;
    if (this.length === BATCH_GROWS || time - this.lastFlush >= this.flushMs) this.flush();
  }

  /** Sends waiting grows whose flush was held back, if that was `flushMs` ago. */
  flushIfStale(): void {
    if (this.length > 0 && this.now() - this.lastFlush >= this.flushMs) this.flush();
  }

  flush(): void {
    this.lastFlush = this.now();
    if (this.length === 0) return;
    const events = this.batch!.slice(0, this.length * GROW_FIELDS);
    this.length = 0;
    this.send(events);
  }
}
