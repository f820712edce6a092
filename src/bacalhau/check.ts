/**
 * `brine validate --bacalhau`: would a default Bacalhau network accept this job file and start
 * it? The file goes through Bacalhau's pipeline (docs/bacalhau-rules.md §0): the CLI's template
 * pass, YAML to JSON, the top-level keys, the decoding into models.Job, then the job's validation
 * by the CLI, the orchestrator and a compute node. A step whose rules refuse the file stops the
 * pipeline there, as Bacalhau stops; the rules of the decoded job all run, so every refusal is
 * reported at once. Nothing is run, fetched or read: module bytes are parsed, not compiled.
 */
import { isBrineError } from '../errors/index.js';
import type { Finding } from '../spec/findings.js';
import { readJob } from '../spec/parse.js';
import type { Job } from '../spec/types.js';
import { decodeJob, parseNetwork } from './decode.js';
import { checkModules, type ModuleCheck } from './modules.js';
import { type InlineContent, mountVolumes, readInline } from './mounts.js';
import {
  type Inputs,
  isObject,
  type JobPass,
  type Legacy,
  type Outcome,
  RULES,
  type Stage,
  wasmLimitPages,
} from './rules.js';
import { templatePass } from './template.js';
import { type GoJson, type GoObject, readYaml } from './yaml.js';

export interface BacalhauFinding extends Finding {
  /** Where Bacalhau applies the rule. */
  stage: Stage;
  /** What a default network does with the job. */
  outcome: Outcome;
  /** Whether `message` is Bacalhau's own text (else Brine explains). */
  bacalhauMessage: boolean;
}

export interface BacalhauCheck {
  /** In pipeline order: the CLI's findings, then the orchestrator's, then a compute node's. */
  findings: BacalhauFinding[];
  /** True when a default network would accept and start the job (warnings allowed). */
  accepted: boolean;
  /** The job as Bacalhau reads it, when the file gets that far. */
  job?: Job;
}

export interface CheckOptions {
  /** Compute nodes in the network (1: `bacalhau serve --orchestrator --compute`). */
  nodes?: number;
}

const STAGES: Stage[] = ['cli', 'orchestrator', 'compute'];

/** Checks a job file (YAML or JSON text) against Bacalhau's rules. Never throws for bad input. */
export function checkBacalhau(text: string, options: CheckOptions = {}): BacalhauCheck {
  const findings: BacalhauFinding[] = [];
  /** Runs the rules that read step `reads`; true when one of them refuses. */
  const step = <K extends keyof Inputs>(reads: K, input: Inputs[K]): boolean => {
    const before = findings.length;
    for (const rule of RULES) {
      if (rule.reads !== reads) continue;
      for (const found of (rule.check as (input: Inputs[K]) => ReturnType<typeof rule.check>)(input)) {
        const warning = rule.outcome === 'accepted' || found.warning === true;
        findings.push({
          severity: warning ? 'warning' : 'error',
          field: found.field,
          message: found.message,
          ...((found.hint ?? rule.hint) ? { hint: found.hint ?? rule.hint } : {}),
          rule: `bacalhau:${rule.id} (${rule.source})`,
          stage: found.stage ?? rule.stage,
          outcome: warning ? 'accepted' : rule.outcome,
          bacalhauMessage: rule.message !== undefined && !warning,
        });
      }
    }
    return findings.slice(before).some((finding) => finding.severity === 'error');
  };
  const done = (job?: Job): BacalhauCheck => {
    const ordered = [...findings].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
    return { findings: ordered, accepted: ordered.every((f) => f.severity !== 'error'), ...(job ? { job } : {}) };
  };

  const template = templatePass(text);
  if (step('file', { text, template }) || text === '') return done();
  const yaml = readYaml(template.output);
  if (step('yaml', yaml) || !isObject(yaml.value)) return done();
  if (step('keys', yaml.value)) return done();
  const decoded = decodeJob(yaml.value);
  if (step('decode', decoded)) return done();
  const pass = jobPass(decoded.value, options.nodes ?? 1);
  step('job', pass);
  return done(pass.job);
}

