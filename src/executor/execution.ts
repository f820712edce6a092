import type { WorkerHandle } from '../host/types.js';
import type { ImportGraph } from '../loader/graph.js';
import type { LogStore } from '../logs/store.js';
import type { HttpRecord } from '../protocol/http.js';
import type { Job } from '../spec/types.js';
import type { LogReceiver } from './log-receiver.js';
import { GrowLog } from './memory-story.js';
import type { TraceReceiver } from './trace-receiver.js';
import type { ExecutionResult, ExecutionState, FinalState, Timings } from './types.js';

/** Before 'queued': the execution is registered while its inputs are read and mounted. */
type LifecycleState = 'starting' | ExecutionState;

/** The working states in the order an execution goes through them; from any of them it may end. */
const FLOW: readonly LifecycleState[] = ['starting', 'queued', 'loading', 'linking', 'running'];
const FINAL: readonly LifecycleState[] = ['completed', 'failed', 'cancelled', 'timedOut'];

const isFinal = (state: LifecycleState): state is FinalState => FINAL.includes(state);

/** Whether the lifecycle allows `from` → `to`: forward along the flow, or to an end; nothing leaves an end. */
function allowed(from: LifecycleState, to: LifecycleState): boolean {
  if (isFinal(from)) return false;
  return isFinal(to) || FLOW.indexOf(to) > FLOW.indexOf(from);
}

/** The phase each working state measures, in the result's timings. */
const PHASE_OF: Partial<Record<LifecycleState, keyof Timings>> = {
  starting: 'queuedMs',
  queued: 'queuedMs',
  loading: 'compileMs',
  linking: 'linkMs',
  running: 'runMs',
};

/**
 * One execution's bookkeeping on the host side, and its lifecycle: every change of state goes
 * through `transition`, which refuses moves the lifecycle does not allow (nothing leaves a final
 * state), times each phase, and reports the change.
 */
export class Execution {
  private current: LifecycleState = 'starting';
  private enteredAt = performance.now();
  readonly startedAt = this.enteredAt;
  readonly timings: Timings = { queuedMs: 0, compileMs: 0, linkMs: 0, runMs: 0, totalMs: 0 };
  readonly abort = new AbortController();
  worker: WorkerHandle | null = null;
  graph: ImportGraph = { nodes: [], edges: [] };
  /** Largest memory seen, in pages. */
  memoryPages = 0;
  /** The guest's memory.grow calls. */
  readonly grows = new GrowLog();
  /** The guest's HTTP requests, as they ended. */
  readonly http: HttpRecord[] = [];
  /** Requests made past those recorded. */
  httpOmitted = 0;
  /** Where a traced run's records arrive, once the run is sent to a worker. */
  trace: TraceReceiver | null = null;
  result: ExecutionResult | null = null;
  readonly done: Promise<ExecutionResult>;
  private resolveDone!: (result: ExecutionResult) => void;

  constructor(
    readonly id: string,
    readonly job: Job,
    readonly limitPages: number,
    readonly logs: LogStore,
    /** Where the worker's output arrives (kept in `logs`). */
    readonly receiver: LogReceiver,
    private readonly onState: (state: ExecutionState) => void,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  get finished(): boolean {
    return isFinal(this.current);
  }

  /** Moves to `next` if the lifecycle allows it, and reports it; returns whether it moved. */
  transition(next: ExecutionState): boolean {
    if (!this.move(next)) return false;
    this.onState(next);
    return true;
  }

  /**
   * Ends the execution in `state`, unless it has ended already. `build` makes the result once the
   * phases are timed; `announce` hears of it before the final state is reported, so a listener
   * that sees the final state can read the result.
   */
  end(state: FinalState, build: () => ExecutionResult, announce: (result: ExecutionResult) => void): void {
    if (!this.move(state)) return;
    const result = build();
    this.result = result;
    announce(result);
    this.onState(state);
    this.resolveDone(result);
  }

  private move(next: LifecycleState): boolean {
    if (!allowed(this.current, next)) return false;
    const now = performance.now();
    const phase = PHASE_OF[this.current];
    if (phase !== undefined) this.timings[phase] += now - this.enteredAt;
    this.current = next;
    this.enteredAt = now;
    if (isFinal(next)) {
      this.timings.totalMs = now - this.startedAt;
      this.abort.abort(ENDED);
    }
    return true;
  }
}

/** The abort reason of every ended execution (made once: a fresh DOMException per run costs ~20 µs). */
const ENDED = new Error('the execution has ended');
