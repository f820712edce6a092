/**
 * The job's form view: each text field shows one field of the job and reads its text back
 * without losing anything (format then read gives the same value); the module and mount rows
 * are the job's inputs, seen through the files they hold. Fields the form has no control for
 * are simply left as they are in the job.
 */
import { BrineError } from '../../src/errors/index';
import { normalizePath } from '../../src/mounts/paths';
import type { FileTree } from '../../src/mounts/tree';
import type { Finding } from '../../src/spec/findings';
import type { Job, SourceSpec } from '../../src/spec/types';
import { isWritable, type JobFiles, sourceContent } from './jobFiles';
import { isWasmFile } from './tree';

export interface TextFieldSpec {
  label: string;
  /** The field's path in the job document, as admission findings name it. */
  path: string;
  /** The field's text, or null when the value cannot be written in it (then the YAML edits it). */
  format: (job: Job) => string | null;
  /** The job with the field read from `text`; a SpecError (with the field and a hint) when it does not parse. */
  read: (job: Job, text: string) => Job;
  /** Why `format` gave null. */
  unwritable?: string;
}

const PARAMS = 'Tasks[0].Engine.Params';

const fieldError = (path: string, message: string, hint: string) =>
  new BrineError('SpecError', `invalid WASM spec: ${message}`, { field: path }, hint);

/**
 * A list as one item per line. A trailing newline does not add an item while typing, so an empty
 * last item is written with one more newline ("a\n\n" is ["a", ""]).
 */
const listText = (items: readonly string[]): string | null =>
  items.some((item) => item.includes('\n')) ? null : items.join('\n') + (items.at(-1) === '' ? '\n' : '');

function readList(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
}

function envText(env: Record<string, string>): string | null {
  const entries = Object.entries(env);
  if (entries.some(([name, value]) => name === '' || /[=\n]/.test(name) || value.includes('\n'))) return null;
  return entries.map(([name, value]) => `${name}=${value}`).join('\n');
}

function readEnv(text: string, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  readList(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw fieldError(
        path,
        `environment line ${i + 1} "${line}" must be NAME=value`,
        'Write one variable per line as NAME=value (the value may be empty or hold "="), e.g. GREETING=hello.',
      );
    }
    env[line.slice(0, eq)] = line.slice(eq + 1);
  });
  return env;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function stdinText(stdin: Uint8Array | undefined): string | null {
  if (stdin === undefined) return '';
  try {
    return utf8.decode(stdin);
  } catch {
    return null;
  }
}

function readSeconds(text: string, path: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^-?\d+$/.test(trimmed)) {
    throw fieldError(
      path,
      `timeout "${text}" must be a whole number of seconds`,
      'Write the execution timeout in whole seconds, e.g. 600; leave it empty for none.',
    );
  }
  return Number(trimmed);
}

/** A list field of Engine.Params (`key` in the Job, `name` in the YAML), one item per line. */
function listField(
  label: string,
  key: 'parameters' | 'importModules',
  name: string,
  item: string,
): TextFieldSpec & { unwritable: string } {
  return {
    label,
    path: `${PARAMS}.${name}`,
    format: (job) => listText(job[key]),
    read: (job, text) => ({ ...job, [key]: readList(text) }),
    unwritable: `${item} holds a line break: edit ${name} in the YAML.`,
  };
}

/** An optional string field: empty text is an absent value. */
const optionalText = (value: string | undefined): string => value ?? '';

