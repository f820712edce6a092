/**
 * The job form (the source of truth in the UI) and its two projections: the Job the executor runs
 * (files as in-memory sources) and the Bacalhau job YAML (files as inline data: URLs).
 */
import { errors } from '../../src/errors/index';
import { normalizePath } from '../../src/mounts/paths';
import type { FileEntry, FileTree } from '../../src/mounts/tree';
import { treeSize } from '../../src/mounts/tree';
import { decodeInline, encodeInline } from '../../src/spec/inline';
import { jobToYaml } from '../../src/spec/serialize';
import { type BrineOptions, DEFAULT_ENTRYPOINT, type Job, newJob, type SourceSpec } from '../../src/spec/types';
import { isWasmFile } from './tree';

/** A .wasm file: the entry module or a module that others import by its target path. */
export interface ModuleItem {
  id: string;
  fileName: string;
  target: string;
  file: FileEntry;
}

/** Sources the browser cannot read (host paths, network sources), kept so a pasted job round-trips. */
export type ExternalSource = Extract<SourceSpec, { type: 'localDirectory' | 'other' }>;

export interface MountItem {
  id: string;
  /** Where the files came from, for people ("horses.csv", "data.zip", "urlDownload"). */
  label: string;
  target: string;
  readWrite: boolean;
  content: { kind: 'files'; tree: FileTree } | { kind: 'external'; source: ExternalSource };
}

export interface OutputItem {
  id: string;
  name: string;
  path: string;
}

/** Job fields without a control of their own, carried through unchanged. */
export type JobExtras = Omit<
  Job,
  'entryModule' | 'entrypoint' | 'parameters' | 'importModules' | 'env' | 'inputs' | 'outputs' | 'brine'
> & {
  brine: Omit<BrineOptions, 'stdin'>;
};

export interface JobForm {
  entryModule: string;
  modules: ModuleItem[];
  mounts: MountItem[];
  outputs: OutputItem[];
  entrypoint: string;
  /** One argument per line. */
  parameters: string;
  /** NAME=value per line. */
  env: string;
  stdin: string;
  /** go-humanize bytes ("16MiB", "512Mb"); empty means Bacalhau's default of 512Mb. */
  memory: string;
  /** Whole seconds; empty or 0 means none. */
  timeout: string;
  /** ImportModules, one path per line. */
  importModules: string;
  extras: JobExtras;
}

const DEFAULT_ENTRY_TARGET = 'main.wasm';
/** Inline data above this makes the YAML unwieldy: the largest files become placeholders. */
const YAML_INLINE_LIMIT = 1024 * 1024;

let lastId = 0;
export const newItemId = (): string => `item-${++lastId}`;

export function emptyForm(): JobForm {
  return {
    entryModule: '',
    modules: [],
    mounts: [],
    outputs: [],
    entrypoint: DEFAULT_ENTRYPOINT,
    parameters: '',
    env: '',
    stdin: '',
    memory: '',
    timeout: '',
    importModules: '',
    extras: (({ entryModule, entrypoint, parameters, importModules, env, inputs, outputs, ...extras }) => extras)(
      newJob('', { name: 'brine-job', type: 'batch', taskName: 'main', network: { type: 'None', domains: [] } }),
    ),
  };
}

/** Lines of a text field; a trailing newline does not add an empty item. */
function lines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  lines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw errors.spec(`environment line ${i + 1} "${line}" must be NAME=value`, 'Tasks[0].Env');
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  return env;
}

function parseTimeout(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!/^\d+$/.test(trimmed)) {
    throw errors.spec(`timeout "${text}" must be a whole number of seconds`, 'Tasks[0].Timeouts.ExecutionTimeout');
  }
  return Number(trimmed);
}

type FileItem = ModuleItem | MountItem;

/** The job with each file item's source chosen by `sourceOf` (in-memory for runs, inline for YAML). */
function buildJob(form: JobForm, sourceOf: (item: FileItem, tree: FileTree, readWrite: boolean) => SourceSpec): Job {
  const { extras } = form;
  const memory = form.memory.trim();
  const stdin = form.stdin === '' ? {} : { stdin: new TextEncoder().encode(form.stdin) };
  return {
    ...extras,
    entryModule: form.entryModule,
    entrypoint: form.entrypoint.trim() || DEFAULT_ENTRYPOINT,
    parameters: lines(form.parameters),
    importModules: lines(form.importModules).filter((line) => line.trim() !== ''),
    env: parseEnv(form.env),
    inputs: [
      ...form.modules.map((item) => ({ target: item.target, source: sourceOf(item, item.file, false) })),
      ...form.mounts.map((item) => ({
        target: item.target,
        source: item.content.kind === 'files' ? sourceOf(item, item.content.tree, item.readWrite) : item.content.source,
      })),
    ],
    outputs: form.outputs.map(({ name, path }) => ({ name, path })),
    resources: { ...extras.resources, memory: memory === '' ? undefined : memory },
    timeouts: { ...extras.timeouts, executionTimeout: parseTimeout(form.timeout) || undefined },
    brine: { ...extras.brine, ...stdin },
  };
}

