/**
 * Admission: every check that decides whether a job may start, in one place, used by the
 * executor's start, `brine validate`, the UI and the API alike. The checks only read the job:
 * nothing is run, fetched or read from disk (reading the sources is the next step, mounting).
 */
import { type BrineError, errors, isBrineError } from '../errors/index.js';
import { MountTable } from '../mounts/mount-table.js';
import { normalizePath, preopenPath } from '../mounts/paths.js';
import type { Finding } from './findings.js';
import { isDataUrl } from './inline.js';
import { jobMemoryLimitPages } from './memory.js';
import { DEFAULT_ENTRYPOINT, type Job, jobType, networkType, type SourceSpec } from './types.js';

export const JOB_TYPES = ['batch', 'ops', 'daemon', 'service'];
export const NETWORK_TYPES = ['Default', 'None', 'Host', 'Full', 'HTTP', 'Bridge'];

export interface Admission {
  /** Errors first-to-last in the order Bacalhau's Start meets them; warnings beside them. */
  findings: Finding[];
  /** The per-memory limit in pages, when the memory field is readable. */
  limitPages?: number;
}

/** Whether the admission let the job start. */
export const admitted = (admission: Admission): boolean => admission.findings.every((f) => f.severity !== 'error');

/** The rule ids of the checks that depend on this sandbox having no storage network (shouldBid declines on them). */
export const OFFLINE_RULES = ['brine:offline-source'];

/** Checks the job against Brine's rules (Bacalhau's submission and executor rules, and this sandbox's limits). */
export function admit(job: Job): Admission {
  const findings: Finding[] = [];
  const error: Report = (problem, field, rule, hint) =>
    findings.push({
      severity: 'error',
      code: problem.code,
      field,
      message: problem.message,
      rule,
      hint: hint ?? problem.hint,
      ...(problem.details === undefined ? {} : { details: problem.details }),
    });
  const warn = (field: string, message: string, rule: string) =>
    findings.push({ severity: 'warning', field, message, rule });

  // 1. Memory, as Bacalhau checks it first.
  let limitPages: number | undefined;
  try {
    limitPages = jobMemoryLimitPages(job.resources.memory, job.brine.compat === 'bacalhau');
  } catch (problem) {
    if (!isBrineError(problem)) throw problem;
    error(problem, 'Tasks[0].Resources.Memory', 'brine:memory');
  }

  // 2. The job and its engine.
  if (!JOB_TYPES.includes(jobType(job))) {
    error(errors.spec(`invalid job type: "${job.type}"`), 'Type', 'brine:job-type', TYPE_HINT);
  }
  if (job.count !== undefined && !(Number.isInteger(job.count) && job.count >= 0)) {
    error(errors.spec('job count must be >= 0'), 'Count', 'brine:count', COUNT_HINT);
  }
  if (job.entryModule.trim() === '') {
    error(
      errors.spec('invalid wasm engine entry module. target path cannot be empty'),
      'Tasks[0].Engine.Params.EntryModule',
      'brine:entry-module',
      'Set Engine.Params.EntryModule to the path of the module to run, e.g. the Target of the input that mounts it.',
    );
  }
  if (job.entrypoint === '') {
    warn(
      'Tasks[0].Engine.Params.Entrypoint',
      `Entrypoint is not set: Brine calls ${DEFAULT_ENTRYPOINT}; Bacalhau's executor has no default and fails with "unable to find the entrypoint '' in the WASM module"`,
      'brine:entrypoint-default',
    );
  }
  for (const [name, value] of Object.entries(job.env)) {
    const problem = envProblem(name, value);
    if (problem !== null) error(errors.spec(problem), `Tasks[0].Env.${name}`, 'brine:env', ENV_HINT);
  }

  // 3. Inputs and outputs, and how they mount together.
  checkInputs(job, error);
  checkOutputs(job, error);
  checkMounts(job, error);
  if (job.outputs.length > 0 && job.publisher === undefined) {
    warn('Tasks[0].Publisher', 'ResultPaths are set but no Publisher: Bacalhau refuses the job', 'brine:publisher');
  }

  // 4. Timeouts, network and Brine's options.
  for (const [key, seconds] of Object.entries(job.timeouts)) {
    if (seconds !== undefined && !(Number.isSafeInteger(seconds) && seconds >= 0)) {
      const field = `Tasks[0].Timeouts.${key[0]!.toUpperCase()}${key.slice(1)}`;
      error(errors.spec(`${field} must be a whole number of seconds >= 0, got ${seconds}`), field, 'brine:timeout');
    }
  }
  const network = networkType(job);
  if (!NETWORK_TYPES.some((type) => type.toLowerCase() === network.toLowerCase())) {
    error(
      errors.spec(`invalid network type "${job.network.type}"; expected one of ${NETWORK_TYPES.join(', ')}`),
      'Tasks[0].Network.Type',
      'brine:network-type',
      `Network.Type is one of ${NETWORK_TYPES.join(', ')} (any case); leave it out for Default.`,
    );
  } else if (job.network.domains.length > 0 && network.toLowerCase() !== 'http') {
    error(
      errors.spec('invalid network: domains can only be set for HTTP network mode'),
      'Tasks[0].Network.Domains',
      'brine:network-domains',
      'Domains limit the hosts of an HTTP network: set Network.Type to HTTP, or remove Domains.',
    );
  } else if (job.network.domains.length === 0 && network.toLowerCase() === 'http') {
    warn(
      'Tasks[0].Network.Domains',
      'Network is HTTP with no Domains: every request the program makes will be refused',
      'brine:network-no-domains',
    );
  }
  checkBrine(job, error);
  return { findings, ...(limitPages === undefined ? {} : { limitPages }) };
}

