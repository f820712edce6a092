/**
 * Changes to the job being edited, from its two views (the form's controls and the YAML editor),
 * demos, shared links and a restored session. The job is the one model: each view edits it and
 * shows it, and text that does not parse is kept as a draft with its error, never run.
 *
 * A draft stays while the part of the job it shows is not changed from elsewhere: a form field's
 * until its field changes (in the YAML, or by loading a job), the YAML text until the job changes
 * through the form. Valid YAML text is replaced by the job's own YAML when the editor is left,
 * unless it has unknown keys: then it stays, with the warnings, until they are fixed or dropped.
 */
import type { SerializedError } from '../../src/errors/index';
import { normalizePath } from '../../src/mounts/paths';
import { type FileTree, file } from '../../src/mounts/tree';
import { parseJobDocument } from '../../src/spec/parse';
import type { BrineOptions, InputSource, Job, SourceSpec } from '../../src/spec/types';
import { serializeError } from '../lib/errors';
import type { PickedItem } from '../lib/files';
import { isWritable, type JobFiles, keepReferenced, localSource, sourceContent, uniqueKey } from '../lib/jobFiles';
import {
  inputAt,
  newModuleTarget,
  newMountTarget,
  TEXT_FIELD_NAMES,
  TEXT_FIELDS,
  type TextField,
} from '../lib/jobForm';
import { withFileSources, yamlSources } from '../lib/jobYaml';
import { type AppState, blankJob, type Draft, setNotice, store } from './store';

/** The drafts still showing a field the change from `before` to `after` left alone (and the one being typed). */
function keptDrafts(state: AppState, before: Job, after: Job, typing?: TextField): AppState['drafts'] {
  const drafts: AppState['drafts'] = {};
  for (const field of TEXT_FIELD_NAMES) {
    const draft = state.drafts[field];
    if (draft === undefined) continue;
    const { format } = TEXT_FIELDS[field];
    if (field === typing || format(before) === format(after)) drafts[field] = draft;
  }
  return drafts;
}

/**
 * A change made through the form: the YAML view shows the new job, which is no longer a demo's;
 * files nothing reads any more are let go. `typed` is the field whose text made the change.
 */
function edit(job: Job, files = store.getState().files, typed?: { field: TextField; text: string }): void {
  const state = store.getState();
  const drafts = keptDrafts(state, state.job, job, typed?.field);
  if (typed !== undefined) drafts[typed.field] = { text: typed.text, error: null };
  store.setState({ job, files: keepReferenced(job, files), drafts, yamlDraft: null, demoId: '' });
}

/** Text typed in a form field: the job takes its value if it parses; either way the text stays as typed. */
export function setField(field: TextField, text: string): void {
  const { job, drafts } = store.getState();
  let next: Job;
  try {
    next = TEXT_FIELDS[field].read(job, text);
  } catch (error) {
    const draft: Draft = { text, error: serializeError(error, 'SpecError') };
    store.setState({ drafts: { ...drafts, [field]: draft }, demoId: '' });
    return;
  }
  edit(next, undefined, { field, text });
}

export function setEntryModule(target: string): void {
  edit({ ...store.getState().job, entryModule: target });
}

/** Sets one of Brine's options (Engine.Params.Brine); `undefined` leaves it out of the job. */
function setBrineOption<K extends keyof BrineOptions>(key: K, value: BrineOptions[K] | undefined): void {
  const job = store.getState().job;
  const { [key]: _, ...brine } = job.brine;
  edit({ ...job, brine: (value === undefined ? brine : { ...brine, [key]: value }) as BrineOptions });
}

/** Runs the job with Bacalhau's observable behaviour (Engine.Params.Brine.Compat), or with Brine's. */
export const setBacalhauMode = (on: boolean) => setBrineOption('compat', on ? 'bacalhau' : undefined);

/** Records every WASI call of the next run (Engine.Params.Brine.Trace). */
export const setTrace = (on: boolean) => setBrineOption('trace', on ? true : undefined);

const withInput = (job: Job, index: number, input: InputSource): Job => ({
  ...job,
  inputs: job.inputs.map((old, i) => (i === index ? input : old)),
});

/**
 * Puts `tree` at `target`: a new input, or, when an input is already mounted there, that input
 * reads the new files instead (so dropping a new build of main.wasm replaces the old one).
 */
function putFiles(
  job: Job,
  files: JobFiles,
  target: string,
  name: string,
  tree: FileTree,
): { job: Job; files: JobFiles; replaced: boolean } {
  const key = uniqueKey(files, name);
  const withFile = { ...files, [key]: tree };
  const at = inputAt(job, target);
  if (at < 0)
    return {
      job: { ...job, inputs: [...job.inputs, { target, source: localSource(key) }] },
      files: withFile,
      replaced: false,
    };
  const old = job.inputs[at]!;
  return {
    job: withInput(job, at, { ...old, source: localSource(key, isWritable(old.source)) }),
    files: withFile,
    replaced: true,
  };
}

/** Adds .wasm files: the first becomes main.wasm if the job has no entry module; one at a taken target replaces it. */
export function addModules(modules: readonly { name: string; data: Uint8Array }[]): void {
  let { job, files } = store.getState();
  const replaced: string[] = [];
  for (const { name, data } of modules) {
    const { target, isEntry } = newModuleTarget(job, name);
    const put = putFiles(job, files, target, name, file(data));
    ({ job, files } = put);
    if (isEntry) job = { ...job, entryModule: target };
    if (put.replaced) replaced.push(`${target} with your ${name}`);
  }
  edit(job, files);
  if (replaced.length > 0) setNotice(`Replaced the module at ${replaced.join(', and at ')}.`);
}

