import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BrineError, errors, errorText } from '../errors/index.js';
import { EXIT_CODE_FILE_BYTES } from '../executor/bacalhau-mode.js';
import { Executor } from '../executor/executor.js';
import { formatTree, guestFilesystem } from '../executor/guest-fs.js';
import { mountJob } from '../executor/sources.js';
import type { ExecutionResult } from '../executor/types.js';
import { createNodeWorker } from '../host/node.js';
import type { FileTree } from '../mounts/tree.js';
import { admit } from '../spec/admit.js';
import { type Finding, throwFirstError } from '../spec/findings.js';
import { parseJobDocument } from '../spec/parse.js';
import { COMPAT_MODES, type CompatMode, entrypointOf, executionTimeoutSeconds, type Job } from '../spec/types.js';
import { readHostTree, writeHostTree } from './host-files.js';

const USAGE = `usage: brine run JOB.yaml [--output-dir DIR] [--json] [--compat bacalhau]
       brine validate JOB.yaml

run: runs a Bacalhau WASM job (YAML) locally, streaming its stdout and stderr.
  --output-dir DIR  write Bacalhau's results layout to DIR: stdout, stderr, exitCode, <output Name>/...
  --json            print the result object as JSON instead of streaming the logs
  --compat bacalhau run with Bacalhau's observable behaviour (as Engine.Params.Brine.Compat: bacalhau)
  Exit status: the program's exit code when the job completed, 125 when it failed, 124 on timeout or cancel.
validate: checks the job as \`run\` would before starting it, and says what it would run (with the
  filesystem as the guest will see it); exit status 0 or 1.
JOB.yaml may be - for standard input.`;

export const EXIT_FAILED = 125;
export const EXIT_STOPPED = 124;

interface Options {
  command: 'run' | 'validate';
  jobPath: string;
  outputDir?: string;
  json: boolean;
  compat?: CompatMode;
}

