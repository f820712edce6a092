/**
 * Bacalhau's admission rules for WASM jobs, as data: one entry per rule with the stage that
 * applies it, what happens on a default network when it is broken, the field, Bacalhau's own
 * message, the source it is ported from (docs/bacalhau-rules.md, Bacalhau e28960c7) and a pure
 * check. A check reads one stage of the pipeline (see check.ts): the file, its YAML, its top-level
 * keys, its Go decoding, or the decoded job with Brine's reading of it.
 */
import { isBrineError } from '../errors/index.js';
import { GZIP_TYPES } from '../spec/inline.js';
import { jobMemoryLimitPages, parseBytes } from '../spec/memory.js';
import type { Job } from '../spec/types.js';
import type { DataUrl, DataUrlError, DataUrlPart } from './dataurl.js';
import type { Decoded } from './decode.js';
import { parseNetwork } from './decode.js';
import { brineExtensions } from './extensions.js';
import { goDuration, goJsonSize, goQuote, goToUpper } from './go.js';
import type { ModuleCheck } from './modules.js';
import { GZIP_MEDIA_TYPE, type Mounted, type ReadInline, type Unpacked } from './mounts.js';
import type { TemplatePass } from './template.js';
import type { GoJson, GoObject, YamlPass } from './yaml.js';

export type Stage = 'cli' | 'orchestrator' | 'compute';

/** What a default network does with a job that breaks the rule (the legend of docs/bacalhau-rules.md). */
export type Outcome =
  /** R: refused at submission */
  | 'refused'
  /** N: created, then failed at once: no node qualifies */
  | 'no-node'
  /** B: the compute node rejects the bid */
  | 'bid-rejected'
  /** F: the execution fails before the program runs */
  | 'fails'
  /** L: the program runs, then the execution fails */
  | 'fails-after-run'
  /** P: never placed: stays pending */
  | 'pending'
  /** X: Bacalhau crashes on it (nil pointer) */
  | 'crash'
  /** A: accepted, but Bacalhau does something the job author may not expect (a warning) */
  | 'accepted';

/** What each pipeline step gives its rules. */
export interface Inputs {
  file: { text: string; template: TemplatePass };
  yaml: YamlPass;
  keys: GoObject;
  decode: Decoded;
  job: JobPass;
}

/** The decoded job, for the rules of the CLI's validation and later stages. */
export interface JobPass {
  /** The job as Bacalhau decoded it (Go field names, unknown keys left out). */
  raw: GoObject;
  /** Tasks[0] of `raw` ({} when there is none). */
  task: GoObject;
  /** Brine's reading of the job: Tasks[0], in the current format (a legacy job converted). */
  job: Job;
  legacy: Legacy;
  /** An inline URL as a compute node reads it (memoised). */
  inline: ReadInline;
  /** The filesystem a compute node builds (the first mount error, if any). */
  mounts: Mounted;
  /** The module loading, when the filesystem and the memory limit allow it. */
  modules: ModuleCheck;
  /** Nodes in the network (1 by default). */
  nodes: number;
}

/** Bacalhau's legacy WASM format (EntryModule as an input source), rewritten by the orchestrator. */
export type Legacy =
  | { kind: 'none' }
  | { kind: 'converted' }
  | { kind: 'unreadable'; field: string; reason: string }
  | { kind: 'invalid'; field: string; message: string };

export interface Violation {
  field: string;
  message: string;
  hint?: string;
  /** A finding that only warns, from a rule that can also refuse. */
  warning?: boolean;
  /** When this case is met at another stage than the rule's. */
  stage?: Stage;
}

interface RuleInfo {
  id: string;
  stage: Stage;
  outcome: Outcome;
  /** The field it is about (Tasks[] is the task, <name> a map key). */
  field: string;
  /** Bacalhau's message (a Go format; several when the rule has several), when it has one; otherwise the finding explains in Brine's words. */
  message?: string | string[];
  /** The Bacalhau source file and function (or the dependency) it follows. */
  source: string;
  /** Shown with every finding of the rule. */
  hint?: string;
}

export type Rule = {
  [K in keyof Inputs]: RuleInfo & { reads: K; check: (input: Inputs[K]) => Violation[] };
}[keyof Inputs];
type JobRule = Extract<Rule, { reads: 'job' }>;

// ---- helpers over the decoded document ----

export const isObject = (value: GoJson | undefined): value is GoObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: GoJson | undefined): GoJson[] => (Array.isArray(value) ? value : []);
const text = (value: GoJson | undefined): string => (typeof value === 'string' ? value : '');
const num = (value: GoJson | undefined): number => (typeof value === 'number' ? value : 0);
const isBlank = (value: string) => value.trim() === '';
const v = (field: string, message: string, extra: Omit<Violation, 'field' | 'message'> = {}): Violation => ({
  field,
  message,
  ...extra,
});
const TASK = 'Tasks[0]';
/** Task errors as Bacalhau wraps them: `task <Name> validation failed: <error>`. */
const inTask = (p: JobPass, error: string) => `task ${text(p.task.Name)} validation failed: ${error}`;
const taskMap = (p: JobPass, key: string): GoObject => (isObject(p.task[key]) ? (p.task[key] as GoObject) : {});

const JOB_TYPES = ['batch', 'ops', 'service', 'daemon'];
/** Job.Count as Bacalhau reads it: absent means 1 for batch and service, 0 otherwise. */
const jobCount = (raw: GoObject) =>
  typeof raw.Count === 'number' ? raw.Count : ['batch', 'service'].includes(text(raw.Type)) ? 1 : 0;
const networkOf = (p: JobPass) => parseNetwork(text(taskMap(p, 'Network').Type)) ?? 'Default';

/** Task.Env entries as written (null values are ""). */
const envEntries = (p: JobPass): [string, string][] =>
  Object.entries(taskMap(p, 'Env')).map(([k, value]) => [k, text(value)]);

/** The first of ValidateEnvVars' checks a variable fails (pkg/models/env_var.go). */
export function envProblem(name: string, value: string): { rule: string; message: string } | undefined {
  if (name === '') return { rule: 'env-name-empty', message: 'environment variable name cannot be empty' };
  if (name !== goToUpper(name))
    return { rule: 'env-name-upper', message: `environment variable '${name}' must be uppercase` };
  // unicode.IsLetter(rune(name[0])): the first byte, read as a Latin-1 code point
  const first = new TextEncoder().encode(name)[0]!;
  if (!/\p{L}/u.test(String.fromCharCode(first))) {
    return { rule: 'env-name-first', message: `environment variable '${name}' must start with a letter` };
  }
  if (!/^[\p{L}\p{Nd}_]+$/u.test(name)) {
    return {
      rule: 'env-name-chars',
      message: `environment variable '${name}' can only contain letters, numbers, and underscores`,
    };
  }
  if (name.toUpperCase().startsWith('BACALHAU_')) {
    return { rule: 'env-name-reserved', message: `environment variable '${name}' cannot start with BACALHAU_` };
  }
  if (value === '')
    return { rule: 'env-value-nonempty', message: `environment variable '${name}' cannot have empty value` };
  return undefined;
}

const envRule = (id: string, message: string, hint: string): JobRule => ({
  id,
  stage: 'cli',
  outcome: 'refused',
  field: 'Tasks[].Env.<name>',
  message,
  source: 'pkg/models/env_var.go: ValidateEnvVars',
  hint,
  reads: 'job',
  check: (p) =>
    envEntries(p).flatMap(([name, value]) => {
      const problem = envProblem(name, value);
      return problem?.rule === id ? [v(`${TASK}.Env.${name}`, inTask(p, problem.message))] : [];
    }),
});

/** Inputs with their raw entry (null entries skipped: input-nil reports them). */
const inputs = (p: JobPass) =>
  list(p.task.InputSources).flatMap((input, index) =>
    isObject(input) ? [{ input, index, field: `${TASK}.InputSources[${index}]` }] : [],
  );
const sourceOf = (input: GoObject): GoObject | undefined => (isObject(input.Source) ? input.Source : undefined);
const sourceType = (input: GoObject) => text(sourceOf(input)?.Type).trim().toLowerCase();
/** A Params value as mapstructure and encoding/json find it: the exact key, else one equal ignoring case. */
const param = (params: GoJson | undefined, key: string): GoJson | undefined => {
  if (!isObject(params)) return undefined;
  if (Object.hasOwn(params, key)) return params[key];
  const match = Object.keys(params)
    .sort()
    .filter((k) => k.toLowerCase() === key.toLowerCase())
    .pop();
  return match === undefined ? undefined : params[match];
};

/** Inline sources whose URL is a string, with Bacalhau's parse of it. */
interface InlineUrl {
  field: string;
  url: string;
  parsed?: DataUrl;
  error?: DataUrlError;
  unpacked?: Unpacked;
}

function inlineUrls(p: JobPass): InlineUrl[] {
  return inputs(p).flatMap(({ input, field }): InlineUrl[] => {
    const url = param(sourceOf(input)?.Params, 'URL');
    if (sourceType(input) !== 'inline' || typeof url !== 'string' || isBlank(url)) return [];
    return [{ field: `${field}.Source.Params.URL`, url, ...p.inline(url) }];
  });
}

/** The Go type encoding/json gives a JSON value decoded into interface{}. */
const goTypeOf = (value: GoJson): string =>
  Array.isArray(value)
    ? '[]interface {}'
    : typeof value === 'object'
      ? 'map[string]interface {}'
      : typeof value === 'number'
        ? 'float64'
        : typeof value;

const DISK_ERROR = 'calculating resource usage of job: error getting job disk space requirements: ';

