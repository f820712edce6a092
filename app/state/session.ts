/**
 * The job kept across a reload of the tab (the job, not its run): the job, its drafts and the demo
 * it is go to sessionStorage, written at once when the page is hidden so a reload right after an
 * edit keeps it; the job's files, which may be large, go to IndexedDB under this tab's session id,
 * each written once. An unchanged demo is kept as its id alone. Sessions unused for two weeks are
 * deleted with their files. A duplicated tab copies the sessionStorage, id included: each tab
 * holds a Web Lock on its id, and a tab that finds its id held by another takes a new one.
 */

import type { FileTree } from '../../src/mounts/tree';
import { jobFromJson, jobToJson } from '../../src/spec/json';
import type { JobFiles } from '../lib/jobFiles';
import { type AppState, type Draft, store, type YamlDraft } from './store';

const SESSION_ID = 'brine.session';
const SAVED = 'brine.job';
/** Written to SAVED when the record did not fit in sessionStorage and went to IndexedDB instead. */
const IN_DATABASE = 'indexeddb';
const SAVE_DELAY_MS = 150;
const SESSION_LIFETIME_MS = 14 * 24 * 3600 * 1000;

interface SavedRecord {
  /** location.hash when saved: a link opened since (another hash) wins over the saved job. */
  hash: string;
  demoId: string;
  /** jobToJson of the job; absent when it is the demo's, unchanged. */
  job?: unknown;
  drafts: Partial<Record<string, Draft>>;
  yamlDraft: YamlDraft | null;
  /** The demo an edited job began as (records saved before it have none). */
  startedFromDemo?: string;
}

export interface SavedEdits {
  hash: string;
  demoId: string;
  /** The edited job; absent for an unchanged demo (load it again). */
  edits?: Pick<AppState, 'job' | 'files' | 'drafts' | 'yamlDraft' | 'startedFromDemo'>;
}

/** This tab's session, once claimed (see claimSession). */
let claimed: string | undefined;

function newSessionId(): string {
  const id = crypto.randomUUID();
  sessionStorage.setItem(SESSION_ID, id);
  return id;
}

function sessionId(): string {
  claimed ??= sessionStorage.getItem(SESSION_ID) ?? newSessionId();
  return claimed;
}

/** Holds the lock `name` for the life of the page, if no other page holds it; resolves with whether it got it. */
function holdLock(name: string): Promise<boolean> {
  return new Promise((granted) => {
    void navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      granted(lock !== null);
      return lock === null ? undefined : new Promise<void>(() => {});
    });
  });
}

/**
 * This tab's session id: the one its sessionStorage holds, unless another tab holds it (a
 * duplicated tab), then a new one, whose files are written in full at the next save. Returns the
 * id the saved job was written under.
 */
async function claimSession(): Promise<string> {
  const saved = sessionId();
  if (!('locks' in navigator) || (await holdLock(`brine.session.${saved}`))) return saved;
  claimed = newSessionId();
  await holdLock(`brine.session.${claimed}`);
  return saved;
}

// IndexedDB: "files" holds one FileTree per [session, SourcePath]; "sessions" when each was last saved.

let database: Promise<IDBDatabase> | undefined;

