/**
 * Job YAML (Bacalhau's current format) → Job. Keys match as Go's encoding/json does (exact first,
 * then case-insensitively), null means absent, and a value of the wrong type is a SpecError naming
 * its field. Every field Bacalhau knows is read, so nothing is lost; a key nobody asked for is an
 * unknown key, reported as a warning with the closest known key. YAML is read with 1.1 scalars, as
 * Bacalhau's go-yaml does (`yes` is a bool). The rules that decide whether the job may run are
 * `admit`'s, not the parser's: a job that breaks them still parses, so it can be shown and edited.
 */
import { parseDocument } from 'yaml';
import { errors } from '../errors/index.js';
import { preopenPath } from '../mounts/paths.js';
import { base64ToBytes } from './base64.js';
import type { Finding } from './findings.js';
import {
  type BrineOptions,
  COMPAT_MODES,
  type CompatMode,
  type InputSource,
  type Job,
  type SourceSpec,
  type SpecConfig,
} from './types.js';

type Obj = Record<string, unknown>;

const typeError = (path: string, expected: string) =>
  errors.spec(
    `${path}: expected ${expected}`,
    path,
    `Write ${path} as ${expected}; docs/job-format.md lists every field with its type.`,
  );

function asString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(path, 'a string');
  return value;
}

function asMap(value: unknown, path: string): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'a map');
  return value as Obj;
}

/** The fields of one map of the document, read by key with their paths; remembers which keys were asked for. */
class Fields {
  private readonly asked = new Set<string>();

  constructor(
    readonly value: Obj,
    private readonly path: string,
    private readonly read: Fields[],
  ) {
    read.push(this);
  }

  static of(value: unknown, path: string, read: Fields[]): Fields | undefined {
    const map = asMap(value, path);
    return map === undefined ? undefined : new Fields(map, path, read);
  }

  sub(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** Go encoding/json matching: the exact key, else the last key equal to it ignoring case. */
  get(key: string): unknown {
    this.asked.add(key.toLowerCase());
    if (Object.hasOwn(this.value, key)) return this.value[key] ?? undefined;
    const lower = key.toLowerCase();
    const match = Object.keys(this.value)
      .filter((k) => k.toLowerCase() === lower)
      .pop();
    return match === undefined ? undefined : (this.value[match] ?? undefined);
  }

  map(key: string): Fields | undefined {
    return Fields.of(this.get(key), this.sub(key), this.read);
  }

  /** A map kept as written, its keys unchecked (parameters whose keys depend on a type). */
  rawMap(key: string): Obj | undefined {
    const map = asMap(this.get(key), this.sub(key));
    return map === undefined ? undefined : { ...map };
  }

  string(key: string): string | undefined {
    return asString(this.get(key), this.sub(key));
  }

  int(key: string): number | undefined {
    const value = this.get(key);
    if (value !== undefined && !Number.isInteger(value)) throw typeError(this.sub(key), 'an integer');
    return value as number | undefined;
  }

  bool(key: string): boolean | undefined {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'boolean') throw typeError(this.sub(key), 'a boolean');
    return value as boolean | undefined;
  }

  private list(key: string): { value: unknown; path: string }[] {
    const value = this.get(key);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw typeError(this.sub(key), 'a list');
    return value.map((item: unknown, i) => ({ value: item, path: `${this.sub(key)}[${i}]` }));
  }

  /** A list of strings; a null item is "" as in Go. */
  strings(key: string): string[] {
    return this.list(key).map(({ value, path }) => asString(value, path) ?? '');
  }

  maps(key: string): Fields[] {
    return this.list(key).map(({ value, path }) => Fields.of(value ?? {}, path, this.read)!);
  }

  /** A map of strings (keys kept exactly); a null value is "" as in Go. */
  stringMap(key: string): Record<string, string> {
    const path = this.sub(key);
    const map = asMap(this.get(key), path) ?? {};
    return Object.fromEntries(
      Object.entries(map).map(([name, value]) => [name, asString(value, `${path}.${name}`) ?? '']),
    );
  }

  /** Keys of this map that nothing asked for, each with the closest key that was asked for. */
  unknownKeys(): Finding[] {
    const known = [...this.asked];
    return Object.keys(this.value)
      .filter((key) => !this.asked.has(key.toLowerCase()))
      .map((key) => {
        const closest = closestKey(key, known);
        const where = this.path === '' ? 'at the top level' : `in ${this.path}`;
        return {
          severity: 'warning',
          field: this.sub(key),
          message: `unknown key "${key}" ${where}${closest === undefined ? '' : `: did you mean "${CANONICAL_KEYS.get(closest) ?? closest}"?`}`,
          hint: 'Brine ignores it. Bacalhau refuses unknown keys at the top level of a job and ignores them below it.',
          rule: 'brine:unknown-key',
        };
      });
  }
}