/** Records an error finding: the typed error, the field it is about, the rule, and a hint for this cause. */
type Report = (problem: BrineError, field: string, rule: string, hint?: string) => void;

const TYPE_HINT = `Type is one of ${JOB_TYPES.join(', ')} (lower case); WASM jobs are usually batch.`;
const COUNT_HINT = 'Count is a whole number, 0 or more (batch jobs run once per count).';
const ENV_HINT =
  'Task.Env names are upper case, start with a letter, use letters, digits and _ only, and do not start with BACALHAU_; values are not empty. Brine.Env takes any name.';

/** Bacalhau's rule for Task.Env (pkg/models/env_var.go), as the reason it is broken, or null. */
function envProblem(name: string, value: string): string | null {
  if (name === '') return 'environment variable name cannot be empty';
  if (name !== name.toUpperCase()) return `environment variable '${name}' must be uppercase`;
  if (!/^\p{L}/u.test(name)) return `environment variable '${name}' must start with a letter`;
  if (!/^[\p{L}\p{Nd}_]+$/u.test(name)) {
    return `environment variable '${name}' can only contain letters, numbers, and underscores`;
  }
  if (name.startsWith('BACALHAU_')) return `environment variable '${name}' cannot start with BACALHAU_`;
  if (value === '') return `environment variable '${name}' cannot have empty value`;
  return null;
}

function checkInputs(job: Job, error: Report): void {
  const targets = new Set<string>();
  const aliases = new Set<string>();
  job.inputs.forEach(({ target, alias, source }, index) => {
    const field = `Tasks[0].InputSources[${index}]`;
    if (target.trim() === '') {
      error(
        errors.inputConfig('input source has no target path'),
        `${field}.Target`,
        'brine:input-target',
        'Every input needs a Target: the path where the guest sees it, e.g. /inputs.',
      );
    } else if (targets.has(normalizePath(target))) {
      error(
        errors.inputConfig(`duplicate input target "${target}"`),
        `${field}.Target`,
        'brine:input-target-unique',
        'Two inputs are mounted at the same Target: give each its own.',
      );
    }
    targets.add(normalizePath(target));
    if (alias) {
      if (aliases.has(alias)) {
        error(
          errors.inputConfig(`duplicate input alias "${alias}"`),
          `${field}.Alias`,
          'brine:input-alias-unique',
          'Aliases must be unique (the WASM executor does not use them: leave them out).',
        );
      }
      aliases.add(alias);
    }
    const problem = sourceProblem(source);
    if (problem !== null) error(errors.inputConfig(problem.message), `${field}.Source`, problem.rule, problem.hint);
  });
}

