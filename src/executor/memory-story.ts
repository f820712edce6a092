/** The memory story of a run: every memory.grow the guest made, and why a refused one ended it. */
import { GROW_FIELDS, type GrowBatch, type RunEnd } from '../protocol/messages.js';
import { formatPages, WASM_MAX_PAGES, WASM_PAGE_SIZE } from '../spec/memory.js';
import type { FinalState, GrowEvent, MemoryReport } from './types.js';

/** Grows kept from the start of a run, and from its end: the middle of a longer story is counted. */
export const GROWS_KEPT = 500;

/** The grows of one execution as they arrive, bounded: the first and last `keep`, and counts. */
export class GrowLog {
  private readonly first: GrowEvent[] = [];
  /** The latest grows after the first `keep`, a ring whose oldest is at `next` once full. */
  private readonly last: GrowEvent[] = [];
  private next = 0;
  count = 0;
  refused = 0;
  lastRefused: GrowEvent | undefined;
  /** Modules whose memory.grow is not observed, and why (from the loader). */
  unobserved: MemoryReport['unobserved'] = [];

  constructor(private readonly keep = GROWS_KEPT) {}

  /** Adds a worker's batch; `modules` are the names of the run's planned modules, by index. */
  addBatch(batch: GrowBatch, modules: readonly string[]): void {
    for (let at = 0; at < batch.length; at += GROW_FIELDS) {
      this.add({
        module: modules[batch[at]!]!,
        memory: batch[at + 1]!,
        from: batch[at + 2]!,
        to: batch[at + 3]!,
        granted: batch[at + 4] === 1,
        maximum: batch[at + 5]!,
        time: batch[at + 6]!,
      });
    }
  }

  add(grow: GrowEvent): void {
    this.count++;
    if (!grow.granted) {
      this.refused++;
      this.lastRefused = grow;
    }
    if (this.first.length < this.keep) this.first.push(grow);
    else if (this.last.length < this.keep) this.last.push(grow);
    else {
      this.last[this.next] = grow;
      this.next = (this.next + 1) % this.keep;
    }
  }

  /** The kept grows, in order. */
  kept(): GrowEvent[] {
    return [...this.first, ...this.last.slice(this.next), ...this.last.slice(0, this.next)];
  }
}

/** How the run ended, as far as the explanation tells it. */
export interface StoryEnding {
  state: FinalState;
  exitCode: number;
  end?: RunEnd;
}

/**
 * The memory report: peak and limit, the grows, and the last refused grow explained when the run
 * then failed or exited non-zero.
 */
export function memoryReport(
  peakPages: number,
  totalPages: number,
  limitPages: number,
  grows: GrowLog,
  ending: StoryEnding,
): MemoryReport {
  const report: MemoryReport = {
    peakPages,
    peakBytes: totalPages * WASM_PAGE_SIZE,
    limitPages,
    grows: grows.kept(),
    growCount: grows.count,
    refusedCount: grows.refused,
    ...(grows.lastRefused === undefined ? {} : { lastRefused: grows.lastRefused }),
    unobserved: grows.unobserved,
  };
  // Stopped runs are not explained (in the compatibility mode a cancel completes with a code of its own).
  const unsuccessful =
    ending.state === 'failed' || (ending.state === 'completed' && ending.exitCode !== 0 && ending.end !== undefined);
  if (unsuccessful && report.lastRefused !== undefined) {
    report.message = explainRefusedGrow(report.lastRefused, report, ending);
  }
  return report;
}

/**
 * A refused grow in words, with the numbers: "memory.grow from 40 to 900 pages was refused: the
 * limit is 512 pages (32 MiB); the program then exited with code 1". It names the memory when
 * the run grew more than one.
 */
export function explainRefusedGrow(
  grow: GrowEvent,
  { grows, refusedCount, limitPages }: Pick<MemoryReport, 'grows' | 'refusedCount' | 'limitPages'>,
  ending: StoryEnding,
): string {
  const memories = new Set(grows.map((g) => `${g.module}\0${g.memory}`));
  const which = memories.size > 1 ? ` of memory ${grow.memory} in "${grow.module}"` : '';
  const several = refusedCount > 1 ? ` (the last of ${refusedCount.toLocaleString('en-US')} refused grows)` : '';
  return `memory.grow${which} from ${grow.from.toLocaleString('en-US')} to ${grow.to.toLocaleString('en-US')} pages was refused${several}${why(grow, limitPages)}; ${then(ending)}`;
}

function why({ to, maximum }: GrowEvent, limitPages: number): string {
  if (to <= maximum) return `, below its maximum of ${formatPages(maximum)}: the engine could not reserve the memory`;
  if (maximum < limitPages) return `: the module declares a maximum of ${formatPages(maximum)}`;
  if (limitPages === WASM_MAX_PAGES) return `: a wasm32 memory holds at most ${formatPages(WASM_MAX_PAGES)}`;
  return `: the limit is ${formatPages(limitPages)}`;
}

function then({ exitCode, end }: StoryEnding): string {
  switch (end?.kind) {
    case 'exit':
      return `the program then exited with code ${exitCode}`;
    case 'return':
      return `the entrypoint then returned (exit code ${exitCode})`;
    case 'trap':
      return 'the program then trapped';
    default:
      return 'the run then failed';
  }
}
