import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EXIT_CODE_FILE_BYTES } from '../executor/bacalhau-mode.js';
import { Executor } from '../executor/executor.js';
import { formatTree, guestFilesystem } from '../executor/guest-fs.js';
import { mountJob } from '../executor/sources.js';
import type { ExecutionResult } from '../executor/types.js';
import { createNodeWorker } from '../host/node.js';
import type { WorkerFactory } from '../host/types.js';
import { resultFolder } from '../mounts/paths.js';
import { admit } from '../spec/admit.js';
import { type Finding, throwFirstError } from '../spec/findings.js';
import { httpAccessOf } from '../spec/network.js';
import { parseJobDocument } from '../spec/parse.js';
import { COMPAT_MODES, type CompatMode, entrypointOf, executionTimeoutSeconds, type Job } from '../spec/types.js';
import { jsonLines, type Trace } from '../trace/store.js';
import { hostReader, readStdin, writeHostTree } from './host-files.js';
import { moduleStore } from './module-store.js';
import { describeError } from './report.js';

const USAGE = `usage: brine run JOB.yaml [--output-dir DIR] [--json] [--compat bacalhau] [--trace FILE]
       brine validate [--bacalhau] JOB.yaml
       brine export JOB.yaml [-o FILE]

run: runs a Bacalhau WASM job (YAML) locally, streaming its stdout and stderr.
  --output-dir DIR  write Bacalhau's results layout to DIR: stdout, stderr, exitCode, <output Name>/...
  --json            print the result object as JSON instead of streaming the logs
  --compat bacalhau run with Bacalhau's observable behaviour (as Engine.Params.Brine.Compat: bacalhau)
  --trace FILE      record every WASI call (as Engine.Params.Brine.Trace: true) and write them to FILE, one JSON object a line
  Exit status: the program's exit code when the job completed, 125 when it failed, 124 on timeout or cancel.
validate: checks the job as \`run\` would before starting it, and says what it would run (with the
  filesystem as the guest will see it); exit status 0 or 1.
  --bacalhau        check it against Bacalhau's rules instead: exit status 0 if a default Bacalhau network
                    would accept and start it (warnings allowed), 1 if its CLI, orchestrator or a compute
                    node would refuse it. Each finding names the field, Bacalhau's message and the rule.
export: writes the job ready for Bacalhau (to stdout, or to FILE with -o): local files inlined as data
  URLs, required fields filled in, Brine's extensions removed with a comment each. Exit status 0, or 1
  when the job cannot be made ready (the reasons are printed) or a file is too big to inline.
JOB.yaml may be - for standard input. Exit status 2 for bad arguments or a job file that cannot be read.`;

export const EXIT_FAILED = 125;
export const EXIT_STOPPED = 124;

interface Options {
  command: 'run' | 'validate' | 'export';
  jobPath: string;
  outputDir?: string;
  json: boolean;
  compat?: CompatMode;
  /** validate --bacalhau */
  bacalhau: boolean;
  /** export -o FILE */
  outputFile?: string;
  tracePath?: string;
}