/** The decoded job with Brine's reading of it, its filesystem and its modules. */
function jobPass(raw: GoObject, nodes: number): JobPass {
  const tasks = Array.isArray(raw.Tasks) ? raw.Tasks : [];
  const task = isObject(tasks[0]) ? tasks[0] : {};
  const { job, legacy } = readBacalhauJob(raw, task);
  const read = new Map<string, InlineContent>();
  const inline = (url: string) => read.get(url) ?? read.set(url, readInline(url)).get(url)!;
  const mounts = mountVolumes(job, inline);
  const pass: JobPass = { raw, task, job, legacy, inline, mounts, modules: {}, nodes };
  return { ...pass, modules: loadModules(pass) };
}

function loadModules(pass: JobPass): ModuleCheck {
  const { job, mounts, legacy } = pass;
  if (
    mounts.problem !== undefined ||
    job.entryModule === '' ||
    legacy.kind === 'unreadable' ||
    legacy.kind === 'invalid'
  ) {
    return {};
  }
  let limitPages: number;
  try {
    limitPages = wasmLimitPages(pass);
  } catch (error) {
    if (isBrineError(error)) return {};
    throw error;
  }
  const network = parseNetwork(job.network.type) ?? 'Default';
  return checkModules({
    root: mounts.root,
    entryModule: job.entryModule,
    importModules: job.importModules,
    entrypoint: job.entrypoint,
    networked: network !== 'None',
    limitPages,
  });
}

// ---- Brine's reading of the decoded job ----

const WASM_FIELDS = ['EntryModule', 'Entrypoint', 'Parameters', 'ImportModules'] as const;

/** A Params value as encoding/json finds it: the last key in sorted order equal to `name` ignoring case. */
function field(params: GoObject, name: string): GoJson | undefined {
  const key = Object.keys(params)
    .sort()
    .filter((k) => k.toLowerCase() === name.toLowerCase())
    .pop();
  return key === undefined ? undefined : params[key];
}

const isStrings = (value: GoJson | undefined) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.every((item) => item === null || typeof item === 'string'));
const isString = (value: GoJson | undefined) => value === undefined || value === null || typeof value === 'string';

/** Which current-format field (if any) does not decode into EngineSpec. */
function currentFormatError(params: GoObject): string | undefined {
  return WASM_FIELDS.find((name) =>
    name === 'Parameters' || name === 'ImportModules'
      ? !isStrings(field(params, name))
      : !isString(field(params, name)),
  );
}

/** models.InputSource.Validate, for the legacy modules. */
function inputSourceError(input: GoObject): string | undefined {
  if (typeof input.Target === 'string' && input.Target.trim() === '') return 'input source is missing a target';
  const source = field(input, 'Source');
  if (!isObject(source)) return 'invalid input source: nil spec config';
  const type = field(source, 'Type');
  return typeof type === 'string' && type.trim() !== '' ? undefined : 'invalid input source: missing spec type';
}

const isLegacyInput = (value: GoJson | undefined) => value === undefined || value === null || isObject(value);

/**
 * LegacyWasmModuleTransformer: when the params do not decode in the current format with an
 * EntryModule, they are read in the legacy one (modules as input sources) and rewritten.
 */
