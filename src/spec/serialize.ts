/** Job → Bacalhau current-format job YAML. In-memory sources become inline data: URLs. */
import { Document } from 'yaml';
import { bytesToBase64 } from './base64.js';
import { encodeInline } from './inline.js';
import type { BrineOptions, InputSource, Job, SourceSpec } from './types.js';

type Obj = Record<string, unknown>;

/** Text stdin when the bytes are UTF-8 that decodes back to themselves, else base64. */
function brineToObject(brine: BrineOptions): Obj | undefined {
  const out: Obj = {};
  if (brine.stdin !== undefined) {
    try {
      out.Stdin = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(brine.stdin);
    } catch {
      out.StdinBase64 = bytesToBase64(brine.stdin);
    }
  }
  if (brine.argv0 !== '') out.Argv0 = brine.argv0;
  if (brine.env !== undefined) out.Env = { ...brine.env };
  if (brine.preopens.length > 0) out.Preopens = [...brine.preopens];
  if (brine.seed !== undefined) out.Seed = brine.seed;
  if (brine.rootPreopen !== undefined) out.RootPreopen = brine.rootPreopen;
  if (brine.systemEnv !== undefined) out.SystemEnv = brine.systemEnv;
  if (brine.compat !== undefined) out.Compat = brine.compat;
  return Object.keys(out).length > 0 ? out : undefined;
}

function sourceToObject(source: SourceSpec): Obj {
  switch (source.type) {
    case 'inline':
      return { Type: 'inline', Params: { URL: source.url } };
    case 'memory':
      return { Type: 'inline', Params: { URL: encodeInline(source.tree) } };
    case 'localDirectory':
      return { Type: 'localDirectory', Params: { SourcePath: source.sourcePath, ReadWrite: source.readWrite } };
    case 'other':
      return { Type: source.sourceType, Params: source.params };
  }
}

function inputToObject({ target, alias, source }: InputSource): Obj {
  return { Target: target, ...(alias ? { Alias: alias } : {}), Source: sourceToObject(source) };
}

/** Keeps the entries whose value is set: not undefined, and not an empty string, list or map. */
function present(object: Obj): Obj {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => {
      if (value === undefined || value === '') return false;
      if (Array.isArray(value)) return value.length > 0;
      if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
      return true;
    }),
  );
}

/** The job as a Bacalhau job object: every field that is set, and nothing else. */
export function jobToObject(job: Job): Obj {
  const brine = brineToObject(job.brine);
  const task = present({
    Name: job.taskName,
    Engine: {
      Type: 'wasm',
      Params: present({
        EntryModule: job.entryModule,
        Entrypoint: job.entrypoint,
        Parameters: [...job.parameters],
        ImportModules: [...job.importModules],
        Brine: brine,
      }),
    },
    Publisher: job.publisher && present({ Type: job.publisher.type, Params: job.publisher.params }),
    Env: { ...job.env },
    Meta: { ...job.taskMeta },
    InputSources: job.inputs.map(inputToObject),
    ResultPaths: job.outputs.map(({ name, path }) => ({ Name: name, Path: path })),
    Resources: present({
      CPU: job.resources.cpu,
      Memory: job.resources.memory,
      Disk: job.resources.disk,
      GPU: job.resources.gpu,
    }),
    Network: present({ Type: job.network.type, Domains: [...job.network.domains] }),
    Timeouts: present({
      ExecutionTimeout: job.timeouts.executionTimeout,
      QueueTimeout: job.timeouts.queueTimeout,
      TotalTimeout: job.timeouts.totalTimeout,
    }),
  });
  return present({
    Name: job.name,
    Namespace: job.namespace,
    Type: job.type,
    Priority: job.priority,
    Count: job.count,
    Constraints: job.constraints.map(({ key, operator, values }) => ({ Key: key, Operator: operator, Values: values })),
    Meta: { ...job.meta },
    Labels: { ...job.labels },
    Tasks: [task],
  });
}

/** YAML 1.1 quoting (so strings such as `yes` stay strings for go-yaml) and no line folding (data: URLs stay on one line). */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0 } as const;

/** The job as a YAML document, to add comments to before writing it with `writeYaml`. */
export function jobToDocument(job: Job): Document {
  return new Document(jobToObject(job), YAML_OPTIONS);
}

export function writeYaml(document: Document): string {
  return document.toString(YAML_OPTIONS);
}

/** The job as YAML that Bacalhau reads the same way. */
export function jobToYaml(job: Job): string {
  return writeYaml(jobToDocument(job));
}