const dataUrlRule = (
  id: string,
  part: DataUrlPart,
  message: string | string[],
  hint: string,
  only?: (url: string) => boolean,
): JobRule => ({
  id,
  stage: 'compute',
  outcome: 'fails',
  field: 'Tasks[].InputSources[].Source.Params.URL',
  message,
  source:
    'github.com/vincent-petithory/dataurl@v1.0.0 lex.go, dataurl.go; pkg/storage/inline/storage.go: GetVolumeSize',
  hint,
  reads: 'job',
  check: (p) =>
    inlineUrls(p).flatMap(({ field, url, error }) =>
      error?.part === part && (only === undefined || only(url)) ? [v(field, DISK_ERROR + error.message)] : [],
    ),
});
/** The data after the comma of a base64 data URL has a space (YAML folding turns line breaks into spaces). */
const base64HasSpace = (url: string) => /;base64,/.test(url) && url.slice(url.indexOf(',') + 1).includes(' ');

/** Result paths with their raw entry (null entries skipped: result-nil reports them). */
const results = (p: JobPass) =>
  list(p.task.ResultPaths).flatMap((result, index) =>
    isObject(result)
      ? [{ name: text(result.Name), path: text(result.Path), index, field: `${TASK}.ResultPaths[${index}]` }]
      : [],
  );

/** Duplicates of `key(item)` among `items`, exact (the CLI) or trimmed (CreateJob, after Normalize). */
function duplicates<T>(items: T[], key: (item: T) => string): { item: T; value: string; stage: Stage }[] {
  const exact = new Set<string>();
  const trimmed = new Set<string>();
  const found: { item: T; value: string; stage: Stage }[] = [];
  for (const item of items) {
    const value = key(item);
    if (value === '') continue;
    if (exact.has(value)) found.push({ item, value, stage: 'cli' });
    else if (trimmed.has(value.trim())) found.push({ item, value: value.trim(), stage: 'orchestrator' });
    exact.add(value);
    trimmed.add(value.trim());
  }
  return found;
}

// ---- resources (pkg/models/resource.go: ToResources, Validate) ----

/** ResourcesConfig.Normalize: lower case, spaces and newlines removed. */
const normalizeResource = (value: string) => value.toLowerCase().replace(/[ \n]/g, '');
const resources = (p: JobPass) => {
  const config = taskMap(p, 'Resources');
  return {
    cpu: normalizeResource(text(config.CPU)),
    memory: normalizeResource(text(config.Memory)),
    disk: normalizeResource(text(config.Disk)),
    gpu: normalizeResource(text(config.GPU)),
  };
};

/** k8sresource cpuIntFromString: millicores ("500m", or cores as a Go float), or undefined when unreadable. */
function cpuMillicores(cpu: string): number | undefined {
  if (cpu.endsWith('m')) {
    const digits = cpu.slice(0, -1);
    return /^[+-]?\d+$/.test(digits) && Math.abs(Number(digits)) < 2 ** 63 ? Number(digits) : undefined;
  }
  const hex = /^([+-]?)0x([0-9a-f_]*)(?:\.([0-9a-f_]*))?p([+-]?\d+)$/.exec(cpu);
  if (hex) {
    const [, sign, whole = '', fraction = '', exponent] = hex;
    const digits = `${whole}${fraction}`.replace(/_/g, '');
    if (digits === '') return undefined;
    const value = parseInt(digits, 16) * 2 ** (Number(exponent) - 4 * fraction.replace(/_/g, '').length);
    return Math.trunc((sign === '-' ? -value : value) * 1000);
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(cpu)) return undefined;
  const cores = Number(cpu);
  return Number.isFinite(cores) && Math.abs(cores * 1000) < 2 ** 63 ? Math.trunc(cores * 1000) : undefined;
}

const byteSize = (value: string): number | undefined => {
  try {
    return parseBytes(value);
  } catch (error) {
    if (isBrineError(error)) return undefined;
    throw error;
  }
};

/** ToResources' errors: CPU, Memory and Disk together, or the GPU error alone. */
function resourceErrors(p: JobPass): { rule: string; field: string; message: string }[] {
  const { cpu, memory, disk, gpu } = resources(p);
  const field = `${TASK}.Resources`;
  if (gpu !== '' && !(/^\d+$/.test(gpu) && BigInt(gpu) < 2n ** 64n)) {
    return [{ rule: 'res-gpu', field: `${field}.GPU`, message: `invalid GPU value: ${gpu}` }];
  }
  const found: { rule: string; field: string; message: string }[] = [];
  const millicores = cpu === '' ? 0 : cpuMillicores(cpu);
  if (millicores === undefined)
    found.push({ rule: 'res-cpu', field: `${field}.CPU`, message: `invalid CPU value: ${cpu}` });
  if (memory !== '' && byteSize(memory) === undefined)
    found.push({ rule: 'res-bytes', field: `${field}.Memory`, message: `invalid memory value: ${memory}` });
  if (disk !== '' && byteSize(disk) === undefined)
    found.push({ rule: 'res-bytes', field: `${field}.Disk`, message: `invalid disk value: ${disk}` });
  if (found.length === 0 && millicores! < 0) {
    found.push({
      rule: 'res-cpu',
      field: `${field}.CPU`,
      message: `invalid CPU value: ${(millicores! / 1000).toFixed(6)}`,
    });
  }
  return found;
}

const resourceRule = (id: string, message: string, hint: string): JobRule => ({
  id,
  stage: 'cli',
  outcome: 'refused',
  field: 'Tasks[].Resources',
  message,
  source: 'pkg/models/resource.go: ToResources, (*Resources).Validate',
  hint,
  reads: 'job',
  check: (p) =>
    resourceErrors(p).flatMap((e) => (e.rule === id ? [v(e.field, inTask(p, `invalid resources: ${e.message}`))] : [])),
});

/** wazero's memory limit in pages, as a compute node sets it; throws as jobMemoryLimitPages does. */
export const wasmLimitPages = (p: JobPass) => jobMemoryLimitPages(resources(p).memory || undefined, true);

// ---- network (pkg/models/network.go) ----

const DOMAIN = /\b([a-z0-9]+(-[a-z0-9]+)*\.)+[a-z]{2,}\b/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** net.ParseIP: dotted IPv4 (no leading zeros) or IPv6. */
function isIp(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

function portErrors(p: JobPass): string[] {
  const network = taskMap(p, 'Network');
  const ports = list(network.Ports);
  const type = networkOf(p);
  if (ports.length === 0) return [];
  if (!['Host', 'Full', 'Bridge'].includes(type)) return ['ports can only be set for Host or Bridge network modes'];
  const errors: string[] = [];
  const names = new Set<string>();
  const statics = new Set<number>();
  const targets = new Set<number>();
  for (const port of ports) {
    if (!isObject(port)) continue;
    const name = text(port.Name);
    const staticPort = num(port.Static);
    const target = num(port.Target);
    const host = text(port.HostNetwork);
    if (name === '') errors.push('port mapping name is required');
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      errors.push(
        'port name must be a valid environment variable name: start with letter/underscore and contain only letters, numbers, and underscores',
      );
    } else if (name.length > 237) errors.push('port name too long (max 237 characters)');
    if (staticPort !== 0 && staticPort < 1024)
      errors.push(`static port ${staticPort} is in privileged port range (1-1023)`);
    if (staticPort > 65535) errors.push(`static port ${staticPort} is above maximum valid port 65535`);
    if (target < 0 || target > 65535) errors.push(`invalid target port ${target}`);
    if (host !== '' && !isIp(host)) errors.push(`invalid host network IP address: ${host}`);
    if (name !== '' && names.has(name)) errors.push(`duplicate port mapping name ${goQuote(name)}`);
    if (staticPort !== 0 && statics.has(staticPort)) errors.push(`duplicate port mapping static port ${staticPort}`);
    if (type !== 'Bridge' && target !== 0) errors.push('target ports cannot be set for Host network mode');
    if (type === 'Bridge' && target !== 0 && targets.has(target))
      errors.push(`duplicate port mapping target port ${target}`);
    names.add(name);
    statics.add(staticPort);
    targets.add(target);
  }
  return errors;
}

// ---- constraints (pkg/models/selector.go; k8s.io/apimachinery labels.NewRequirement) ----

