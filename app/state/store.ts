/** The app's one store (zustand, vanilla so the executor bridge can write it outside React). */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { SerializedError } from '../../src/errors/index';
import type { ExecutionResult, ExecutionState } from '../../src/executor/types';
import type { GraphEdge, GraphNode } from '../../src/loader/graph';
import type { StreamName } from '../../src/logs/types';
import type { DemoInfo } from '../lib/demos';
import { emptyForm, type JobForm } from '../lib/jobForm';

/** The current execution as the UI shows it (written by state/run.ts from executor events). */
export interface RunState {
  id: string | null;
  state: ExecutionState | 'idle';
  result: ExecutionResult | null;
  /** Why the job was refused before it ran (a form field, or the executor's start). */
  refusal: SerializedError | null;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Largest memory seen so far, in pages. */
  memoryPages: number;
}

export const idleRun: RunState = {
  id: null,
  state: 'idle',
  result: null,
  refusal: null,
  nodes: [],
  edges: [],
  memoryPages: 0,
};

export interface AppState {
  /** The job being edited: the source of truth for the YAML view and for runs. */
  form: JobForm;
  /** YAML text being typed or pasted, shown instead of the YAML derived from the form. */
  yamlDraft: string | null;
  yamlError: SerializedError | null;
  demos: DemoInfo[];
  /** The demo last loaded, or "" for a job of the person's own. */
  demoId: string;
  run: RunState;
  /** Bumped at most once per frame while logs arrive (the lines live in logIndex). */
  logVersion: number;
  /** Lines in logIndex at that frame: rows rendered between frames do not pick up newer lines. */
  logCount: number;
  /** Trace records received at that frame (the records live in the executor's Trace: state/trace.ts). */
  traceCalls: number;
  /** The trace record whose details show, by sequence number. */
  traceSelected: number | null;
  /** Bumped to bring the selected record into view (a log line was followed to it). */
  traceReveal: number;
  /** Log lines written by the selected record, to bring into view and mark; `reveal` bumps each time. */
  logFocus: { first: number; last: number; stream: StreamName; reveal: number } | null;
  selectedNode: string | null;
  /** A message for the person (a loaded link, a copied link, a failed load). */
  notice: string | null;
}

export const store = createStore<AppState>()(() => ({
  form: emptyForm(),
  yamlDraft: null,
  yamlError: null,
  demos: [],
  demoId: '',
  run: idleRun,
  logVersion: 0,
  logCount: 0,
  traceCalls: 0,
  traceSelected: null,
  traceReveal: 0,
  logFocus: null,
  selectedNode: null,
  notice: null,
}));

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(store, selector);
}

export function setNotice(notice: string | null): void {
  store.setState({ notice });
}