function sourceProblem(source: SourceSpec): { message: string; rule: string; hint: string } | null {
  switch (source.type) {
    case 'inline':
      if (source.url.trim() === '')
        return { message: 'inline input source has no URL', rule: 'brine:inline-url', hint: INLINE_HINT };
      if (!isDataUrl(source.url))
        return { message: 'inline input source URL must be a data: URL', rule: 'brine:inline-url', hint: INLINE_HINT };
      return null;
    case 'localDirectory':
      return source.sourcePath.trim() === ''
        ? {
            message: 'input source has no source path',
            rule: 'brine:local-path',
            hint: 'Set Source.Params.SourcePath to a host file or directory (read relative to the job file).',
          }
        : null;
    case 'memory':
      return null;
    case 'other':
      return source.sourceType.trim() === ''
        ? { message: 'input source has no type', rule: 'brine:source-type', hint: SOURCE_HINT }
        : {
            message: `input source type "${source.sourceType}" needs the network, and the sandbox is offline`,
            rule: 'brine:offline-source',
            hint: `${SOURCE_HINT} Put the content in an inline source instead (brine export does this for local files).`,
          };
  }
}

const INLINE_HINT =
  'An inline source takes Params.URL, a data: URL (base64 for binary; application/gzip for a .tar.gz directory).';
const SOURCE_HINT =
  'Brine reads inline (data: URL) and localDirectory/local sources (host files in Node, files given in a browser), and in-memory files.';

function checkOutputs(job: Job, error: Report): void {
  const names = new Set<string>();
  const paths = new Set<string>();
  job.outputs.forEach(({ name, path }, index) => {
    const field = `Tasks[0].ResultPaths[${index}]`;
    const report = (key: string, message: string, rule: string, hint: string) =>
      error(errors.outputConfig(message), `${field}.${key}`, rule, hint);
    if (name.trim() === '') report('Name', 'output volume has no name', 'brine:output-name', OUTPUT_HINT);
    else if (names.has(name))
      report('Name', `duplicate output name "${name}"`, 'brine:output-name-unique', OUTPUT_HINT);
    if (path.trim() === '') report('Path', 'output volume has no path', 'brine:output-path', OUTPUT_HINT);
    else if (!path.startsWith('/'))
      report('Path', `output path "${path}" must be absolute`, 'brine:output-path-absolute', OUTPUT_HINT);
    else if (paths.has(normalizePath(path)))
      report('Path', `duplicate output path "${path}"`, 'brine:output-path-unique', OUTPUT_HINT);
    names.add(name);
    paths.add(normalizePath(path));
  });
}

const OUTPUT_HINT =
  'Each ResultPath needs a unique Name and a unique absolute Path; the WASM executor mounts it at /<Name>.';

/** Mounts the targets as the executor will (Bacalhau's mountfs rules: no mount at, above or below another, except an input at /). */
function checkMounts(job: Job, error: Report): void {
  const table = new MountTable();
  const empty = { kind: 'directory', entries: {} } as const;
  const attempt = (field: string, mount: () => void) => {
    try {
      mount();
    } catch (problem) {
      if (!isBrineError(problem)) throw problem;
      error(problem, field, 'brine:mount-overlap', MOUNT_HINT);
    }
  };
  const seen = new Set<string>();
  job.inputs.forEach((input, index) => {
    // Empty and duplicate targets are reported by checkInputs.
    const target = normalizePath(input.target);
    if (input.target.trim() === '' || seen.has(target)) return;
    seen.add(target);
    attempt(`Tasks[0].InputSources[${index}].Target`, () => table.addInput(input.target, empty, false));
  });
  job.outputs.forEach((output, index) => {
    if (output.name.trim() !== '') attempt(`Tasks[0].ResultPaths[${index}].Name`, () => table.addOutput(output.name));
  });
}

const MOUNT_HINT =
  'Mounts cannot sit inside one another (only an input at / holds the others): mount a directory holding the files instead (e.g. /app with hello.wasm in it, then EntryModule /app/hello.wasm), or give each input its own top-level Target.';

function checkBrine(job: Job, error: Report): void {
  const field = 'Tasks[0].Engine.Params.Brine';
  job.brine.preopens.forEach((preopen, i) => {
    if (preopenPath(preopen) === '') {
      error(
        errors.spec(`preopen "${preopen}" is empty: it must name a directory`),
        `${field}.Preopens[${i}]`,
        'brine:preopen',
        'Each Brine.Preopens entry is a directory of the mounted filesystem: "/", "." (the working directory, which is "/") or a path such as "inputs".',
      );
    }
  });
  const { seed } = job.brine;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    error(errors.spec(`seed must be an integer from 0 to 4294967295, got ${seed}`), `${field}.Seed`, 'brine:seed');
  }
}