const OPERATORS = ['in', 'notin', 'exists', '!', '=', '==', '!=', 'gt', 'lt'];
const constraints = (p: JobPass) =>
  list(p.raw.Constraints).flatMap((c, index) =>
    isObject(c) ? [{ key: text(c.Key), operator: text(c.Operator), values: list(c.Values).map(text), index }] : [],
  );
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
function labelKeyError(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts.at(-1)!;
  if (parts.length > 2)
    return `${goQuote(key)}: a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'`;
  if (parts.length === 2 && (parts[0] === '' || parts[0]!.length > 253 || !DNS_SUBDOMAIN.test(parts[0]!))) {
    return `${goQuote(key)}: prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
  }
  if (name === '') return `${goQuote(key)}: name part must be non-empty`;
  if (name.length > 63) return `${goQuote(key)}: name part must be no more than 63 characters`;
  if (!LABEL_NAME.test(name)) {
    return `${goQuote(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}
/** Labels every node of a default network has (pkg/node/labels.go; GPU labels only with GPUs). */
const NODE_LABELS = ['os_type', 'os_arch', 'name'];

// ---- limits ----

/** echo's BodyLimit("10MB") on the job submission API (pkg/publicapi/config.go). */
export const API_BODY_LIMIT = 10_000_000;
/** NATS's default max_payload: the job travels to the compute node in one message. */
export const NATS_MAX_PAYLOAD = 1_048_576;
/** What the orchestrator adds to the job in the message to the node (execution, events, envelope): an estimate. */
export const NATS_OVERHEAD = 8 * 1024;
/** The bytes of the job as the CLI sends it: `{"Job": <job JSON>, "Force": false}`. */
export const submissionBytes = (job: Record<string, unknown>) => goJsonSize({ Job: job, Force: false });

const sizeHint = 'Serve large files from a URL (urlDownload), IPFS or S3 instead of inlining them as data URLs.';

// ---- the table ----

export const RULES: Rule[] = [
  // 1. The CLI reads the file and makes the template pass.
  {
    id: 'cli-empty',
    stage: 'cli',
    outcome: 'refused',
    field: '(file)',
    message: 'no content provided',
    source: 'cmd/util/reader.go: ReadJobFromUser',
    reads: 'file',
    check: ({ text: file }) => (file === '' ? [v('', 'no content provided')] : []),
  },
  {
    id: 'tmpl-stray',
    stage: 'cli',
    outcome: 'refused',
    field: '(file)',
    message: 'failed to parse template: %s',
    source: 'pkg/lib/template/parser.go: parse (Go text/template)',
    hint: 'bacalhau job run reads the file as a Go template: write a literal {{ as {{"{{"}}, or run it with --no-template.',
    reads: 'file',
    check: ({ template }) => (template.error?.kind === 'parse' ? [v('', template.error.message)] : []),
  },
  {
    id: 'tmpl-undefined',
    stage: 'cli',
    outcome: 'refused',
    field: '(file)',
    message: 'failed to execute template: %s',
    source: 'pkg/lib/template/parser.go: NewParser (missingkey=error), parse',
    hint: 'No template variables are set by default: pass them with -V NAME=value (or -E PATTERN for host variables), or write a literal {{ as {{"{{"}}.',
    reads: 'file',
    check: ({ template }) => (template.error?.kind === 'execute' ? [v('', template.error.message)] : []),
  },
  {
    id: 'tmpl-always',
    stage: 'cli',
    outcome: 'accepted',
    field: '(file)',
    source: 'pkg/lib/template/parser.go; cmd/cli/job/run.go (the pass runs unless --no-template)',
    reads: 'file',
    check: ({ template }) =>
      template.unevaluated.map(({ action, line }) =>
        v(
          '',
          `line ${line}: bacalhau job run evaluates ${action} as a Go template; Brine does not, and checks the file without it`,
        ),
      ),
  },
  // 2. YAML to JSON.
  {
    id: 'yaml-lib',
    stage: 'cli',
    outcome: 'refused',
    field: '(file)',
    message: 'converting yaml to json: yaml: line %d: %s',
    source: 'pkg/lib/marshaller/utils.go: UnmarshalJob; sigs.k8s.io/yaml@v1.6.0 YAMLToJSON (go-yaml v2)',
    hint: "The line and reason are those of Brine's YAML reader; go-yaml may word them differently.",
    reads: 'yaml',
    check: ({ error }) => (error?.rule === 'yaml-lib' ? [v('', `converting yaml to json: ${error.message}`)] : []),
  },
  {
    id: 'yaml-map-keys',
    stage: 'cli',
    outcome: 'refused',
    field: '(any map key)',
    message: 'converting yaml to json: unsupported map key of type: %s',
    source: 'sigs.k8s.io/yaml@v1.6.0 yaml.go: convertToJSONableObject',
    hint: 'Map keys must be strings, numbers or booleans: a null (~) or a list or map as a key cannot become JSON.',
    reads: 'yaml',
    check: ({ error }) =>
      error?.rule === 'yaml-map-keys' ? [v(error.path ?? '', `converting yaml to json: ${error.message}`)] : [],
  },
  {
    id: 'yaml-nan-inf',
    stage: 'cli',
    outcome: 'refused',
    field: '(any value)',
    message: 'converting yaml to json: json: unsupported value: %s',
    source: 'sigs.k8s.io/yaml@v1.6.0 yaml.go: yamlToJSONTarget (json.Marshal)',
    hint: '.nan, .inf and -.inf have no JSON form: quote them if they are meant as text.',
    reads: 'yaml',
    check: ({ error }) =>
      error?.rule === 'yaml-nan-inf' ? [v(error.path ?? '', `converting yaml to json: ${error.message}`)] : [],
  },
  {
    id: 'yaml-first-doc',
    stage: 'cli',
    outcome: 'accepted',
    field: '(file)',
    source: 'go.yaml.in/yaml/v2@v2.4.4 yaml.go: unmarshal (one document)',
    reads: 'yaml',
    check: ({ documents }) =>
      documents > 1
        ? [v('', `the file holds ${documents} YAML documents: Bacalhau reads the first and ignores the rest`)]
        : [],
  },
  {
    id: 'yaml-dup-keys',
    stage: 'cli',
    outcome: 'accepted',
    field: '(any map key)',
    source: 'go.yaml.in/yaml/v2@v2.4.4 decode.go: (*decoder).mapping (not strict)',
    reads: 'yaml',
    check: ({ duplicateKeys }) =>
      duplicateKeys.map(({ path, key }) =>
        v(path, `the key ${goQuote(key)} is set twice: Bacalhau keeps the last value`),
      ),
  },
  {
    id: 'yaml-bool-11',
    stage: 'cli',
    outcome: 'accepted',
    field: '(any map key)',
    source: 'go.yaml.in/yaml/v2@v2.4.4 resolve.go (YAML 1.1 booleans); sigs.k8s.io/yaml convertToJSONableObject',
    hint: 'YAML 1.1 reads y, yes, on, true (and n, no, off, false) in any of their usual cases as booleans: quote the key.',
    reads: 'yaml',
    check: ({ boolKeys }) =>
      boolKeys.map(({ path, written, key }) =>
        v(
          path === '' ? written : `${path}.${written}`,
          `the key ${written} is the boolean ${key} to Bacalhau's YAML reader: it becomes the key "${key}"`,
        ),
      ),
  },
  {
    id: 'top-level-null',
    stage: 'cli',
    outcome: 'refused',
    field: '(document)',
    message: 'empty/nil job',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission',
    hint: 'The document is empty (only comments, whitespace or ~).',
    reads: 'yaml',
    check: ({ value, error }) => (error === undefined && value === null ? [v('', 'empty/nil job')] : []),
  },
  {
    id: 'top-level-map',
    stage: 'cli',
    outcome: 'refused',
    field: '(document)',
    message: 'json: cannot unmarshal %s into Go value of type map[string]interface {}',
    source: 'pkg/lib/marshaller/utils.go: UnmarshalJob',
    hint: 'A job is a map with keys such as Type and Tasks.',
    reads: 'yaml',
    check: ({ value }) => {
      if (value === undefined || value === null || isObject(value)) return [];
      const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
      return [v('', `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`)];
    },
  },
  // 3. Top-level keys.
  {
    id: 'top-level-readonly',
    stage: 'cli',
    outcome: 'refused',
    field: 'ID, State, Version, Revision, CreateTime, ModifyTime',
    message: "field: '%s' in 'Job' is not allowed",
    source: 'pkg/lib/marshaller/utils.go: validateRawJob (disallowedKeys)',
    hint: 'These fields are set by Bacalhau: remove them (any case).',
    reads: 'keys',
    check: (root) =>
      Object.keys(root)
        .filter((key) => READONLY_KEYS.includes(key.toLowerCase()))
        .map((key) => v(key, `field: '${key}' in 'Job' is not allowed`)),
  },
  {
    id: 'top-level-unknown',
    stage: 'cli',
    outcome: 'refused',
    field: '(top-level keys)',
    message: "unknown field: '%s' in 'Job'",
    source: 'pkg/lib/marshaller/utils.go: validateRawJob (allowedKeys)',
    hint: 'At the top level Bacalhau allows only Name, Namespace, Type, Priority, Count, Constraints, Meta, Labels and Tasks (any case).',
    reads: 'keys',
    check: (root) =>
      Object.keys(root)
        .filter((key) => !READONLY_KEYS.includes(key.toLowerCase()) && !ALLOWED_KEYS.includes(key.toLowerCase()))
        .map((key) => v(key, `unknown field: '${key}' in 'Job'`)),
  },
  // 4. Decoding into models.Job.
  {
    id: 'json-type',
    stage: 'cli',
    outcome: 'refused',
    field: '(every typed field)',
    message: "field: '%s' in '%s' is invalid type: '%s' expected: '%s'",
    source: 'pkg/lib/marshaller/utils.go: UnmarshalJob (encoding/json into models.Job)',
    reads: 'decode',
    check: ({ errors }) =>
      errors
        .filter((e) => e.expected !== 'models.Network' || e.got !== 'string')
        .map((e) =>
          v(e.path, e.message, {
            hint:
              e.got === 'bool'
                ? 'YAML 1.1 reads yes, no, on, off, y, n, true and false as booleans, and Bacalhau never turns them into strings: quote the value.'
                : e.got.startsWith('number') && e.expected.endsWith('string')
                  ? 'Bacalhau never turns numbers into strings: quote the value (0755 is the number 493, 1e3 is 1000).'
                  : `Write a value of Go type ${e.expected}.`,
          }),
        ),
  },
  {
    id: 'net-type',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Network.Type',
    message: "models.Network: unknown type '%s'",
    source: 'pkg/models/network.go: ParseNetwork, (*Network).UnmarshalText',
    hint: 'Network.Type is one of Default, None, Host, Full, HTTP, Bridge (any case).',
    reads: 'decode',
    check: ({ errors }) =>
      errors.filter((e) => e.expected === 'models.Network' && e.got === 'string').map((e) => v(e.path, e.message)),
  },
  {
    id: 'nested-keys',
    stage: 'cli',
    outcome: 'accepted',
    field: '(keys below the top level)',
    source: 'pkg/lib/marshaller/utils.go: UnmarshalJob (encoding/json ignores unknown fields)',
    reads: 'decode',
    check: ({ unknownKeys }) =>
      unknownKeys.map(({ path, key }) =>
        v(path, `Bacalhau ignores the key ${goQuote(key)}: no field of that name (in any case) is there`),
      ),
  },
  // 5. The CLI's Job.ValidateSubmission (and the API's), on the job as decoded.
  {
    id: 'job-type-required',
    stage: 'cli',
    outcome: 'refused',
    field: 'Type',
    message: 'missing job type',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission',
    hint: 'Set Type: batch (the usual type for a WASM job; Brine runs a job without a Type as batch).',
    reads: 'job',
    check: (p) => (text(p.raw.Type) === '' ? [v('Type', 'missing job type')] : []),
  },
  {
    id: 'job-type-exact',
    stage: 'cli',
    outcome: 'refused',
    field: 'Type',
    message: 'invalid job type: %q',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission; pkg/models/constants.go',
    hint: 'Type is exactly batch, ops, service or daemon: lower case, no spaces.',
    reads: 'job',
    check: (p) => {
      const type = text(p.raw.Type);
      return type !== '' && !JOB_TYPES.includes(type) ? [v('Type', `invalid job type: ${goQuote(type)}`)] : [];
    },
  },
  {
    id: 'job-count-nonneg',
    stage: 'cli',
    outcome: 'refused',
    field: 'Count',
    message: 'job count must be >= 0',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission',
    reads: 'job',
    check: (p) => (jobCount(p.raw) < 0 ? [v('Count', 'job count must be >= 0')] : []),
  },
  {
    id: 'job-count-daemon-ops',
    stage: 'cli',
    outcome: 'refused',
    field: 'Count',
    message: '%s jobs cannot specify count > 1 as they run on all matching nodes',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission',
    reads: 'job',
    check: (p) => {
      const type = text(p.raw.Type);
      return ['daemon', 'ops'].includes(type) && jobCount(p.raw) > 1
        ? [v('Count', `${type} jobs cannot specify count > 1 as they run on all matching nodes`)]
        : [];
    },
  },
  {
    id: 'tasks-required',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks',
    message: 'missing job tasks',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission',
    reads: 'job',
    check: (p) => (list(p.raw.Tasks).length === 0 ? [v('Tasks', 'missing job tasks')] : []),
  },
  {
    id: 'tasks-nil',
    stage: 'cli',
    outcome: 'crash',
    field: 'Tasks[]',
    source: 'pkg/models/job.go: (*Job).ValidateSubmission (task.ValidateSubmission on nil)',
    reads: 'job',
    check: (p) =>
      list(p.raw.Tasks).flatMap((task, i) =>
        task === null ? [v(`Tasks[${i}]`, 'a null task makes the CLI crash (nil pointer dereference)')] : [],
      ),
  },
  {
    id: 'tasks-single',
    stage: 'orchestrator',
    outcome: 'accepted',
    field: 'Tasks',
    message: 'only one task is supported per job',
    source: 'pkg/models/job.go: (*Job).SanitizeSubmission',
    hint: 'Bacalhau validates every task, then keeps only the first; Brine checks the first.',
    reads: 'job',
    check: (p) => (list(p.raw.Tasks).length > 1 ? [v('Tasks', 'only one task is supported per job')] : []),
  },
  {
    id: 'constr-nil',
    stage: 'cli',
    outcome: 'crash',
    field: 'Constraints[]',
    source: 'pkg/models/selector.go: (*LabelSelectorRequirement).Validate (r.Key on nil)',
    reads: 'job',
    check: (p) =>
      list(p.raw.Constraints).flatMap((c, i) =>
        c === null ? [v(`Constraints[${i}]`, 'a null constraint makes the CLI crash (nil pointer dereference)')] : [],
      ),
  },
  {
    id: 'constr-submit',
    stage: 'cli',
    outcome: 'refused',
    field: 'Constraints[]',
    message: 'constraint %d validation failed: %s',
    source: 'pkg/models/selector.go: (*LabelSelectorRequirement).Validate; pkg/models/job.go: ValidateSubmission',
    reads: 'job',
    check: (p) =>
      constraints(p).flatMap(({ key, operator, values, index }) => {
        const problems: string[] = [];
        if (isBlank(key)) problems.push('selector key cannot be blank');
        if (['in', 'notin'].includes(operator) && values.length === 0) {
          problems.push('selector values cannot be empty for In or NotIn operators');
        } else if (['exists', '!'].includes(operator) && values.length > 0) {
          problems.push('selector values must be empty for Exists or KeyNotInImap operators');
        } else if (!['in', 'notin', 'exists', '!'].includes(operator) && values.length !== 1) {
          problems.push('selector values must have exactly one value for other operators');
        }
        return problems.map((problem) =>
          v(`Constraints[${index}]`, `constraint ${index + 1} validation failed: ${problem}`),
        );
      }),
  },
  {
    id: 'task-name',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Name',
    message: ['task %s validation failed: missing task name', 'task name cannot contain null characters'],
    source: 'pkg/models/task.go: (*Task).ValidateSubmission',
    hint: 'Give the task a Name, e.g. main.',
    reads: 'job',
    check: (p) => {
      const name = text(p.task.Name);
      if (isBlank(name)) return [v(`${TASK}.Name`, inTask(p, 'missing task name'))];
      return name.includes('\0') ? [v(`${TASK}.Name`, inTask(p, 'task name cannot contain null characters'))] : [];
    },
  },
  {
    id: 'engine-required',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Engine',
    message: 'invalid engine: %s',
    source: 'pkg/models/task.go: ValidateSubmission; pkg/models/spec_config.go: Validate',
    reads: 'job',
    check: (p) => {
      if (!isObject(p.task.Engine)) return [v(`${TASK}.Engine`, inTask(p, 'invalid engine: nil spec config'))];
      return isBlank(text(p.task.Engine.Type))
        ? [v(`${TASK}.Engine.Type`, inTask(p, 'invalid engine: missing spec type'))]
        : [];
    },
  },
  envRule('env-name-empty', 'environment variable name cannot be empty', 'Remove the variable with the empty name.'),
  envRule(
    'env-name-upper',
    "environment variable '%s' must be uppercase",
    'Write Task.Env names in upper case (Brine.Env takes any name, in Brine only).',
  ),
  envRule('env-name-first', "environment variable '%s' must start with a letter", 'Start the name with a letter.'),
  envRule(
    'env-name-chars',
    "environment variable '%s' can only contain letters, numbers, and underscores",
    'Use letters, digits and _ only.',
  ),
  envRule(
    'env-name-reserved',
    "environment variable '%s' cannot start with BACALHAU_",
    "BACALHAU_* names are the node's own variables: rename it.",
  ),
  envRule(
    'env-value-nonempty',
    "environment variable '%s' cannot have empty value",
    'Give it a value, or remove it (a quoted " " is accepted).',
  ),
  {
    id: 'input-nil',
    stage: 'cli',
    outcome: 'crash',
    field: 'Tasks[].InputSources[]',
    source: 'pkg/models/task.go: validateInputSources (input.Alias on nil)',
    reads: 'job',
    check: (p) =>
      list(p.task.InputSources).flatMap((input, i) =>
        input === null
          ? [v(`${TASK}.InputSources[${i}]`, 'a null input source makes the CLI crash (nil pointer dereference)')]
          : [],
      ),
  },
  {
    id: 'input-target-required',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].InputSources[].Target',
    message: 'invalid input sources: input source is missing a target',
    source: 'pkg/models/input_source.go: (*InputSource).Validate',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) =>
        isBlank(text(input.Target))
          ? [v(`${field}.Target`, inTask(p, 'invalid input sources: input source is missing a target'))]
          : [],
      ),
  },
  {
    id: 'input-source-required',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].InputSources[].Source',
    message: 'invalid input sources: invalid input source: %s',
    source: 'pkg/models/input_source.go: (*InputSource).Validate; spec_config.go: Validate',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) => {
        const source = sourceOf(input);
        if (source === undefined)
          return [v(`${field}.Source`, inTask(p, 'invalid input sources: invalid input source: nil spec config'))];
        return isBlank(text(source.Type))
          ? [v(`${field}.Source.Type`, inTask(p, 'invalid input sources: invalid input source: missing spec type'))]
          : [];
      }),
  },
  {
    id: 'input-target-unique',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].InputSources[].Target',
    message: "input source with target '%s' already exists",
    source: 'pkg/models/task.go: validateInputSources; input_source.go: Normalize (trimmed at CreateJob)',
    hint: 'Two inputs are mounted at the same Target: give each its own.',
    reads: 'job',
    check: (p) =>
      duplicates(inputs(p), ({ input }) => text(input.Target)).map(({ item, value, stage }) =>
        v(`${item.field}.Target`, inTask(p, `input source with target '${value}' already exists`), { stage }),
      ),
  },
  {
    id: 'input-alias-unique',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].InputSources[].Alias',
    message: "input source with alias '%s' already exists",
    source: 'pkg/models/task.go: validateInputSources',
    hint: 'The WASM executor does not use Alias: leave it out.',
    reads: 'job',
    check: (p) =>
      duplicates(inputs(p), ({ input }) => text(input.Alias))
        .filter(({ stage }) => stage === 'cli')
        .map(({ item, value }) =>
          v(`${item.field}.Alias`, inTask(p, `input source with alias '${value}' already exists`)),
        ),
  },
  {
    id: 'result-nil',
    stage: 'cli',
    outcome: 'crash',
    field: 'Tasks[].ResultPaths[]',
    source: 'pkg/models/task.go: validateResultPaths (result.Name on nil)',
    reads: 'job',
    check: (p) =>
      list(p.task.ResultPaths).flatMap((result, i) =>
        result === null
          ? [v(`${TASK}.ResultPaths[${i}]`, 'a null result path makes the CLI crash (nil pointer dereference)')]
          : [],
      ),
  },
  {
    id: 'result-fields',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].ResultPaths[]',
    message: 'invalid output: %s',
    source: 'pkg/models/path.go: (*ResultPath).Validate',
    hint: 'Each ResultPath needs a Name and an absolute Path; the WASM executor mounts it at /<Name>.',
    reads: 'job',
    check: (p) =>
      results(p).flatMap(({ name, path, field }) => {
        if (isBlank(path)) return [v(`${field}.Path`, inTask(p, 'invalid output: missing path'))];
        if (isBlank(name)) return [v(`${field}.Name`, inTask(p, 'invalid output: missing name'))];
        return path.startsWith('/')
          ? []
          : [v(`${field}.Path`, inTask(p, `invalid output: result path \`${path}\` must be absolute`))];
      }),
  },
  {
    id: 'result-unique',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].ResultPaths[].Name, .Path',
    message: ["result path with name '%s' already exists", "result path '%s' already exists"],
    source: 'pkg/models/task.go: validateResultPaths; path.go: Normalize (trimmed at CreateJob)',
    reads: 'job',
    check: (p) => [
      ...duplicates(results(p), (r) => r.name).map(({ item, value, stage }) =>
        v(`${item.field}.Name`, inTask(p, `result path with name '${value}' already exists`), { stage }),
      ),
      ...duplicates(results(p), (r) => r.path).map(({ item, value, stage }) =>
        v(`${item.field}.Path`, inTask(p, `result path '${value}' already exists`), { stage }),
      ),
    ],
  },
  resourceRule('res-cpu', 'invalid resources: invalid CPU value: %s', 'CPU is cores (0.5, 2) or millicores (500m).'),
  resourceRule(
    'res-bytes',
    'invalid resources: invalid %s value: %s',
    'Sizes are go-humanize: 512Mb (SI), 512MiB (binary), 1gb; no exponents, no negatives.',
  ),
  resourceRule('res-gpu', 'invalid resources: invalid GPU value: %s', 'GPU is a whole number, e.g. "1".'),
  {
    id: 'net-domains-http',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Network.Domains',
    message: 'invalid network: domains can only be set for HTTP network mode',
    source: 'pkg/models/network.go: (*NetworkConfig).Validate',
    reads: 'job',
    check: (p) =>
      list(taskMap(p, 'Network').Domains).length > 0 && networkOf(p) !== 'HTTP'
        ? [v(`${TASK}.Network.Domains`, inTask(p, 'invalid network: domains can only be set for HTTP network mode'))]
        : [],
  },
  {
    id: 'net-domain-format',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Network.Domains[]',
    message: 'invalid network: invalid domain %q',
    source: 'pkg/models/network.go: domainRegex, (*NetworkConfig).Validate',
    hint: 'A domain is checked as written, before Bacalhau lower-cases it: write it in lower case (example.com), or give an IP address.',
    reads: 'job',
    check: (p) =>
      list(taskMap(p, 'Network').Domains).flatMap((domain, i) => {
        const name = text(domain);
        return DOMAIN.test(name) || isIp(name)
          ? []
          : [v(`${TASK}.Network.Domains[${i}]`, inTask(p, `invalid network: invalid domain ${goQuote(name)}`))];
      }),
  },
  {
    id: 'net-port-nil',
    stage: 'cli',
    outcome: 'crash',
    field: 'Tasks[].Network.Ports[]',
    source: 'pkg/models/network.go: (PortMap).Validate',
    reads: 'job',
    check: (p) =>
      ['Host', 'Full', 'Bridge'].includes(networkOf(p))
        ? list(taskMap(p, 'Network').Ports).flatMap((port, i) =>
            port === null
              ? [v(`${TASK}.Network.Ports[${i}]`, 'a null port makes the CLI crash (nil pointer dereference)')]
              : [],
          )
        : [],
  },
  {
    id: 'net-ports-mode',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Network.Ports',
    message: 'invalid network: ports can only be set for Host or Bridge network modes',
    source: 'pkg/models/network.go: (*NetworkConfig).Validate, SupportPortAllocation',
    reads: 'job',
    check: (p) =>
      portErrors(p)
        .filter((e) => e.startsWith('ports can only'))
        .map((e) => v(`${TASK}.Network.Ports`, inTask(p, `invalid network: ${e}`))),
  },
  {
    id: 'net-port',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Network.Ports[]',
    message: 'invalid network: %s',
    source: 'pkg/models/network.go: (PortMap).Validate, (*Port).Validate',
    reads: 'job',
    check: (p) =>
      portErrors(p)
        .filter((e) => !e.startsWith('ports can only'))
        .map((e) => v(`${TASK}.Network.Ports`, inTask(p, `invalid network: ${e}`))),
  },
  {
    id: 'timeout-type',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Timeouts',
    source: 'pkg/models/timeout.go (seconds times time.Second overflow int64 above 9223372036)',
    reads: 'job',
    check: (p) =>
      TIMEOUTS.flatMap((key) =>
        num(taskMap(p, 'Timeouts')[key]) > 9_223_372_036
          ? [
              v(
                `${TASK}.Timeouts.${key}`,
                `${key} ${num(taskMap(p, 'Timeouts')[key])} s overflows Go's time.Duration (at most 9223372036 s)`,
              ),
            ]
          : [],
      ),
  },
  {
    id: 'timeout-nonneg',
    stage: 'cli',
    outcome: 'refused',
    field: 'Tasks[].Timeouts',
    message: 'invalid timeouts: invalid %s timeout value: %s',
    source: 'pkg/models/timeout.go: (*TimeoutConfig).ValidateSubmission',
    reads: 'job',
    check: (p) => {
      const t = taskMap(p, 'Timeouts');
      const shown: Record<string, number> = {
        // GetExecutionTimeout falls back to TotalTimeout when ExecutionTimeout is not positive.
        ExecutionTimeout: num(t.ExecutionTimeout) > 0 ? num(t.ExecutionTimeout) : num(t.TotalTimeout),
        QueueTimeout: num(t.QueueTimeout),
        TotalTimeout: num(t.TotalTimeout),
      };
      return TIMEOUTS.flatMap((key) =>
        num(t[key]) < 0
          ? [
              v(
                `${TASK}.Timeouts.${key}`,
                inTask(
                  p,
                  `invalid timeouts: invalid ${key.replace('Timeout', '').toLowerCase()} timeout value: ${goDuration(shown[key]!)}`,
                ),
              ),
            ]
          : [],
      );
    },
  },
  // 6. The orchestrator: transformers, then CreateJob's full validation, then placement.
  {
    id: 'api-body-limit',
    stage: 'orchestrator',
    outcome: 'refused',
    field: '(whole job)',
    message: 'Request Entity Too Large',
    source: 'pkg/publicapi/config.go: defaultConfig; echo@v4.15.4 middleware/body_limit.go',
    hint: sizeHint,
    reads: 'job',
    check: (p) => {
      const bytes = submissionBytes(p.raw);
      return bytes > API_BODY_LIMIT
        ? [
            v(
              '',
              `Request Entity Too Large: the job is ${bytes} bytes as JSON; Bacalhau's API accepts at most ${API_BODY_LIMIT}`,
            ),
          ]
        : [];
    },
  },
  {
    id: 'wasm-params-legacy-error',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Tasks[].Engine.Params',
    message: 'Internal server error',
    source: 'pkg/orchestrator/transformer/wasm_legacy.go: Transform; pkg/executor/wasm/models/types.go: DecodeSpec',
    hint: 'EntryModule and Entrypoint are strings, Parameters and ImportModules lists of strings. Bacalhau tries its legacy format when they do not decode, and answers HTTP 500.',
    reads: 'job',
    check: (p) =>
      p.legacy.kind === 'unreadable' ? [v(p.legacy.field, `Internal server error (${p.legacy.reason})`)] : [],
  },
  {
    id: 'wasm-legacy',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Tasks[].Engine.Params.EntryModule, .ImportModules',
    message: 'invalid entry module: %s',
    source: 'pkg/orchestrator/transformer/wasm_legacy.go: Transform',
    reads: 'job',
    check: (p) => {
      if (p.legacy.kind === 'invalid') return [v(p.legacy.field, `Internal server error (${p.legacy.message})`)];
      if (p.legacy.kind !== 'converted') return [];
      return [
        v(
          `${TASK}.Engine.Params.EntryModule`,
          'the legacy format (EntryModule as an input source): the orchestrator moves the modules into InputSources (/wasm/entry.wasm, /wasm/imports/module_<i>.wasm by default)',
          {
            warning: true,
          },
        ),
      ];
    },
  },
  {
    id: 'job-name-blank',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Name',
    message: 'missing job name',
    source: 'pkg/models/job.go: (*Job).Validate, Normalize (only "" becomes the job ID)',
    hint: 'Leave Name out (Bacalhau then names the job by its ID) or give a real name.',
    reads: 'job',
    check: (p) => (text(p.raw.Name) !== '' && isBlank(text(p.raw.Name)) ? [v('Name', 'missing job name')] : []),
  },
  {
    id: 'job-name-nul',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Name',
    message: 'job Name contains a null character',
    source: 'pkg/models/job.go: (*Job).Validate',
    reads: 'job',
    check: (p) => (text(p.raw.Name).includes('\0') ? [v('Name', 'job Name contains a null character')] : []),
  },
  {
    id: 'job-namespace',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Namespace',
    message: 'job must be in a namespace',
    source: 'pkg/models/job.go: (*Job).Validate, Normalize',
    reads: 'job',
    check: (p) =>
      text(p.raw.Namespace) !== '' && isBlank(text(p.raw.Namespace))
        ? [v('Namespace', 'job must be in a namespace')]
        : [],
  },
  {
    id: 'job-meta',
    stage: 'orchestrator',
    outcome: 'accepted',
    field: 'Meta.<key>',
    message: 'job meta key %q is reserved and will be ignored',
    source: 'pkg/models/job.go: (*Job).SanitizeSubmission',
    reads: 'job',
    check: (p) =>
      Object.keys(isObject(p.raw.Meta) ? p.raw.Meta : {})
        .filter((key) => key.startsWith('bacalhau.org/'))
        .map((key) => v(`Meta.${key}`, `job meta key ${goQuote(key)} is reserved and will be ignored`)),
  },
  {
    id: 'publisher-required-results',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Tasks[].Publisher',
    message: 'publisher must be set if result paths are set',
    source: 'pkg/models/task.go: (*Task).Validate; no default publisher (pkg/config/defaults.go)',
    hint: 'Add Publisher: {Type: local} (a default node serves results itself) or remove the ResultPaths.',
    reads: 'job',
    check: (p) => {
      const publisher = taskMap(p, 'Publisher');
      const empty =
        text(publisher.Type) === '' && Object.keys(isObject(publisher.Params) ? publisher.Params : {}).length === 0;
      return list(p.task.ResultPaths).length > 0 && empty
        ? [v(`${TASK}.Publisher`, inTask(p, 'publisher must be set if result paths are set'))]
        : [];
    },
  },
  {
    id: 'timeout-total',
    stage: 'orchestrator',
    outcome: 'refused',
    field: 'Tasks[].Timeouts',
    message:
      'task timeouts validation failed: execution timeout %s and queue timeout %s should be less than total timeout %s',
    source: 'pkg/models/timeout.go: (*TimeoutConfig).Validate; task.go: Validate',
    reads: 'job',
    check: (p) => {
      const t = taskMap(p, 'Timeouts');
      const [execution, queue, total] = [num(t.ExecutionTimeout), num(t.QueueTimeout), num(t.TotalTimeout)];
      if (!(total > 0 && execution + queue > total)) return [];
      const shownExecution = execution > 0 ? execution : total;
      return [
        v(
          `${TASK}.Timeouts`,
          inTask(
            p,
            `task timeouts validation failed: execution timeout ${goDuration(shownExecution)} and queue timeout ${goDuration(queue)} should be less than total timeout ${goDuration(total)}`,
          ),
        ),
      ];
    },
  },
  {
    id: 'engine-type',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Tasks[].Engine.Type',
    message: 'does not support %s, only %s',
    source: 'pkg/orchestrator/selection/ranking/features.go: NewEnginesNodeRanker; pkg/executor/util/utils.go',
    hint: 'Brine checks WASM jobs: Engine.Type is wasm (any case). A default node also offers docker only when Docker runs on it.',
    reads: 'job',
    check: (p) => {
      const type = text(isObject(p.task.Engine) ? p.task.Engine.Type : '').trim();
      return type !== '' && type.toLowerCase() !== 'wasm'
        ? [v(`${TASK}.Engine.Type`, `does not support ${type}, only wasm`)]
        : [];
    },
  },
  {
    id: 'input-type-installed',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Tasks[].InputSources[].Source.Type',
    message: 'does not support %s, only inline, urldownload',
    source:
      'pkg/orchestrator/selection/ranking/features.go: NewStoragesNodeRanker; pkg/executor/util/utils.go: NewStandardStorageProvider',
    hint: 'A default node reads inline (data: URL) and urlDownload sources; s3 needs AWS credentials on the node and ipfs an IPFS endpoint.',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) => {
        const type = sourceType(input);
        return type === '' || ['inline', 'urldownload', 'local', 'localdirectory'].includes(type)
          ? []
          : [
              v(
                `${field}.Source.Type`,
                `does not support ${text(sourceOf(input)?.Type).trim()}, only inline, urldownload`,
              ),
            ];
      }),
  },
  {
    id: 'input-local',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Tasks[].InputSources[].Source.Type',
    message: 'does not support %s, only inline, urldownload',
    source: 'pkg/storage/local/storage.go: IsInstalled (no Compute.AllowListedLocalPaths by default)',
    hint: 'A local path is a path on the compute node, which a default node does not allow: `brine export` turns local files into inline data URLs.',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) =>
        ['local', 'localdirectory'].includes(sourceType(input))
          ? [
              v(
                `${field}.Source.Type`,
                `does not support ${text(sourceOf(input)?.Type).trim()}, only inline, urldownload`,
              ),
            ]
          : [],
      ),
  },
  {
    id: 'publisher-type-installed',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Tasks[].Publisher.Type',
    message: 'does not support %s, only %s',
    source: 'pkg/orchestrator/selection/ranking/features.go: NewPublishersNodeRanker; pkg/publisher/util/utils.go',
    hint: 'A default node publishes with local, noop or s3managed; s3 needs AWS credentials on the node and ipfs an IPFS endpoint.',
    reads: 'job',
    check: (p) => {
      const type = text(taskMap(p, 'Publisher').Type).trim();
      return type !== '' && !PUBLISHERS.includes(type.toLowerCase())
        ? [v(`${TASK}.Publisher.Type`, `does not support ${type}, only ${PUBLISHERS.join(', ')}`)]
        : [];
    },
  },
  {
    id: 'constr-operator',
    stage: 'orchestrator',
    outcome: 'pending',
    field: 'Constraints[].Operator',
    message: 'operator: Unsupported value: %q',
    source:
      'pkg/orchestrator/selection/ranking/labels.go: RankNodes; k8s.io/apimachinery@v0.36.3 labels.NewRequirement',
    hint: `Operators are lower case: ${OPERATORS.join(', ')}.`,
    reads: 'job',
    check: (p) =>
      constraints(p).flatMap(({ operator, index }) =>
        OPERATORS.includes(operator)
          ? []
          : [v(`Constraints[${index}].Operator`, `operator: Unsupported value: ${goQuote(operator)}`)],
      ),
  },
  {
    id: 'constr-key',
    stage: 'orchestrator',
    outcome: 'pending',
    field: 'Constraints[].Key',
    message: 'key: Invalid value: %s',
    source: 'k8s.io/apimachinery@v0.36.3 labels.NewRequirement (validateLabelKey), pkg/api/validate/content/kube.go',
    reads: 'job',
    check: (p) =>
      constraints(p).flatMap(({ key, index }) => {
        const problem = isBlank(key) ? undefined : labelKeyError(key);
        return problem === undefined ? [] : [v(`Constraints[${index}].Key`, `key: Invalid value: ${problem}`)];
      }),
  },
  {
    id: 'constr-values',
    stage: 'orchestrator',
    outcome: 'pending',
    field: 'Constraints[].Values[]',
    message: 'values[%d]: Invalid value: %q: %s',
    source: 'k8s.io/apimachinery@v0.36.3 labels.NewRequirement (validateLabelValue)',
    reads: 'job',
    check: (p) =>
      constraints(p).flatMap(({ operator, values, index }) =>
        values.flatMap((value, i) => {
          const field = `Constraints[${index}].Values[${i}]`;
          if (['gt', 'lt'].includes(operator) && !/^[+-]?\d+$/.test(value)) {
            return [
              v(
                field,
                `values[${i}]: Invalid value: ${goQuote(value)}: for 'Gt', 'Lt' operators, the value must be an integer`,
              ),
            ];
          }
          if (value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
            return [
              v(
                field,
                `values[${i}]: Invalid value: ${goQuote(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
              ),
            ];
          }
          return [];
        }),
      ),
  },
  {
    id: 'constr-match',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Constraints[]',
    source: 'pkg/orchestrator/selection/ranking/labels.go: RankNodes; pkg/node/labels.go',
    hint: `Nodes of a default network have the labels ${NODE_LABELS.join(', ')} (and those their operators configure); a favour_ key only prefers nodes.`,
    reads: 'job',
    check: (p) =>
      constraints(p).flatMap(({ key, operator, index }) =>
        !key.startsWith('favour_') &&
        !NODE_LABELS.includes(key) &&
        ['in', '=', '==', 'exists', 'gt', 'lt'].includes(operator)
          ? [
              v(
                `Constraints[${index}]`,
                `no node of a default network has the label ${goQuote(key)}: the constraint matches none`,
              ),
            ]
          : [],
      ),
  },
  {
    id: 'res-capacity',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Tasks[].Resources.GPU',
    message: 'job requires more %s (%s) than the maximum available (%s)',
    source: 'pkg/orchestrator/selection/ranking/max_usage.go; pkg/node/utils.go: getAllocatedResources',
    hint: 'A default node offers the GPUs it detects, usually none. CPU, memory and disk depend on the node (80% of its cores, RAM and free disk) and are not checked here.',
    reads: 'job',
    check: (p) => {
      const { gpu } = resources(p);
      return /^\d+$/.test(gpu) && Number(gpu) > 0
        ? [v(`${TASK}.Resources.GPU`, `job requires more GPU (${gpu}) than the maximum available (0)`)]
        : [];
    },
  },
  {
    id: 'job-count-nodes',
    stage: 'orchestrator',
    outcome: 'no-node',
    field: 'Count',
    message: 'not enough nodes to run job. requested: %d, available: %d, suitable: %d.',
    source: 'pkg/orchestrator/scheduler/batch_service_job.go: createMissingExecs; pkg/orchestrator/errors.go',
    hint: 'Each execution of a batch or service job needs its own node; QueueTimeout is 0 by default, so the job fails at once.',
    reads: 'job',
    check: (p) => {
      const count = jobCount(p.raw);
      return ['batch', 'service'].includes(text(p.raw.Type)) && count > p.nodes
        ? [v('Count', `not enough nodes to run job. requested: ${count}, available: ${p.nodes}, suitable: ${p.nodes}.`)]
        : [];
    },
  },
  {
    id: 'job-count-zero',
    stage: 'orchestrator',
    outcome: 'accepted',
    field: 'Count',
    source: 'pkg/orchestrator/scheduler/batch_service_job.go: createMissingExecs',
    reads: 'job',
    check: (p) =>
      ['batch', 'service'].includes(text(p.raw.Type)) && p.raw.Count === 0
        ? [v('Count', 'Count 0: Bacalhau accepts the job but schedules no execution, so the program never runs')]
        : [],
  },
  {
    id: 'nats-max-payload',
    stage: 'orchestrator',
    outcome: 'pending',
    field: '(whole job)',
    message: 'nats: maximum payload exceeded',
    source: 'pkg/nats/transport/nats.go (no MaxPayload); nats-server server/const.go: MAX_PAYLOAD_SIZE',
    hint: sizeHint,
    reads: 'job',
    check: (p) => {
      const bytes = submissionBytes(p.raw);
      return bytes <= API_BODY_LIMIT && bytes + NATS_OVERHEAD > NATS_MAX_PAYLOAD
        ? [
            v(
              '',
              `nats: maximum payload exceeded: the job is ${bytes} bytes as JSON; with what the orchestrator adds (about ${NATS_OVERHEAD}) the message to the node must stay within ${NATS_MAX_PAYLOAD} bytes`,
            ),
          ]
        : [];
    },
  },
  // 7. The compute node: bidding, preparing the inputs, Executor.Start, loading the modules.
  {
    id: 'env-host-ref',
    stage: 'compute',
    outcome: 'bid-rejected',
    field: 'Tasks[].Env.<name>',
    message: "rejected bid: resolve environment variable %s: environment variable '%s' is not in allowed patterns",
    source:
      'pkg/compute/bidstrategy/semantic/env_resolver.go; pkg/compute/env/resolver_map.go (empty Compute.Env.AllowList)',
    hint: 'A value "env:NAME" reads the node\'s own variable, which a default node never allows: write the value itself.',
    reads: 'job',
    check: (p) =>
      envEntries(p).flatMap(([name, value]) =>
        value.startsWith('env:')
          ? [
              v(
                `${TASK}.Env.${name}`,
                `rejected bid: resolve environment variable ${name}: environment variable '${value.slice(4)}' is not in allowed patterns`,
              ),
            ]
          : [],
      ),
  },
  {
    id: 'inline-url',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[].Source.Params.URL',
    message: [
      'invalid inline params: url cannot be empty',
      "1 error(s) decoding:\n\n* 'URL' expected type 'string', got unconvertible type '%s', value: '%v'",
    ],
    source: 'pkg/storage/inline/types.go: DecodeSpec, Validate',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) => {
        if (sourceType(input) !== 'inline') return [];
        const url = param(sourceOf(input)?.Params, 'URL');
        if (url !== undefined && url !== null && typeof url !== 'string') {
          return [
            v(
              `${field}.Source.Params.URL`,
              `${DISK_ERROR}1 error(s) decoding:\n\n* 'URL' expected type 'string', got unconvertible type '${goTypeOf(url)}', value: '${typeof url === 'object' ? JSON.stringify(url) : url}'`,
            ),
          ];
        }
        return isBlank(text(url))
          ? [v(`${field}.Source.Params.URL`, `${DISK_ERROR}invalid inline params: url cannot be empty`)]
          : [];
      }),
  },
  dataUrlRule(
    'durl-scheme',
    'scheme',
    'missing data prefix',
    'An inline URL starts with exactly "data:" (lower case, no spaces before it).',
  ),
  dataUrlRule(
    'durl-mediatype',
    'mediatype',
    [
      'invalid media type',
      'missing media type slash',
      'invalid character for media type',
      'invalid character for media subtype',
      'incomplete media type',
      'invalid character after data prefix',
    ],
    'The media type is type/subtype with a lower-case known type (text, image, audio, video, application, message, multipart) or an x- type, e.g. application/octet-stream.',
  ),
  dataUrlRule(
    'durl-params',
    'params',
    [
      'unterminated parameter sequence',
      'invalid character for parameter attribute',
      'invalid character for parameter value',
      'unclosed quoted string',
      'invalid escaped character',
      'expected semicolon or comma',
      'rfc2396: %s',
    ],
    'Parameters are ;name=value (a token or a "quoted string").',
  ),
  {
    ...dataUrlRule(
      'durl-base64-flag',
      'base64-flag',
      'expected base64, got %s',
      'The base64 flag is exactly ;base64 (lower case), last before the comma.',
    ),
    check: (p: JobPass) =>
      inlineUrls(p).flatMap(({ field, error, parsed }) => {
        if (error?.part === 'base64-flag') return [v(field, DISK_ERROR + error.message)];
        return parsed !== undefined && !parsed.base64 && 'base64' in parsed.params
          ? [
              v(
                field,
                `;base64=${parsed.params.base64} is a parameter, not the base64 flag: Bacalhau reads the data as URL-encoded text`,
                { warning: true },
              ),
            ]
          : [];
      }),
  },
  dataUrlRule(
    'durl-comma',
    'comma',
    'missing comma before data',
    'A data URL is data:[<media type>][;base64],<data>: the comma is required.',
  ),
  dataUrlRule(
    'durl-base64-alphabet',
    'data',
    ['invalid data character', 'illegal base64 data at input byte %d'],
    'Base64 data is standard base64 (A-Z a-z 0-9 + /), padded with = to a multiple of 4: not URL-safe (- _), not unpadded.',
    (url) => /;base64,/.test(url) && !base64HasSpace(url),
  ),
  dataUrlRule(
    'durl-yaml-folding',
    'data',
    'invalid data character',
    'A space in the base64 data: a folded (>) or multi-line plain YAML scalar turns line breaks into spaces. Keep the URL on one line, or use a literal block (|).',
    base64HasSpace,
  ),
  dataUrlRule(
    'durl-percent',
    'data',
    ['invalid data character', 'rfc2396: %s'],
    'Text data is URL-encoded: printable ASCII without spaces, <, >, #, ", {, }, |, \\, ^, [, ], `; write other bytes as %XX.',
    (url) => !/;base64,/.test(url),
  ),
  {
    id: 'durl-gzip',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].InputSources[].Source.Params.URL',
    source: 'pkg/storage/inline/storage.go: gzipMimeType, PrepareStorage',
    hint: 'Use exactly application/gzip for a .tar.gz that should become a directory.',
    reads: 'job',
    check: (p) =>
      inlineUrls(p).flatMap(({ field, parsed }) =>
        parsed !== undefined &&
        parsed.contentType !== GZIP_MEDIA_TYPE &&
        GZIP_TYPES.has(parsed.contentType.toLowerCase())
          ? [
              v(
                field,
                `${parsed.contentType}: Brine unpacks it as a directory; Bacalhau unpacks only exactly ${GZIP_MEDIA_TYPE} and mounts this as one file`,
              ),
            ]
          : [],
      ),
  },
  {
    id: 'durl-targz',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[].Source.Params.URL',
    message: [
      'tar contained invalid name error %q',
      'content filepath is tainted: %s',
      'file %s bigger than max size %s',
      'open %s: no such file or directory',
      'gzip: invalid header',
    ],
    source: 'pkg/util/targzip/targzip.go: decompress, validRelPath; pkg/storage/inline/storage.go: PrepareStorage',
    hint: 'An application/gzip URL holds a .tar.gz: relative names, each directory before its files, no file over 10 MiB.',
    reads: 'job',
    check: (p) =>
      inlineUrls(p).flatMap(({ field, unpacked }) => {
        if (unpacked === undefined) return [];
        const { error, skipped } = unpacked;
        return [
          ...(error === undefined ? [] : [v(field, error)]),
          ...skipped.map((name) =>
            v(
              field,
              `the archive entry ${goQuote(name)} is not a file or directory: Bacalhau leaves it out (Brine keeps links)`,
              { warning: true },
            ),
          ),
        ];
      }),
  },
  {
    id: 'url-params',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[].Source.Params.URL',
    message: 'invalid url storage params: %s',
    source: 'pkg/storage/url/urldownload/types.go: Validate; storage.go: IsURLSupported',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) => {
        if (sourceType(input) !== 'urldownload') return [];
        const problem = urlProblem(text(param(sourceOf(input)?.Params, 'URL')));
        return problem === undefined
          ? []
          : [v(`${field}.Source.Params.URL`, `${DISK_ERROR}invalid url storage params: ${problem}`)];
      }),
  },
  {
    id: 'url-head',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].InputSources[].Source.Params.URL',
    source: 'pkg/storage/url/urldownload/storage.go: GetVolumeSize, PrepareStorage',
    reads: 'job',
    check: (p) =>
      inputs(p).flatMap(({ input, field }) =>
        sourceType(input) === 'urldownload' && urlProblem(text(param(sourceOf(input)?.Params, 'URL'))) === undefined
          ? [
              v(
                `${field}.Source.Params.URL`,
                'the node sends HEAD to this URL when it bids (it needs status 200 and a Content-Length) and GET when it prepares; the file lands at Target/<file name>. Brine does not fetch it.',
              ),
            ]
          : [],
      ),
  },
  {
    id: 'res-wasm-memory',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Resources.Memory',
    message: 'requested memory exceeds the wasm limit - %.2f GB > %.2f GB',
    source: 'pkg/executor/wasm/executor.go: configureRuntime; pkg/compute/capacity/calculators.go',
    hint: 'WASM memories are 32-bit: at most 4 GiB.',
    reads: 'job',
    check: (p) => {
      try {
        wasmLimitPages(p);
        return [];
      } catch (error) {
        if (!isBrineError(error, 'MemoryLimitError')) return [];
        return [v(`${TASK}.Resources.Memory`, error.message)];
      }
    },
  },
  {
    id: 'mount-conflict',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[].Target, Tasks[].ResultPaths[].Name',
    message: 'input configuration error: failed to mount input %q: %s',
    source: 'pkg/executor/wasm/util/mountfs/fs.go: Mount; executor.go: makeFsFromStorage',
    hint: 'Mounts cannot sit at or inside one another: leading slashes are ignored, so /data and data are the same mount point.',
    reads: 'job',
    check: (p) => mountProblem(p, 'mount-conflict'),
  },
  {
    id: 'mount-output-vs-input',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].ResultPaths[].Name',
    message: 'output configuration error: output name %q conflicts with input target',
    source: 'pkg/executor/wasm/executor.go: makeFsFromStorage',
    reads: 'job',
    check: (p) => mountProblem(p, 'mount-output-vs-input'),
  },
  {
    id: 'result-name-component',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].ResultPaths[].Name',
    message: 'filesystem error at %q: %s',
    source: 'pkg/executor/wasm/executor.go: makeFsFromStorage (os.Mkdir <results>/<Name>)',
    hint: 'The WASM executor mounts each output at its Name, one new directory: a plain name such as outputs.',
    reads: 'job',
    check: (p) => mountProblem(p, 'result-name-component'),
  },
  {
    id: 'wasm-entrymodule-required',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Engine.Params.EntryModule',
    message: 'invalid WASM spec: invalid wasm engine entry module. target path cannot be empty',
    source: 'pkg/executor/wasm/models/types.go: (EngineSpec).Validate; handler.go: newExecutionHandler',
    hint: 'Set EntryModule to the path of the module, e.g. the Target of the input that holds it.',
    reads: 'job',
    check: (p) =>
      p.job.entryModule === '' && !['unreadable', 'invalid'].includes(p.legacy.kind)
        ? [
            v(
              `${TASK}.Engine.Params.EntryModule`,
              'invalid WASM spec: invalid wasm engine entry module. target path cannot be empty',
            ),
          ]
        : [],
  },
  {
    id: 'brine-extension',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].Engine.Params.Brine',
    source: 'pkg/executor/wasm/models/types.go: DecodeSpec (unknown Params keys are ignored)',
    hint: "Brine's extensions are for Brine only: `brine export` removes them and says what each did.",
    reads: 'job',
    check: (p) =>
      brineExtensions(p.job.brine).map((e) =>
        v(
          `${TASK}.Engine.Params.Brine.${e.key}`,
          `Bacalhau ignores Brine.${e.key}: in Brine ${e.brine}; on Bacalhau ${e.bacalhau}`,
        ),
      ),
  },
  {
    id: 'wasm-params-decode',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].Engine.Params.<key>',
    source: 'pkg/executor/wasm/models/types.go: DecodeSpec (encoding/json into EngineSpec)',
    reads: 'job',
    check: (p) =>
      Object.keys(isObject(p.task.Engine) && isObject(p.task.Engine.Params) ? p.task.Engine.Params : {})
        .filter((key) => !WASM_PARAMS.includes(key.toLowerCase()))
        .map((key) =>
          v(
            `${TASK}.Engine.Params.${key}`,
            `Bacalhau's WASM executor ignores Params.${key}: it reads EntryModule, Entrypoint, Parameters and ImportModules`,
          ),
        ),
  },
  {
    id: 'wasm-nul',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Engine.Params.Parameters[], Tasks[].Env',
    message: '%s invalid: contains NUL character',
    source: 'wazero config.go: toSysContext; internal/sys/sys.go',
    reads: 'job',
    check: (p) => [
      ...p.job.parameters.flatMap((arg, i) =>
        arg.includes('\0') ? [v(`${TASK}.Engine.Params.Parameters[${i}]`, 'args invalid: contains NUL character')] : [],
      ),
      ...envEntries(p).flatMap(([name, value]) =>
        value.includes('\0') ? [v(`${TASK}.Env.${name}`, 'environ invalid: contains NUL character')] : [],
      ),
    ],
  },
  {
    id: 'net-default-host',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].Network.Type',
    source: 'pkg/executor/wasm/handler.go: loadModules (Default becomes Host)',
    hint: 'Set Network.Type: None to run it offline as Brine does.',
    reads: 'job',
    check: (p) =>
      networkOf(p) === 'Default'
        ? [
            v(
              `${TASK}.Network.Type`,
              'Network is not set (Default): Bacalhau runs the job with Host networking, and the wasi:http/requests host module reaches any host; Brine runs it without a network',
            ),
          ]
        : [],
  },
  {
    id: 'wasm-entrymodule-resolve',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Engine.Params.EntryModule, .ImportModules[]',
    message: 'failed to load %s module %s: module not found: %q',
    source: 'pkg/executor/wasm/loader.go: resolveModulePath; handler.go: loadModules',
    hint: 'The path must name a mounted file (leading / optional), or a directory holding exactly one .wasm file.',
    reads: 'job',
    check: (p) => moduleProblem(p, 'wasm-entrymodule-resolve'),
  },
  {
    id: 'wasm-module-compile',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[] (module bytes)',
    message: 'failed to compile module at %q: %s',
    source: 'pkg/executor/wasm/loader.go: loadFile (wazero CompileModule)',
    reads: 'job',
    check: (p) => moduleProblem(p, 'wasm-module-compile'),
  },
  {
    id: 'wasm-import-resolve',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].InputSources[] (module imports)',
    message: ['unknown module %q', 'failed to load module at %q: %s'],
    source: 'pkg/executor/wasm/loader.go: InstantiateModule, loadModuleByName; wazero import resolution',
    hint: 'An import module name is a path in the mounted filesystem (mount the provider at a Target equal to it); wasi_snapshot_preview1 is built in, and wasi:http/requests unless Network is None.',
    reads: 'job',
    check: (p) => moduleProblem(p, 'wasm-import-resolve'),
  },
  {
    id: 'wasm-entrypoint-nodefault',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Engine.Params.Entrypoint',
    message: "unable to find the entrypoint '%s' in the WASM module",
    source: 'pkg/executor/wasm/handler.go: verifyEntryPoint (no default on the job run path)',
    hint: "Set Entrypoint: _start (Brine calls _start when it is not set; Bacalhau's executor has no default).",
    reads: 'job',
    check: (p) =>
      p.job.entrypoint === '' && !p.modules.entryFunctions?.includes('')
        ? [v(`${TASK}.Engine.Params.Entrypoint`, "unable to find the entrypoint '' in the WASM module")]
        : [],
  },
  {
    id: 'wasm-entrypoint-export',
    stage: 'compute',
    outcome: 'fails',
    field: 'Tasks[].Engine.Params.Entrypoint',
    message: "unable to find the entrypoint '%s' in the WASM module",
    source: 'pkg/executor/wasm/handler.go: verifyEntryPoint',
    hint: 'The Entrypoint must be a function the entry module exports.',
    reads: 'job',
    check: (p) => (p.job.entrypoint === '' ? [] : moduleProblem(p, 'wasm-entrypoint-export')),
  },
  {
    id: 'publisher-params-only',
    stage: 'compute',
    outcome: 'fails-after-run',
    field: 'Tasks[].Publisher',
    source: 'pkg/compute/executor.go: publish; pkg/lib/provider/mapped.go: Get',
    hint: 'Give the Publisher a Type, e.g. local.',
    reads: 'job',
    check: (p) => {
      const publisher = taskMap(p, 'Publisher');
      return isBlank(text(publisher.Type)) && Object.keys(isObject(publisher.Params) ? publisher.Params : {}).length > 0
        ? [
            v(
              `${TASK}.Publisher`,
              `failed to get publisher : no matching key found on this server: . Only supports [${PUBLISHERS.join(' ')}]`,
            ),
          ]
        : [];
    },
  },
  {
    id: 'publisher-s3managed',
    stage: 'compute',
    outcome: 'accepted',
    field: 'Tasks[].Publisher.Type',
    source: 'pkg/publisher/s3managed/publisher.go: IsInstalled',
    reads: 'job',
    check: (p) =>
      text(taskMap(p, 'Publisher').Type).trim().toLowerCase() === 's3managed'
        ? [
            v(
              `${TASK}.Publisher.Type`,
              's3managed is listed on every node, but publishing needs an orchestrator configured for S3-managed results: on a default network the program runs, then publishing fails',
            ),
          ]
        : [],
  },
  {
    id: 'result-name-reserved',
    stage: 'compute',
    outcome: 'fails-after-run',
    field: 'Tasks[].ResultPaths[].Name',
    source: 'pkg/executor/results.go: writeOutputResult; pkg/models/constants.go: DownloadFilename*',
    hint: 'The results directory holds the files stdout, stderr and exitCode: name the output something else.',
    reads: 'job',
    check: (p) =>
      results(p).flatMap(({ name, field }) =>
        ['stdout', 'stderr', 'exitCode'].includes(name.trim().replace(/^\/+|\/+$/g, ''))
          ? [
              v(
                `${field}.Name`,
                `the output directory <results>/${name.trim()} takes the place of the ${name.trim()} file: the program runs, then writing its results fails`,
              ),
            ]
          : [],
      ),
  },
];