/** Adds files, folders and unpacked archives as mounts; one at a taken target replaces what was there. */
export function addMounts(items: readonly PickedItem[]): void {
  let { job, files } = store.getState();
  for (const item of items)
    ({ job, files } = putFiles(job, files, newMountTarget(item.kind, item.name), item.name, item.tree));
  edit(job, files);
}

/** Moves an input; the entry module path follows its module. */
export function setInputTarget(index: number, target: string): void {
  const { job } = store.getState();
  const input = job.inputs[index];
  if (input === undefined) return;
  const wasEntry = normalizePath(input.target) === normalizePath(job.entryModule);
  edit({ ...withInput(job, index, { ...input, target }), ...(wasEntry ? { entryModule: target } : {}) });
}

/** Makes an input writable or read-only. Inline data becomes one of the job's files (inline sources are read-only). */
export function setInputWritable(index: number, readWrite: boolean): void {
  const { job, files } = store.getState();
  const input = job.inputs[index];
  if (input === undefined) return;
  const { source } = input;
  if (readWrite === isWritable(source)) return;
  let next: SourceSpec;
  let nextFiles = files;
  if (source.type === 'localDirectory' || source.type === 'memory') next = { ...source, readWrite };
  else {
    const content = sourceContent(source, files);
    if (!('tree' in content)) return;
    const key = uniqueKey(files, normalizePath(input.target).split('/').pop() ?? 'input');
    nextFiles = { ...files, [key]: content.tree };
    next = localSource(key, readWrite);
  }
  edit(withInput(job, index, { ...input, source: next }), nextFiles);
}

export function removeInput(index: number): void {
  const { job } = store.getState();
  edit({ ...job, inputs: job.inputs.filter((_, i) => i !== index) });
}

export function addOutput(): void {
  const { job } = store.getState();
  const taken = new Set(job.outputs.map((o) => o.name));
  let name = 'outputs';
  for (let n = 2; taken.has(name); n++) name = `outputs${n}`;
  edit({ ...job, outputs: [...job.outputs, { name, path: `/${name}` }] });
}

/** Renames an output; its Path follows (the WASM executor mounts it at the Name). */
export function renameOutput(index: number, name: string): void {
  const { job } = store.getState();
  if (job.outputs[index]?.name === name) return;
  edit({
    ...job,
    outputs: job.outputs.map((o, i) => (i === index ? { name, path: `/${normalizePath(name)}` } : o)),
  });
}

export function removeOutput(index: number): void {
  const { job } = store.getState();
  edit({ ...job, outputs: job.outputs.filter((_, i) => i !== index) });
}

/** Plain data (a Job) compared by value: objects, arrays, bytes and primitives. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key as keyof typeof a], b[key as keyof typeof b]))
  );
}

/**
 * YAML typed or pasted: the job follows it whenever it parses; otherwise the job stays and the
 * error shows. YAML of another job (not just other text) clears the run, which belongs to the job it ran.
 */
export function editYaml(text: string): void {
  const state = store.getState();
  try {
    const { job: parsed, warnings } = parseJobDocument(text);
    const job = withFileSources(parsed, yamlSources(state.job, state.files).inlined);
    const same = sameValue(job, state.job);
    store.setState({
      job: same ? state.job : job,
      drafts: keptDrafts(state, state.job, job),
      yamlDraft: { text, error: null, warnings },
      demoId: same ? state.demoId : '',
      jobSerial: state.jobSerial + (same ? 0 : 1),
    });
  } catch (error) {
    store.setState({ yamlDraft: { text, error: serializeError(error, 'SpecError'), warnings: [] }, demoId: '' });
  }
}

/** Leaving the YAML editor: text that parsed cleanly gives way to the job's YAML; files nothing reads are let go. */
export function endYamlEdit(): void {
  const { yamlDraft, job, files } = store.getState();
  if (yamlDraft === null || yamlDraft.error !== null) return;
  store.setState({
    files: keepReferenced(job, files),
    ...(yamlDraft.warnings.length === 0 ? { yamlDraft: null } : {}),
  });
}

/** Shows the job's own YAML instead of the text typed (its unknown keys dropped, or its edits discarded when it does not parse). */
export function dropYamlDraft(): void {
  const { job, files } = store.getState();
  store.setState({ yamlDraft: null, files: keepReferenced(job, files) });
}

/** The edit that keeps the job from running: YAML or a form field that does not parse. */
export function invalidEdit(state: AppState): SerializedError | null {
  if (state.yamlDraft?.error) return state.yamlDraft.error;
  for (const field of TEXT_FIELD_NAMES) {
    const error = state.drafts[field]?.error;
    if (error) return error;
  }
  return null;
}

/** Replaces the job (a demo, a shared link, a restored session): its views start afresh, and its run is cleared. */
export function loadJob(job: Job, files: JobFiles = {}, demoId = ''): void {
  const { jobSerial } = store.getState();
  store.setState({
    job,
    files: keepReferenced(job, files),
    drafts: {},
    yamlDraft: null,
    demoId,
    startedFromDemo: demoId,
    jobSerial: jobSerial + 1,
  });
}

export function newJob(): void {
  loadJob(blankJob());
}