/** The known key closest to `key` by edit distance, if it is close enough to be a likely typo. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(lower.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Every key the parser reads, as Bacalhau spells it (for suggestions). */
const CANONICAL_KEYS = new Map(
  [
    'Name',
    'Namespace',
    'Type',
    'Priority',
    'Count',
    'Constraints',
    'Key',
    'Operator',
    'Values',
    'Meta',
    'Labels',
    'Tasks',
    'Engine',
    'Params',
    'EntryModule',
    'Entrypoint',
    'Parameters',
    'ImportModules',
    'Brine',
    'Stdin',
    'StdinBase64',
    'Argv0',
    'Env',
    'Preopens',
    'Seed',
    'RootPreopen',
    'SystemEnv',
    'Compat',
    'Publisher',
    'InputSources',
    'Source',
    'Alias',
    'Target',
    'URL',
    'SourcePath',
    'ReadWrite',
    'ResultPaths',
    'Path',
    'Resources',
    'CPU',
    'Memory',
    'Disk',
    'GPU',
    'Network',
    'Domains',
    'Ports',
    'Timeouts',
    'ExecutionTimeout',
    'QueueTimeout',
    'TotalTimeout',
  ].map((key) => [key.toLowerCase(), key]),
);

function specConfig(fields: Fields | undefined): SpecConfig | undefined {
  if (fields === undefined) return undefined;
  return { type: fields.string('Type') ?? '', params: fields.rawMap('Params') ?? {} };
}

function parseSource(source: Fields | undefined): SourceSpec {
  const type = source?.string('Type') ?? '';
  switch (type.trim().toLowerCase()) {
    case 'inline':
      return { type: 'inline', url: source?.map('Params')?.string('URL') ?? '' };
    case 'local':
    case 'localdirectory': {
      const params = source?.map('Params');
      return {
        type: 'localDirectory',
        sourcePath: params?.string('SourcePath') ?? '',
        readWrite: params?.bool('ReadWrite') ?? false,
      };
    }
    default:
      return { type: 'other', sourceType: type, params: source?.rawMap('Params') ?? {} };
  }
}

function parseInput(input: Fields): InputSource {
  const alias = input.string('Alias');
  return {
    target: input.string('Target') ?? '',
    ...(alias ? { alias } : {}),
    source: parseSource(input.map('Source')),
  };
}

function parseBrine(brine: Fields | undefined): BrineOptions {
  const text = brine?.string('Stdin');
  const base64 = brine?.string('StdinBase64');
  const field = 'Tasks[0].Engine.Params.Brine';
  if (text !== undefined && base64 !== undefined) {
    throw errors.spec(
      'set Stdin or StdinBase64, not both',
      field,
      'Give standard input as text (Brine.Stdin) or as base64 bytes (Brine.StdinBase64), not both.',
    );
  }
  let stdin: Uint8Array | undefined = text === undefined ? undefined : new TextEncoder().encode(text);
  if (base64 !== undefined) {
    try {
      stdin = base64ToBytes(base64);
    } catch {
      throw errors.spec(
        'StdinBase64 is not valid base64',
        `${field}.StdinBase64`,
        'Brine.StdinBase64 takes standard base64: A-Z, a-z, 0-9, + and /, with = padding.',
      );
    }
  }
  const seed = brine?.int('Seed');
  const env = brine?.stringMap('Env') ?? {};
  const rootPreopen = brine?.bool('RootPreopen');
  const systemEnv = brine?.bool('SystemEnv');
  const compat = brine?.string('Compat');
  if (compat !== undefined && !COMPAT_MODES.includes(compat as CompatMode)) {
    throw errors.spec(
      `Compat must be one of ${COMPAT_MODES.join(', ')}, got "${compat}"`,
      `${field}.Compat`,
      `Set Brine.Compat to ${COMPAT_MODES.join(' or ')} for Bacalhau's observable behaviour, or leave it out for Brine's.`,
    );
  }
  return {
    ...(stdin ? { stdin } : {}),
    argv0: brine?.string('Argv0') ?? '',
    ...(Object.keys(env).length > 0 ? { env } : {}),
    preopens: (brine?.strings('Preopens') ?? []).map(preopenPath),
    ...(seed === undefined ? {} : { seed }),
    ...(rootPreopen === undefined ? {} : { rootPreopen }),
    ...(systemEnv === undefined ? {} : { systemEnv }),
    ...(compat === undefined ? {} : { compat: compat as CompatMode }),
  };
}