const READONLY_KEYS = ['id', 'state', 'version', 'revision', 'createtime', 'modifytime'];
const ALLOWED_KEYS = ['name', 'namespace', 'type', 'priority', 'count', 'constraints', 'meta', 'labels', 'tasks'];
const TIMEOUTS = ['ExecutionTimeout', 'QueueTimeout', 'TotalTimeout'];
/** Publishers a default node has (pkg/publisher/util/utils.go). */
const PUBLISHERS = ['local', 'noop', 's3managed'];
const WASM_PARAMS = ['entrymodule', 'entrypoint', 'parameters', 'importmodules', 'brine'];

function mountProblem(p: JobPass, rule: string): Violation[] {
  const problem = p.mounts.problem;
  return problem?.rule === rule ? [v(problem.field, problem.message)] : [];
}

function moduleProblem(p: JobPass, rule: string): Violation[] {
  const problem = p.modules.problem;
  return problem?.rule === rule ? [v(problem.field, problem.message)] : [];
}

/** IsURLSupported and Validate of a urlDownload URL; the reason it is refused, if it is. */
function urlProblem(raw: string): string | undefined {
  if (raw === '') return 'url cannot be empty';
  const url = raw.replace(/^[ '"]+|[ '"]+$/g, '');
  if ([...url].some((c) => c < ' ' || c === '\x7f') || /%(?![0-9a-fA-F]{2})/.test(url))
    return `invalid URL: parse ${goQuote(url)}: invalid URL`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'http' && scheme !== 'https')
    return `URLs must begin with 'http' or 'https'. The submitted one began with ${scheme}`;
  const rest = url.slice(scheme.length + 1);
  const path = rest.startsWith('//')
    ? rest
        .slice(2)
        .replace(/^[^/?#]*/, '')
        .replace(/[?#].*$/, '')
    : '';
  return path === '' ? 'URL must end with a file name' : undefined;
}