function parseArgs(argv: string[]): Options | string {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'validate' && command !== 'export') {
    return command === undefined || command === '--help' || command === '-h' ? '' : `unknown command "${command}"`;
  }
  const options: Partial<Options> = { command, json: false, bacalhau: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (command === 'run' && arg === '--json') options.json = true;
    else if (command === 'run' && (arg === '--output-dir' || arg === '-o')) {
      const dir = rest[++i];
      if (dir === undefined) return `${arg} needs a directory`;
      options.outputDir = dir;
    } else if (command === 'run' && arg.startsWith('--output-dir='))
      options.outputDir = arg.slice('--output-dir='.length);
    else if (command === 'validate' && arg === '--bacalhau') options.bacalhau = true;
    else if (command === 'export' && (arg === '-o' || arg === '--output')) {
      const file = rest[++i];
      if (file === undefined) return `${arg} needs a file`;
      options.outputFile = file;
    } else if (command === 'export' && arg.startsWith('--output=')) options.outputFile = arg.slice('--output='.length);
    else if (command === 'run' && arg === '--trace') {
      const path = rest[++i];
      if (path === undefined) return `${arg} needs a file`;
      options.tracePath = path;
    } else if (command === 'run' && arg === '--compat') {
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

/**
 * `brine run`, `brine validate` and `brine export`: returns the process exit status. The worker
 * for `run` comes from `createWorker` (the bundled command starts its own early, see bin.ts).
 */
/** `build`: the command's build, when it keeps instrumented modules between runs (bin.ts). */
export async function main(
  argv: string[],
  createWorker: WorkerFactory = createNodeWorker,
  build?: string,
): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    process.stderr.write(options === '' ? `${USAGE}\n` : `brine: ${options}\n${USAGE}\n`);
    return options === '' ? 0 : 2;
  }
  if (options.bacalhau || options.command === 'export') {
    // Bacalhau's rule tables are loaded only for the commands that use them.
    const { exportCommand, readJobFile, validateBacalhau } = await import('./bacalhau.js');
    const text = await readJobFile(options.jobPath);
    if (text === undefined) return 2;
    if (options.bacalhau) return validateBacalhau(text);
    return exportCommand(
      text,
      options.jobPath === '-' ? process.cwd() : dirname(resolve(options.jobPath)),
      options.outputFile,
    );
  }
  let job: Job;
  try {
    const text = options.jobPath === '-' ? await readStdin() : await readFile(options.jobPath, 'utf8');
    const parsed = parseJobDocument(text);
    for (const warning of parsed.warnings) reportWarning(warning);
    job = relativeToJobFile(parsed.job, options.jobPath === '-' ? process.cwd() : dirname(resolve(options.jobPath)));
    if (options.compat !== undefined) job.brine.compat = options.compat;
    if (options.tracePath !== undefined) job.brine.trace = true;
    if (options.command === 'validate') return await validate(job);
  } catch (error) {
    const status = report(error);
    return options.command === 'validate' ? 1 : status;
  }

  const executor = new Executor({
    createWorker,
    maxWorkers: 1,
    readLocal,
    ...(build === undefined ? {} : { instrumentedStore: moduleStore(build) }),
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
    if (options.tracePath !== undefined)
      await writeTrace(options.tracePath, executor.getTrace(executionId), options.json);
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

/** Reads the job's local sources (relativeToJobFile made their paths absolute). */
const readLocal = hostReader(process.cwd());

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
      `network: ${networkSummary(job)}`,
      'filesystem, as the guest will see it:',
      ...formatTree(filesystem).map((line) => `  ${line}`),
    ].join('\n')}\n`,
  );
  return 0;
}

/** What the HTTP host module will allow, in a few words. */
function networkSummary(job: Job): string {
  const access = httpAccessOf(job.network, job.brine.compat);
  if (access === null) return 'None (no HTTP module)';
  if (access.allow === 'all') return `${access.network} (HTTP module, every host)`;
  if (access.allow === 'none') return `${access.network} (HTTP module, every host refused)`;
  return `HTTP (HTTP module, hosts matching ${access.domains.join(', ') || 'nothing'})`;
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
  for (const output of result.outputs) await writeHostTree(join(dir, resultFolder(output.name)), output.tree);
}

/** The trace as JSON lines (empty when the job ended before it ran), and a line on stderr saying what it holds. */
async function writeTrace(path: string, trace: Trace | undefined, quiet: boolean): Promise<void> {
  const file = createWriteStream(path);
  if (trace !== undefined) {
    for (const line of jsonLines(trace)) if (!file.write(line)) await once(file, 'drain');
  }
  file.end();
  await once(file, 'finish');
  if (quiet) return;
  const dropped =
    trace !== undefined && trace.dropped > 0 ? ` (${trace.dropped} dropped between the oldest and newest kept)` : '';
  process.stderr.write(`brine: trace: ${trace?.calls ?? 0} WASI calls written to ${path}${dropped}\n`);
}

function summarize(result: ExecutionResult): void {
  for (const request of result.http.filter((r) => r.result !== 'Success')) {
    process.stderr.write(`brine: http: ${request.method} ${request.url}: ${request.result}: ${request.reason ?? ''}\n`);
  }
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
  process.stderr.write(describeError(error));
  return EXIT_FAILED;
}