export const TEXT_FIELDS = {
  entryModule: {
    label: 'Entry module (path)',
    path: `${PARAMS}.EntryModule`,
    format: (job) => job.entryModule,
    read: (job, text) => ({ ...job, entryModule: text }),
  },
  entrypoint: {
    label: 'Entrypoint',
    path: `${PARAMS}.Entrypoint`,
    format: (job) => job.entrypoint,
    read: (job, text) => ({ ...job, entrypoint: text }),
  },
  parameters: listField('Parameters (one per line)', 'parameters', 'Parameters', 'A parameter'),
  env: {
    label: 'Environment (NAME=value per line)',
    path: 'Tasks[0].Env',
    format: (job) => envText(job.env),
    read: (job, text) => ({ ...job, env: readEnv(text, 'Tasks[0].Env') }),
    unwritable: 'A name is empty or holds "=", or a value holds a line break: edit Env in the YAML.',
  },
  stdin: {
    label: 'Standard input',
    path: `${PARAMS}.Brine.Stdin`,
    format: (job) => stdinText(job.brine.stdin),
    read: (job, text) => {
      const { stdin: _stdin, ...brine } = job.brine;
      return { ...job, brine: text === '' ? brine : { ...brine, stdin: new TextEncoder().encode(text) } };
    },
    unwritable: 'Standard input is binary (not UTF-8): edit Brine.StdinBase64 in the YAML.',
  },
  importModules: listField('Import modules (paths, one per line)', 'importModules', 'ImportModules', 'A path'),
  memory: {
    label: 'Memory limit',
    path: 'Tasks[0].Resources.Memory',
    format: (job) => optionalText(job.resources.memory),
    read: (job, text) => {
      const { memory: _memory, ...resources } = job.resources;
      return { ...job, resources: text === '' ? resources : { ...resources, memory: text } };
    },
  },
  timeout: {
    label: 'Timeout (seconds, empty for none)',
    path: 'Tasks[0].Timeouts.ExecutionTimeout',
    format: (job) => (job.timeouts.executionTimeout === undefined ? '' : String(job.timeouts.executionTimeout)),
    read: (job, text) => {
      const { executionTimeout: _timeout, ...timeouts } = job.timeouts;
      const seconds = readSeconds(text, 'Tasks[0].Timeouts.ExecutionTimeout');
      return { ...job, timeouts: seconds === undefined ? timeouts : { ...timeouts, executionTimeout: seconds } };
    },
  },
} satisfies Record<string, TextFieldSpec>;

export type TextField = keyof typeof TEXT_FIELDS;
export const TEXT_FIELD_NAMES = Object.keys(TEXT_FIELDS) as TextField[];

/** Whether `finding` is about the field at `path` or something inside it. */
export const isAbout = (finding: Finding, path: string): boolean =>
  finding.field === path || finding.field.startsWith(`${path}.`) || finding.field.startsWith(`${path}[`);

export const inputPath = (index: number): string => `Tasks[0].InputSources[${index}]`;
export const outputPath = (index: number): string => `Tasks[0].ResultPaths[${index}]`;

/** One input of the job as the form shows it: a module (a single .wasm file, read-only) or a mount. */
export interface InputRow {
  index: number;
  kind: 'module' | 'mount';
  /** Where its files came from, for people ("hello.wasm", "inputs", "urlDownload"). */
  label: string;
  target: string;
  readWrite: boolean;
  source: SourceSpec;
  /** Its files, or why there are none here. */
  content: { tree: FileTree } | { missing: string };
}

const baseName = (path: string): string => normalizePath(path).split('/').pop() || path;

function labelOf(source: SourceSpec, target: string): string {
  if (source.type === 'localDirectory') return baseName(source.sourcePath) || source.sourcePath;
  if (source.type === 'other') return source.sourceType || 'source';
  return baseName(target) || 'input';
}

export function inputRows(job: Job, files: JobFiles): InputRow[] {
  return job.inputs.map(({ target, source }, index) => {
    const content = sourceContent(source, files);
    const readWrite = isWritable(source);
    const isModule = 'tree' in content && isWasmFile(content.tree) && !readWrite;
    return {
      index,
      kind: isModule ? 'module' : 'mount',
      label: labelOf(source, target),
      target,
      readWrite,
      source,
      content,
    };
  });
}

export const DEFAULT_ENTRY_TARGET = 'main.wasm';

/** Where a newly added .wasm goes: main.wasm as the entry if there is none yet, else its file name. */
export function newModuleTarget(job: Job, fileName: string): { target: string; isEntry: boolean } {
  return job.entryModule === ''
    ? { target: DEFAULT_ENTRY_TARGET, isEntry: true }
    : { target: fileName, isEntry: false };
}

/** Where a newly added mount goes: files under /inputs, folders and archives at /<name>. */
export function newMountTarget(kind: 'file' | 'folder' | 'zip', name: string): string {
  return kind === 'file' ? `/inputs/${name}` : `/${name}`;
}

/** The index of the input mounted at `target` (paths compared as mounted), or -1. */
export const inputAt = (job: Job, target: string): number =>
  job.inputs.findIndex((input) => normalizePath(input.target) === normalizePath(target));