function openDatabase(): Promise<IDBDatabase> {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open('brine', 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('files');
      request.result.createObjectStore('sessions');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

const done = (request: IDBRequest | IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    if (request instanceof IDBTransaction) {
      request.oncomplete = () => resolve();
      request.onerror = request.onabort = () => reject(request.error);
    } else {
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    }
  });

const result = <T>(request: IDBRequest<T>): Promise<T> => done(request).then(() => request.result);

/** Every key [id, path] of one session (arrays sort after strings, so [id, []] follows all of them). */
const sessionRange = (id: string) => IDBKeyRange.bound([id], [id, []]);

async function readSavedFiles(id: string): Promise<JobFiles> {
  const db = await openDatabase();
  const files = db.transaction('files').objectStore('files');
  const [keys, trees] = await Promise.all([
    result(files.getAllKeys(sessionRange(id))),
    result(files.getAll(sessionRange(id))),
  ]);
  return Object.fromEntries(keys.map((key, i) => [(key as [string, string])[1], trees[i] as FileTree]));
}

/** Deletes the sessions (and their files) not saved for SESSION_LIFETIME_MS. */
async function deleteOldSessions(): Promise<void> {
  const db = await openDatabase();
  const sessions = db.transaction('sessions').objectStore('sessions');
  const [ids, saved] = await Promise.all([result(sessions.getAllKeys()), result(sessions.getAll())]);
  const old = ids.filter((_, i) => (saved[i] as { savedAt: number }).savedAt < Date.now() - SESSION_LIFETIME_MS);
  if (old.length === 0) return;
  const transaction = db.transaction(['files', 'sessions'], 'readwrite');
  for (const id of old as string[]) {
    transaction.objectStore('files').delete(sessionRange(id));
    transaction.objectStore('sessions').delete(id);
  }
  await done(transaction);
}

/** The files IndexedDB holds for this session, as last written. */
let savedFiles = new Map<string, FileTree>();

/** Writes the files that changed since the last save (each tree at most once) and drops the others. */
async function saveFiles(id: string, files: JobFiles, record?: SavedRecord): Promise<void> {
  const changed = Object.entries(files).filter(([key, tree]) => savedFiles.get(key) !== tree);
  const gone = [...savedFiles.keys()].filter((key) => !Object.hasOwn(files, key));
  savedFiles = new Map(Object.entries(files));
  const db = await openDatabase();
  const transaction = db.transaction(['files', 'sessions'], 'readwrite');
  for (const [key, tree] of changed) transaction.objectStore('files').put(tree, [id, key]);
  for (const key of gone) transaction.objectStore('files').delete([id, key]);
  transaction.objectStore('sessions').put({ savedAt: Date.now(), ...(record ? { record } : {}) }, id);
  await done(transaction);
}

function record(state: AppState): SavedRecord {
  const edited = state.demoId === '';
  return {
    hash: location.hash,
    demoId: state.demoId,
    ...(edited ? { job: jobToJson(state.job) } : {}),
    drafts: edited ? state.drafts : {},
    yamlDraft: edited ? state.yamlDraft : null,
    ...(edited ? { startedFromDemo: state.startedFromDemo } : {}),
  };
}

function save(): void {
  const state = store.getState();
  const saved = record(state);
  let inDatabase = false;
  try {
    try {
      sessionStorage.setItem(SAVED, JSON.stringify(saved));
    } catch {
      // Over the storage quota (inline data in the job): the record goes with the files.
      sessionStorage.setItem(SAVED, IN_DATABASE);
      inDatabase = true;
    }
    saveFiles(sessionId(), state.demoId === '' ? state.files : {}, inDatabase ? saved : undefined).catch(
      reportSaveFailure,
    );
  } catch (error) {
    reportSaveFailure(error); // no storage at all (disabled by the browser)
  }
}

let warned = false;
function reportSaveFailure(error: unknown): void {
  if (warned) return;
  warned = true;
  store.setState({ notice: `The job cannot be kept across a reload: ${String(error)}` });
}

/** The job saved by this tab before it was reloaded, or null. */
export async function readSavedEdits(): Promise<SavedEdits | null> {
  const id = await claimSession();
  const raw = sessionStorage.getItem(SAVED);
  if (raw === null) return null;
  let saved: SavedRecord;
  if (raw === IN_DATABASE) {
    const db = await openDatabase();
    const entry = await result(db.transaction('sessions').objectStore('sessions').get(id));
    if (entry?.record === undefined) return null;
    saved = entry.record as SavedRecord;
  } else saved = JSON.parse(raw) as SavedRecord;
  if (saved.job === undefined) return { hash: saved.hash, demoId: saved.demoId };
  const files = await readSavedFiles(id);
  // A tab that took a new id has saved nothing under it yet.
  savedFiles = id === sessionId() ? new Map(Object.entries(files)) : new Map();
  return {
    hash: saved.hash,
    demoId: saved.demoId,
    edits: {
      job: jobFromJson(saved.job),
      files,
      drafts: saved.drafts as AppState['drafts'],
      yamlDraft: saved.yamlDraft,
      startedFromDemo: saved.startedFromDemo ?? '',
    },
  };
}

/** From now on, saves the job whenever it changes (after a short pause, or at once when the page is hidden). */
export function keepEdits(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    save();
  };
  store.subscribe((state, previous) => {
    const changed =
      state.job !== previous.job ||
      state.files !== previous.files ||
      state.drafts !== previous.drafts ||
      state.yamlDraft !== previous.yamlDraft ||
      state.demoId !== previous.demoId;
    if (changed && timer === undefined) timer = setTimeout(flush, SAVE_DELAY_MS);
  });
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  save();
  deleteOldSessions().catch(() => {}); // housekeeping only
}