function parseArgs(argv: string[]): Options | string {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'validate') {
    return command === undefined || command === '--help' || command === '-h' ? '' : `unknown command "${command}"`;
  }
  const options: Partial<Options> = { command, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (command === 'run' && arg === '--json') options.json = true;
    else if (command === 'run' && (arg === '--output-dir' || arg === '-o')) {
      const dir = rest[++i];
      if (dir === undefined) return `${arg} needs a directory`;
      options.outputDir = dir;
    } else if (command === 'run' && arg.startsWith('--output-dir='))
      options.outputDir = arg.slice('--output-dir='.length);
    else if (command === 'run' && arg === '--compat') {
      const mode = rest[++i];
      if (!COMPAT_MODES.includes(mode as CompatMode)) return `--compat takes one of ${COMPAT_MODES.join(', ')}`;
      options.compat = mode as CompatMode;
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option "${arg}"`;
    else if (options.jobPath === undefined) options.jobPath = arg;
    else return `unexpected argument "${arg}"`;
  }
  if (options.jobPath === undefined) return 'missing JOB.yaml';
  return options as Options;
}

/** `brine run` and `brine validate`: returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    process.stderr.write(options === '' ? `${USAGE}\n` : `brine: ${options}\n${USAGE}\n`);
    return options === '' ? 0 : 2;
  }
  let job: Job;
  try {
    const text = options.jobPath === '-' ? await readStdin() : await readFile(options.jobPath, 'utf8');
    const parsed = parseJobDocument(text);
    for (const warning of parsed.warnings) reportWarning(warning);
    job = relativeToJobFile(parsed.job, options.jobPath === '-' ? process.cwd() : dirname(resolve(options.jobPath)));
    if (options.compat !== undefined) job.brine.compat = options.compat;
    if (options.command === 'validate') return await validate(job);
  } catch (error) {
    const status = report(error);
    return options.command === 'validate' ? 1 : status;
  }

  const executor = new Executor({
    createWorker: createNodeWorker,
    maxWorkers: 1,
    readLocal,
    onEvent: (event) => {
      if (event.type !== 'logs' || options.json) return;
      for (const log of event.events) (log.stream === 'stdout' ? process.stdout : process.stderr).write(log.data);
    },
  });
  const executionId = `e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const interrupt = () => void executor.cancel(executionId);
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const result = await executor.run({ executionId, job });
    if (options.outputDir !== undefined) await writeResults(options.outputDir, result, executor, executionId);
    if (options.json) process.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
    else summarize(result);
    return exitStatus(result);
  } catch (error) {
    return report(error);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    executor.dispose();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readLocal(path: string): Promise<FileTree> {
  try {
    return await readHostTree(path);
  } catch (error) {
    throw errors.inputConfig(`input source "${path}" does not exist: ${errorText(error)}`, { sourcePath: path });
  }
}

/**
 * What `start` does before anything runs (admission, then reading and mounting the sources), then
 * a summary and the filesystem as the guest will see it.
 */
async function validate(job: Job): Promise<number> {
  const { findings, limitPages } = admit(job);
  for (const warning of findings.filter((finding) => finding.severity === 'warning')) reportWarning(warning);
  throwFirstError(findings);
  const mounted = await mountJob(job, readLocal);
  const filesystem = guestFilesystem(
    job,
    job.inputs.map((_, i) => mounted.mounts[i]!.tree),
  );
  const timeout = executionTimeoutSeconds(job);
  const inputs = job.inputs.map((input) => `${input.target} (${input.source.type})`);
  process.stdout.write(
    `${[
      `valid: ${job.entryModule}, entrypoint ${entrypointOf(job)}${job.parameters.length > 0 ? `, parameters ${JSON.stringify(job.parameters)}` : ''}`,
      `imports: ${job.importModules.length > 0 ? job.importModules.join(', ') : 'none'}`,
      `inputs: ${inputs.length > 0 ? inputs.join(', ') : 'none'}`,
      `outputs: ${job.outputs.length > 0 ? job.outputs.map((o) => `/${o.name}`).join(', ') : 'none'}`,
      `memory: ${limitPages} pages per memory; timeout: ${timeout > 0 ? `${timeout} s` : 'none'}`,
      'filesystem, as the guest will see it:',
      ...formatTree(filesystem).map((line) => `  ${line}`),
    ].join('\n')}\n`,
  );
  return 0;
}

/** Local SourcePaths are read relative to the job file's directory (`base`). */
function relativeToJobFile(job: Job, base: string): Job {
  for (const input of job.inputs) {
    if (input.source.type === 'localDirectory' && !isAbsolute(input.source.sourcePath)) {
      input.source.sourcePath = join(base, input.source.sourcePath);
    }
  }
  return job;
}

export function exitStatus(result: ExecutionResult): number {
  if (result.state === 'completed') return result.exitCode & 0xff;
  return result.state === 'failed' ? EXIT_FAILED : EXIT_STOPPED;
}

/** Bacalhau's results layout: stdout, stderr, exitCode and one directory per output. */
async function writeResults(dir: string, result: ExecutionResult, executor: Executor, id: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const chunks: Record<'stdout' | 'stderr', Uint8Array[]> = { stdout: [], stderr: [] };
  for await (const event of executor.getLogStream(id)) chunks[event.stream].push(event.data);
  await writeFile(join(dir, 'stdout'), chunks.stdout);
  await writeFile(join(dir, 'stderr'), chunks.stderr);
  // Bacalhau cuts the exitCode file to 4 bytes ("4294" for a cancel); Brine keeps the whole number.
  const exitCode = String(result.exitCode);
  await writeFile(
    join(dir, 'exitCode'),
    result.compat === 'bacalhau' ? exitCode.slice(0, EXIT_CODE_FILE_BYTES) : exitCode,
  );
  for (const output of result.outputs) await writeHostTree(join(dir, output.name), output.tree);
}

function summarize(result: ExecutionResult): void {
  if (result.state !== 'completed') {
    process.stderr.write(`brine: ${result.state}: ${result.errorMsg}\n`);
    if (result.error !== null) process.stderr.write(`hint: ${result.error.hint}\n`);
  } else if (result.memory.message !== undefined) {
    process.stderr.write(`brine: ${result.memory.message}\n`);
  }
  for (const line of result.onBacalhau) process.stderr.write(`brine: on Bacalhau: ${line}\n`);
}

/** The result without the full log events (they are in stdout/stderr, and in the results layout). */
function toJson(result: ExecutionResult) {
  const { logs: _logs, outputs, ...rest } = result;
  return {
    ...rest,
    outputs: outputs.map((o) => ({ name: o.name, role: o.role })),
  };
}

function reportWarning(warning: Finding): void {
  process.stderr.write(`brine: warning: ${warning.message}\n`);
}

function report(error: unknown): number {
  if (error instanceof BrineError) {
    process.stderr.write(`brine: ${error.code}: ${error.message}\nhint: ${error.hint}\n`);
  } else {
    process.stderr.write(`brine: ${errorText(error)}\n`);
  }
  return EXIT_FAILED;
}
