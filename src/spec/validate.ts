/** Bacalhau's submission and executor rules for a WASM job, for parsed and API-built jobs alike. */
import { errors } from '../errors/index.js';
import { normalizePath } from '../mounts/paths.js';
import { isDataUrl } from './inline.js';
import { parseBytes } from './memory.js';
import type { Job, SourceSpec } from './types.js';

export const JOB_TYPES = ['batch', 'ops', 'daemon', 'service'];
export const NETWORK_TYPES = ['Default', 'None', 'Host', 'Full', 'HTTP', 'Bridge'];

function validateEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) {
    const fail = (cause: string) => errors.spec(cause, `Tasks[0].Env.${name}`);
    if (name === '') throw fail('environment variable name cannot be empty');
    if (name !== name.toUpperCase()) throw fail(`environment variable '${name}' must be uppercase`);
    if (!/^\p{L}/u.test(name)) throw fail(`environment variable '${name}' must start with a letter`);
    if (!/^[\p{L}\p{Nd}_]+$/u.test(name)) {
      throw fail(`environment variable '${name}' can only contain letters, numbers, and underscores`);
    }
    if (name.startsWith('BACALHAU_')) throw fail(`environment variable '${name}' cannot start with BACALHAU_`);
    if (value === '') throw fail(`environment variable '${name}' cannot have empty value`);
  }
}

function validateSource(source: SourceSpec, index: number): void {
  if (source.type === 'inline') {
    if (source.url.trim() === '') throw errors.inputConfig('inline input source has no URL', { index });
    if (!isDataUrl(source.url)) throw errors.inputConfig('inline input source URL must be a data: URL', { index });
  } else if (source.type === 'localDirectory') {
    if (source.sourcePath.trim() === '') throw errors.inputConfig('input source has no source path', { index });
  } else if (source.type === 'other' && source.sourceType.trim() === '') {
    throw errors.inputConfig('input source has no type', { index });
  }
}

function validateInputs(job: Job): void {
  const targets = new Set<string>();
  const aliases = new Set<string>();
  job.inputs.forEach(({ target, alias, source }, index) => {
    if (target.trim() === '') throw errors.inputConfig('input source has no target path', { index });
    const normalized = normalizePath(target);
    if (targets.has(normalized)) throw errors.inputConfig(`duplicate input target "${target}"`, { index });
    targets.add(normalized);
    if (alias) {
      if (aliases.has(alias)) throw errors.inputConfig(`duplicate input alias "${alias}"`, { index });
      aliases.add(alias);
    }
    validateSource(source, index);
  });
}

function validateOutputs(job: Job): void {
  const names = new Set<string>();
  const paths = new Set<string>();
  job.outputs.forEach(({ name, path }, index) => {
    if (name.trim() === '') throw errors.outputConfig('output volume has no name', { index });
    if (path.trim() === '') throw errors.outputConfig('output volume has no path', { index });
    if (!path.startsWith('/')) throw errors.outputConfig(`output path "${path}" must be absolute`, { index });
    if (names.has(name)) throw errors.outputConfig(`duplicate output name "${name}"`, { index });
    if (paths.has(normalizePath(path))) throw errors.outputConfig(`duplicate output path "${path}"`, { index });
    names.add(name);
    paths.add(normalizePath(path));
  });
}

function validateBrine(job: Job): void {
  const field = 'Tasks[0].Engine.Params.Brine';
  job.brine.preopens.forEach((preopen, i) => {
    if (normalizePath(preopen) === '') {
      throw errors.spec(`preopen "${preopen}" must name a directory below /`, `${field}.Preopens[${i}]`);
    }
  });
  const { seed } = job.brine;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw errors.spec(`seed must be an integer from 0 to 4294967295, got ${seed}`, `${field}.Seed`);
  }
}

/** Throws the first broken rule as a typed error (SpecError, InputConfigError or OutputConfigError). */
export function validateJob(job: Job): void {
  if (!JOB_TYPES.includes(job.type)) throw errors.spec(`invalid job type: "${job.type}"`, 'Type');
  if (!(Number.isInteger(job.count) && job.count >= 0)) throw errors.spec('job count must be >= 0', 'Count');
  if (job.entryModule.trim() === '') {
    throw errors.spec(
      'invalid wasm engine entry module. target path cannot be empty',
      'Tasks[0].Engine.Params.EntryModule',
    );
  }
  validateEnv(job.env);
  validateInputs(job);
  validateOutputs(job);
  if (job.memory !== undefined) parseBytes(job.memory);
  if (!(Number.isInteger(job.timeoutSeconds) && job.timeoutSeconds >= 0)) {
    throw errors.spec(
      `execution timeout must be a whole number of seconds >= 0, got ${job.timeoutSeconds}`,
      'Tasks[0].Timeouts.ExecutionTimeout',
    );
  }
  if (!NETWORK_TYPES.some((type) => type.toLowerCase() === job.network.trim().toLowerCase())) {
    throw errors.spec(
      `invalid network type "${job.network}"; expected one of ${NETWORK_TYPES.join(', ')}`,
      'Tasks[0].Network.Type',
    );
  }
  validateBrine(job);
}
