/** Job → Bacalhau current-format job YAML. In-memory sources become inline data: URLs. */
import { stringify } from 'yaml';
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

/** The job as a Bacalhau job object (Name, Type, Count, Tasks[0]). */
export function jobToObject(job: Job): Obj {
  const brine = brineToObject(job.brine);
  const task: Obj = {
    Name: job.taskName,
    Engine: {
      Type: 'wasm',
      Params: {
        EntryModule: job.entryModule,
        Entrypoint: job.entrypoint,
        Parameters: [...job.parameters],
        ImportModules: [...job.importModules],
        ...(brine ? { Brine: brine } : {}),
      },
    },
  };
  if (Object.keys(job.env).length > 0) task.Env = { ...job.env };
  task.InputSources = job.inputs.map(inputToObject);
  if (job.outputs.length > 0) task.ResultPaths = job.outputs.map(({ name, path }) => ({ Name: name, Path: path }));
  if (job.outputs.length > 0 || job.publisher !== undefined) task.Publisher = { Type: job.publisher ?? 'local' };
  if (job.memory !== undefined) task.Resources = { Memory: job.memory };
  if (job.timeoutSeconds > 0) task.Timeouts = { ExecutionTimeout: job.timeoutSeconds };
  task.Network = { Type: job.network };
  return { Name: job.name, Type: job.type, Count: job.count, Tasks: [task] };
}

/**
 * The job as YAML that Bacalhau reads the same way: YAML 1.1 quoting (so strings such as `yes` stay
 * strings for go-yaml) and no line folding (data: URLs stay on one line).
 */
export function jobToYaml(job: Job): string {
  return stringify(jobToObject(job), { version: '1.1', lineWidth: 0 });
}
