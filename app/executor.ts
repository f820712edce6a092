/**
 * The bridge to the executor core: the page's one Executor (guests run in Web Workers), whose
 * events are written to the store. Logs are queued in the log index and indexed a time slice per
 * task; React hears of new lines once per frame.
 */
import { Executor } from '../src/executor/executor';
import type { ExecutorEvent } from '../src/executor/types';
import { createBrowserWorker } from '../src/host/browser';
import { serializeError } from './lib/errors';
import { runnableJob } from './lib/jobFiles';
import { invalidEdit } from './state/job';
import { logIndex } from './state/logIndex';
import {
  addHttpRecord,
  applyGraphEvent,
  beginRun,
  clearRunState,
  finishRun,
  refuseRun,
  setMemoryPages,
  setRunState,
} from './state/run';
import { store } from './state/store';

/** Main-thread time per task spent indexing log lines. */
const INDEX_SLICE_MS = 5;
/**
 * While output floods in, the view updates at most this often: rendering every frame would keep
 * the main thread busy and take CPU from the guest's worker.
 */
const UPDATE_INTERVAL_MS = 50;

const executor = new Executor({ createWorker: createBrowserWorker, maxWorkers: 2, onEvent });

let currentId: string | null = null;
/** The last execution the executor accepted (released when the next one starts). */
let startedId: string | null = null;
let runs = 0;
let frame = 0;
let lastUpdate = 0;
let indexTimer: ReturnType<typeof setTimeout> | undefined;
let pendingPages = 0;

function onEvent(event: ExecutorEvent): void {
  const id = event.executionId;
  if (id !== currentId) return;
  switch (event.type) {
    case 'logs':
      logIndex.enqueue(event.events);
      if (indexTimer === undefined) indexLogs();
      return;
    case 'memory':
      pendingPages = Math.max(pendingPages, event.pages);
      scheduleFrame();
      return;
    case 'state':
      // Final states are shown with the result that follows at once, so both appear together.
      if (
        event.state === 'queued' ||
        event.state === 'loading' ||
        event.state === 'linking' ||
        event.state === 'running'
      ) {
        setRunState(id, event.state);
      }
      return;
    case 'graph':
      applyGraphEvent(id, event.event);
      return;
    case 'http':
      addHttpRecord(id, event.record);
      return;
    case 'result':
      logIndex.end();
      if (indexTimer === undefined) indexLogs();
      finishRun(id, event.result);
  }
}

/** Indexes queued logs for one slice, and again in a later task while some are left. */
function indexLogs(): void {
  indexTimer = logIndex.drain(INDEX_SLICE_MS) ? undefined : setTimeout(indexLogs, 0);
  scheduleFrame();
}

function scheduleFrame(): void {
  if (frame === 0) frame = requestAnimationFrame(flushFrame);
}

/** At most once per UPDATE_INTERVAL_MS, on an animation frame: tells React of new lines and memory. */
function flushFrame(): void {
  frame = 0;
  if (performance.now() - lastUpdate < UPDATE_INTERVAL_MS) scheduleFrame();
  else publish();
}

function publish(): void {
  lastUpdate = performance.now();
  store.setState({ logVersion: logIndex.version, logCount: logIndex.count });
  if (currentId !== null && pendingPages > 0) setMemoryPages(currentId, pendingPages);
}

/** Releases (and so stops) the current execution and empties its log; `id`'s events are shown from now on. */
function follow(id: string | null): void {
  if (startedId !== null) executor.release(startedId);
  startedId = null;
  currentId = id;
  pendingPages = 0;
  clearTimeout(indexTimer);
  indexTimer = undefined;
  logIndex.reset();
}

/**
 * Runs the job being edited as a new execution; the previous one is released. Refused while a
 * view holds an edit that does not parse (the job would not be what the person sees).
 */
export async function startRun(): Promise<void> {
  const id = `brine-${++runs}-${Date.now().toString(36)}`;
  follow(id);
  beginRun(id);
  publish();
  const state = store.getState();
  const invalid = invalidEdit(state);
  if (invalid !== null) {
    refuseRun(id, invalid);
    return;
  }
  try {
    await executor.start({ executionId: id, job: runnableJob(state.job, state.files) });
  } catch (error) {
    refuseRun(id, serializeError(error, 'SpecError'));
    return;
  }
  if (currentId === id) startedId = id;
  else executor.release(id); // another job was loaded while this one started
}

/** Another job was loaded: the run of the previous one is stopped and no longer shown. */
function clearRun(): void {
  follow(null);
  clearRunState();
  publish();
}

store.subscribe((state, previous) => {
  if (state.jobSerial !== previous.jobSerial) clearRun();
});

export function cancelRun(): void {
  if (currentId !== null) executor.cancel(currentId).catch(() => {}); // not started: nothing to stop
}

/** Every kept log byte of the current execution, both streams in the order written. */
export async function currentLogBytes(): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  if (startedId === null) return parts;
  for await (const event of executor.getLogStream(startedId)) parts.push(event.data);
  return parts;
}