function convertLegacy(params: GoObject): { legacy: Legacy; params?: GoObject; inputs: GoObject[] } {
  const current = currentFormatError(params);
  if (
    current === undefined &&
    typeof field(params, 'EntryModule') === 'string' &&
    field(params, 'EntryModule') !== ''
  ) {
    return { legacy: { kind: 'none' }, inputs: [] };
  }
  const entry = field(params, 'EntryModule');
  const imports = field(params, 'ImportModules');
  const where = 'Tasks[0].Engine.Params';
  const unreadable = (name: string, want: string): { legacy: Legacy; inputs: GoObject[] } => ({
    legacy: {
      kind: 'unreadable',
      field: `${where}.${name}`,
      reason: `json: cannot unmarshal into Go struct field legacySpec.${name} of type ${want}`,
    },
    inputs: [],
  });
  if (!isLegacyInput(entry)) return unreadable('EntryModule', 'models.InputSource');
  if (!(imports === undefined || imports === null || (Array.isArray(imports) && imports.every(isLegacyInput)))) {
    return unreadable('ImportModules', '[]*models.InputSource');
  }
  if (!isString(field(params, 'Entrypoint'))) return unreadable('EntryPoint', 'string');
  if (!isStrings(field(params, 'Parameters'))) return unreadable('Parameters', '[]string');
  const importList = Array.isArray(imports) ? imports : [];
  if (!isObject(entry) && importList.length === 0) return { legacy: { kind: 'none' }, inputs: [] };

  const inputs: GoObject[] = [];
  const rewritten: GoObject = {
    EntryModule: '',
    Entrypoint: field(params, 'Entrypoint') ?? '',
    Parameters: field(params, 'Parameters') ?? null,
    ImportModules: [],
  };
  if (isObject(entry)) {
    const input = { ...entry, Target: text(entry.Target) || '/wasm/entry.wasm' };
    const error = inputSourceError(input);
    if (error !== undefined) {
      return {
        legacy: { kind: 'invalid', field: `${where}.EntryModule`, message: `invalid entry module: ${error}` },
        inputs: [],
      };
    }
    inputs.push(input);
    rewritten.EntryModule = input.Target;
  }
  for (const [i, module] of importList.entries()) {
    if (!isObject(module)) continue;
    const input = { ...module, Target: text(module.Target) || `/wasm/imports/module_${i}.wasm` };
    const error = inputSourceError(input);
    if (error !== undefined) {
      return {
        legacy: {
          kind: 'invalid',
          field: `${where}.ImportModules[${i}]`,
          message: `invalid import module ${i}: ${error}`,
        },
        inputs: [],
      };
    }
    inputs.push(input);
    (rewritten.ImportModules as GoJson[]).push(input.Target);
  }
  return { legacy: { kind: 'converted' }, params: rewritten, inputs };
}

const text = (value: GoJson | undefined): string => (typeof value === 'string' ? value : '');

/** A source's params with the values Brine reads kept only when they have the type Brine reads. */
function sourceForBrine(input: GoJson): GoJson {
  if (!isObject(input) || !isObject(input.Source) || !isObject(input.Source.Params)) return input;
  const params: GoObject = { ...input.Source.Params };
  for (const [key, value] of Object.entries(params)) {
    const name = key.toLowerCase();
    if ((name === 'url' || name === 'sourcepath') && typeof value !== 'string') delete params[key];
    if (name === 'readwrite' && typeof value !== 'boolean') delete params[key];
  }
  return { ...input, Source: { ...input.Source, Params: params } };
}

/** Brine's Job for what Bacalhau decoded: the first task, the engine read as WASM, the legacy format converted. */
function readBacalhauJob(raw: GoObject, task: GoObject): { job: Job; legacy: Legacy } {
  const engine = isObject(task.Engine) ? task.Engine : {};
  const written = isObject(engine.Params) ? engine.Params : {};
  const { legacy, params: converted, inputs: legacyInputs } = convertLegacy(written);
  const params: GoObject = {};
  const source = converted ?? written;
  for (const name of WASM_FIELDS) {
    const value = field(source, name);
    const readable = name === 'Parameters' || name === 'ImportModules' ? isStrings(value) : isString(value);
    if (value !== undefined && readable) params[name] = value;
  }
  const brine = converted === undefined ? field(written, 'Brine') : undefined;
  const document = (withBrine: boolean): GoObject => ({
    ...raw,
    Tasks: [
      {
        ...task,
        Engine: { Type: 'wasm', Params: { ...params, ...(withBrine && brine !== undefined ? { Brine: brine } : {}) } },
        InputSources: [...(Array.isArray(task.InputSources) ? task.InputSources : []), ...legacyInputs].map(
          sourceForBrine,
        ),
      },
    ],
  });
  try {
    return { job: readJob(document(true)).job, legacy };
  } catch (error) {
    // Brine's own options are checked by Brine only: Bacalhau ignores them.
    if (!isBrineError(error, 'SpecError') || !String(error.details?.field ?? '').includes('.Brine')) throw error;
    return { job: readJob(document(false)).job, legacy };
  }
}