/** The job to run: files as in-memory sources. Throws a SpecError for malformed form fields. */
export function formToJob(form: JobForm): Job {
  return buildJob(form, (_item, tree, readWrite) => ({ type: 'memory', tree, readWrite }));
}

const inlineCache = new WeakMap<FileTree, string>();

function inlineUrl(tree: FileTree): string {
  let url = inlineCache.get(tree);
  if (url === undefined) {
    url = encodeInline(tree);
    inlineCache.set(tree, url);
  }
  return url;
}

const baseName = (path: string) => normalizePath(path).split('/').pop() || 'input';

export interface JobYaml {
  yaml: string;
  /** Files too large to inline, written as localDirectory placeholders instead. */
  placeholders: { target: string; sourcePath: string; bytes: number }[];
}

/**
 * The Bacalhau job YAML: files become inline data: URLs (directories as .tar.gz), except the
 * largest ones once the inline data would pass `inlineLimit`; those become localDirectory
 * sources named after their target, for the person to replace.
 */
export function formToYaml(form: JobForm, inlineLimit = YAML_INLINE_LIMIT): JobYaml {
  const sized = [...form.modules, ...form.mounts]
    .map((item) => ({
      item,
      bytes:
        'file' in item ? item.file.data.byteLength : item.content.kind === 'files' ? treeSize(item.content.tree) : 0,
    }))
    .sort((a, b) => a.bytes - b.bytes);
  const inlined = new Set<FileItem>();
  let budget = inlineLimit;
  for (const { item, bytes } of sized) {
    const encoded = Math.ceil(bytes / 3) * 4; // base64 (directories are gzip'd, so this is an upper bound)
    if (encoded > budget) break;
    budget -= encoded;
    inlined.add(item);
  }
  const placeholders: JobYaml['placeholders'] = [];
  const job = buildJob(form, (item, tree, readWrite) => {
    if (inlined.has(item)) return { type: 'inline', url: inlineUrl(tree) };
    const sourcePath = baseName(item.target);
    placeholders.push({ target: item.target, sourcePath, bytes: treeSize(tree) });
    return { type: 'localDirectory', sourcePath, readWrite };
  });
  return { yaml: jobToYaml(job), placeholders };
}

/**
 * A job (parsed YAML, a demo, a shared link) as a form. Inline and in-memory sources become
 * modules (single .wasm files) or mounts; other sources stay external, except that a source at a
 * target where `previous` already holds files keeps those files (so editing the YAML of a job
 * with placeholders does not lose them).
 */
export function jobToForm(job: Job, previous: JobForm | null = null): JobForm {
  const form: JobForm = {
    ...emptyForm(),
    entryModule: job.entryModule,
    outputs: job.outputs.map(({ name, path }) => ({ id: newItemId(), name, path })),
    entrypoint: job.entrypoint,
    parameters: job.parameters.join('\n'),
    env: Object.entries(job.env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    stdin: job.brine.stdin === undefined ? '' : new TextDecoder().decode(job.brine.stdin),
    memory: job.resources.memory ?? '',
    timeout: job.timeouts.executionTimeout ? String(job.timeouts.executionTimeout) : '',
    importModules: job.importModules.join('\n'),
    extras: (({ entryModule, entrypoint, parameters, importModules, env, inputs, outputs, brine, ...extras }) => {
      const { stdin, ...options } = brine;
      return { ...extras, brine: options };
    })(job),
  };
  const kept = new Map<string, FileItem>(
    previous === null
      ? []
      : [...previous.modules, ...previous.mounts].map((item) => [normalizePath(item.target), item]),
  );
  for (const { target, source } of job.inputs) {
    if (source.type === 'localDirectory' || source.type === 'other') {
      const readWrite = source.type === 'localDirectory' && source.readWrite;
      const previousItem = kept.get(normalizePath(target));
      if (previousItem === undefined) {
        const label = source.type === 'localDirectory' ? source.sourcePath : source.sourceType;
        form.mounts.push({ id: newItemId(), label, target, readWrite, content: { kind: 'external', source } });
      } else if ('file' in previousItem) form.modules.push({ ...previousItem, target });
      else form.mounts.push({ ...previousItem, target, readWrite });
      continue;
    }
    const tree = source.type === 'memory' ? source.tree : decodeInline(source.url);
    const readWrite = source.type === 'memory' && source.readWrite;
    if (isWasmFile(tree) && !readWrite) {
      form.modules.push({ id: newItemId(), fileName: baseName(target), target, file: tree });
    } else {
      form.mounts.push({
        id: newItemId(),
        label: baseName(target),
        target,
        readWrite,
        content: { kind: 'files', tree },
      });
    }
  }
  return form;
}

/** Where a newly added .wasm goes: main.wasm as the entry if there is none yet, else its file name. */
export function newModuleTarget(form: JobForm, fileName: string): { target: string; isEntry: boolean } {
  return form.entryModule === ''
    ? { target: DEFAULT_ENTRY_TARGET, isEntry: true }
    : { target: fileName, isEntry: false };
}

/** Where a newly added mount goes: files under /inputs, folders and archives at /<name>. */
export function newMountTarget(kind: 'file' | 'folder' | 'zip', name: string): string {
  return kind === 'file' ? `/inputs/${name}` : `/${name}`;
}
