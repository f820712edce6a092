/**
 * Job YAML (Bacalhau's current format) → Job. Keys match as Go's encoding/json does (exact first, then
 * case-insensitively), unknown keys are ignored, null means absent, and a value of the wrong type is a
 * SpecError naming its field. YAML is read with 1.1 scalars, as Bacalhau's go-yaml does (`yes` is a bool).
 */
import { parseDocument } from 'yaml';
import { errors } from '../errors/index.js';
import { normalizePath } from '../mounts/paths.js';
import { base64ToBytes } from './base64.js';
import { DEFAULT_ENTRYPOINT, type InputSource, type Job, type SourceSpec } from './types.js';
import { validateJob } from './validate.js';

type Obj = Record<string, unknown>;

const typeError = (path: string, expected: string) => errors.spec(`${path}: expected ${expected}`, path);

function asString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(path, 'a string');
  return value;
}

/** An object's fields with their paths in the job, for typed reads. */
class Fields {
  private constructor(
    readonly value: Obj,
    private readonly path: string,
  ) {}

  static of(value: unknown, path: string): Fields | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'a map');
    return new Fields(value as Obj, path);
  }

  private sub(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** Go encoding/json matching: the exact key, else the last key equal to it ignoring case. */
  private get(key: string): unknown {
    if (Object.hasOwn(this.value, key)) return this.value[key] ?? undefined;
    const lower = key.toLowerCase();
    const match = Object.keys(this.value)
      .filter((k) => k.toLowerCase() === lower)
      .pop();
    return match === undefined ? undefined : (this.value[match] ?? undefined);
  }

  map(key: string): Fields | undefined {
    return Fields.of(this.get(key), this.sub(key));
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
    return this.list(key).map(({ value, path }) => Fields.of(value, path) ?? Fields.of({}, path)!);
  }

  /** A map of strings (keys kept exactly); a null value is "" as in Go. */
  stringMap(key: string): Record<string, string> {
    const fields = this.map(key);
    if (fields === undefined) return {};
    return Object.fromEntries(
      Object.entries(fields.value).map(([name, value]) => [name, asString(value, fields.sub(name)) ?? '']),
    );
  }
}

function parseSource(source: Fields | undefined): SourceSpec {
  const type = source?.string('Type') ?? '';
  const params = source?.map('Params');
  switch (type.trim().toLowerCase()) {
    case 'inline':
      return { type: 'inline', url: params?.string('URL') ?? '' };
    case 'local':
    case 'localdirectory':
      return {
        type: 'localDirectory',
        sourcePath: params?.string('SourcePath') ?? '',
        readWrite: params?.bool('ReadWrite') ?? false,
      };
    default:
      return { type: 'other', sourceType: type, params: { ...params?.value } };
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

function parseBrine(brine: Fields | undefined): Job['brine'] {
  const text = brine?.string('Stdin');
  const base64 = brine?.string('StdinBase64');
  const field = 'Tasks[0].Engine.Params.Brine';
  if (text !== undefined && base64 !== undefined) throw errors.spec('set Stdin or StdinBase64, not both', field);
  let stdin: Uint8Array | undefined = text === undefined ? undefined : new TextEncoder().encode(text);
  if (base64 !== undefined) {
    try {
      stdin = base64ToBytes(base64);
    } catch {
      throw errors.spec('StdinBase64 is not valid base64', `${field}.StdinBase64`);
    }
  }
  const seed = brine?.int('Seed');
  const env = brine?.stringMap('Env') ?? {};
  const rootPreopen = brine?.bool('RootPreopen');
  const systemEnv = brine?.bool('SystemEnv');
  return {
    ...(stdin ? { stdin } : {}),
    argv0: brine?.string('Argv0') ?? '',
    ...(Object.keys(env).length > 0 ? { env } : {}),
    preopens: (brine?.strings('Preopens') ?? []).map(normalizePath),
    ...(seed === undefined ? {} : { seed }),
    ...(rootPreopen === undefined ? {} : { rootPreopen }),
    ...(systemEnv === undefined ? {} : { systemEnv }),
  };
}

/** A job from a plain object (parsed YAML or JSON); validated with validateJob. */
export function jobFromObject(value: unknown): Job {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.spec(
      `a job spec must be a map, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  const root = Fields.of(value, '')!;
  const tasks = root.maps('Tasks');
  if (tasks.length === 0) throw errors.spec('the job has no tasks', 'Tasks');
  if (tasks.length > 1) throw errors.spec('only one task is supported', 'Tasks');
  const task = tasks[0]!;
  const engine = task.map('Engine');
  if (engine === undefined) throw errors.spec('the task has no engine', 'Tasks[0].Engine');
  const engineType = engine.string('Type') ?? '';
  if (engineType.trim().toLowerCase() !== 'wasm') {
    throw errors.spec(`invalid wasm engine type. expected wasm, but received: ${engineType}`, 'Tasks[0].Engine.Type');
  }
  const params = engine.map('Params');
  const timeouts = task.map('Timeouts');
  const outputs = task.maps('ResultPaths').map((output) => ({
    name: output.string('Name') ?? '',
    path: output.string('Path') ?? '',
  }));
  const publisher =
    task.map('Publisher')?.string('Type') ??
    root.map('Publisher')?.string('Type') ??
    (outputs.length > 0 ? 'local' : undefined);
  const memory = task.map('Resources')?.string('Memory');
  const job: Job = {
    name: root.string('Name') ?? '',
    type: root.string('Type') || 'batch',
    count: root.int('Count') ?? 1,
    taskName: task.string('Name') || 'main',
    entryModule: params?.string('EntryModule') ?? '',
    entrypoint: params?.string('Entrypoint') || DEFAULT_ENTRYPOINT,
    parameters: params?.strings('Parameters') ?? [],
    importModules: params?.strings('ImportModules') ?? [],
    env: task.stringMap('Env'),
    inputs: task.maps('InputSources').map(parseInput),
    outputs,
    ...(memory ? { memory } : {}),
    timeoutSeconds: timeouts?.int('ExecutionTimeout') || timeouts?.int('TotalTimeout') || 0,
    network: task.map('Network')?.string('Type') || 'Default',
    ...(publisher === undefined ? {} : { publisher }),
    brine: parseBrine(params?.map('Brine')),
  };
  validateJob(job);
  return job;
}

/** Parses and validates a job YAML (or JSON) document. */
export function parseJob(yamlText: string): Job {
  const doc = parseDocument(yamlText, {
    version: '1.1',
    // go-yaml v2 keeps timestamps as strings and has no sexagesimal (1:30) numbers
    customTags: (tags) =>
      tags.filter((tag) => typeof tag === 'string' || (!tag.tag.endsWith(':timestamp') && tag.format !== 'TIME')),
  });
  const [error] = doc.errors;
  if (error) throw errors.spec(`malformed YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
  return jobFromObject(doc.toJS());
}
