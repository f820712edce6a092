/** The app's one store (zustand, vanilla so the executor bridge can write it outside React). */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { SerializedError } from '../../src/errors/index';
import type { ExecutionResult, ExecutionState } from '../../src/executor/types';
import type { GraphEdge, GraphNode } from '../../src/loader/graph';
import type { StreamName } from '../../src/logs/types';
import type { HttpRecord } from '../../src/protocol/http';
import type { Finding } from '../../src/spec/findings';
import { type Job, newJob } from '../../src/spec/types';
import type { DemoInfo } from '../lib/demos';
import type { JobFiles } from '../lib/jobFiles';
import type { TextField } from '../lib/jobForm';

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
  /** The guest's HTTP requests so far. */
  http: HttpRecord[];
}

export const idleRun: RunState = {
  id: null,
  state: 'idle',
  result: null,
  refusal: null,
  nodes: [],
  edges: [],
  memoryPages: 0,
  http: [],
};

/** Text typed in a view, kept as typed; `error` when it does not parse (the job then keeps its last value). */
export interface Draft {
  text: string;
  error: SerializedError | null;
}

export interface YamlDraft extends Draft {
  /** Keys the job has no field for, with the closest known key; the text is kept until they are fixed or dropped. */
  warnings: Finding[];
}

/** A new job: nothing to run yet, in a batch job named brine-job that calls _start without a network. */
export const blankJob = (): Job =>
  newJob('', {
    name: 'brine-job',
    type: 'batch',
    taskName: 'main',
    entrypoint: '_start',
    network: { type: 'None', domains: [] },
  });

export interface AppState {
  /** The job being edited, as written: the source of truth for the form, the YAML view and runs. */
  job: Job;
  /** The files its localDirectory sources read (dropped, picked, or fetched with a demo). */
  files: JobFiles;
  /** Form fields whose text is kept as typed (while it differs from the job's, or does not parse). */
  drafts: Partial<Record<TextField, Draft>>;
  /** YAML text being typed or pasted, shown instead of the job's YAML. */
  yamlDraft: YamlDraft | null;
  /** Bumped when another job replaces the one being edited: the run shown belongs to the old one. */
  jobSerial: number;
  demos: DemoInfo[];
  /** The demo loaded, while the job is still exactly it; "" once edited, and for a job of the person's own. */
  demoId: string;
  /** The demo the job began as, kept while it is edited (its note stays beside it); "" for a job of the person's own. */
  startedFromDemo: string;
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
  job: blankJob(),
  files: {},
  drafts: {},
  yamlDraft: null,
  jobSerial: 0,
  demos: [],
  demoId: '',
  startedFromDemo: '',
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