const ENGINE_HINT = 'Brine runs WASM jobs: give the task an Engine with Type wasm and Params.EntryModule.';

/** A job read from a document, with what the reading found (unknown keys). */
export interface ParsedJob {
  job: Job;
  warnings: Finding[];
}

/** A job from a plain object (parsed YAML or JSON). Throws a SpecError if its shape or a field's type is wrong. */
export function readJob(value: unknown): ParsedJob {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
    throw errors.spec(
      `a job spec must be a map, got ${got}`,
      undefined,
      'A job is a YAML map with Name, Type and Tasks at its top level.',
    );
  }
  const read: Fields[] = [];
  const root = new Fields(value as Obj, '', read);
  const tasks = root.maps('Tasks');
  if (tasks.length === 0) {
    throw errors.spec('the job has no tasks', 'Tasks', 'Add one task under Tasks, with an Engine of Type wasm.');
  }
  if (tasks.length > 1) {
    throw errors.spec(
      'only one task is supported',
      'Tasks',
      'A Bacalhau job has exactly one task: keep one entry under Tasks.',
    );
  }
  const task = tasks[0]!;
  const engine = task.map('Engine');
  if (engine === undefined) {
    throw errors.spec('the task has no engine', 'Tasks[0].Engine', ENGINE_HINT);
  }
  const engineType = engine.string('Type') ?? '';
  if (engineType.trim().toLowerCase() !== 'wasm') {
    throw errors.spec(
      `invalid wasm engine type. expected wasm, but received: ${engineType}`,
      'Tasks[0].Engine.Type',
      ENGINE_HINT,
    );
  }
  const params = engine.map('Params');
  const timeouts = task.map('Timeouts');
  const resources = task.map('Resources');
  const network = task.map('Network');
  const publisher = specConfig(task.map('Publisher'));
  const job: Job = {
    name: root.string('Name') ?? '',
    ...optional('namespace', root.string('Namespace')),
    type: root.string('Type') ?? '',
    ...optional('priority', root.int('Priority')),
    ...optional('count', root.int('Count')),
    constraints: root.maps('Constraints').map((constraint) => ({
      key: constraint.string('Key') ?? '',
      operator: constraint.string('Operator') ?? '',
      values: constraint.strings('Values'),
    })),
    meta: root.stringMap('Meta'),
    labels: root.stringMap('Labels'),
    taskName: task.string('Name') ?? '',
    taskMeta: task.stringMap('Meta'),
    entryModule: params?.string('EntryModule') ?? '',
    entrypoint: params?.string('Entrypoint') ?? '',
    parameters: params?.strings('Parameters') ?? [],
    importModules: params?.strings('ImportModules') ?? [],
    env: task.stringMap('Env'),
    inputs: task.maps('InputSources').map(parseInput),
    outputs: task.maps('ResultPaths').map((output) => ({
      name: output.string('Name') ?? '',
      path: output.string('Path') ?? '',
    })),
    ...optional('publisher', publisher),
    resources: {
      ...optional('cpu', resources?.string('CPU')),
      ...optional('memory', resources?.string('Memory')),
      ...optional('disk', resources?.string('Disk')),
      ...optional('gpu', resources?.string('GPU')),
    },
    timeouts: {
      ...optional('executionTimeout', timeouts?.int('ExecutionTimeout')),
      ...optional('queueTimeout', timeouts?.int('QueueTimeout')),
      ...optional('totalTimeout', timeouts?.int('TotalTimeout')),
    },
    network: { type: network?.string('Type') ?? '', domains: network?.strings('Domains') ?? [] },
    brine: parseBrine(params?.map('Brine')),
  };
  return { job, warnings: read.flatMap((fields) => fields.unknownKeys()) };
}

/** `{ [key]: value }` when the value is present, so absent fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Parses a job YAML (or JSON) document, with the warnings found while reading it. */
export function parseJobDocument(yamlText: string): ParsedJob {
  const doc = parseDocument(yamlText, {
    version: '1.1',
    // go-yaml v2 keeps timestamps as strings and has no sexagesimal (1:30) numbers
    customTags: (tags) =>
      tags.filter((tag) => typeof tag === 'string' || (!tag.tag.endsWith(':timestamp') && tag.format !== 'TIME')),
  });
  const [error] = doc.errors;
  if (error) {
    throw errors.spec(
      `malformed YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`,
      undefined,
      'The text is not valid YAML: check the indentation (spaces, not tabs) and the quoting at the line named; a value holding ": " or " #" needs quotes.',
    );
  }
  return readJob(doc.toJS());
}

/** Parses a job YAML (or JSON) document. */
export function parseJob(yamlText: string): Job {
  return parseJobDocument(yamlText).job;
}
