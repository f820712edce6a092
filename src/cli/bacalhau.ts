/** `brine validate --bacalhau` and `brine export`: the job checked against, and made ready for, Bacalhau. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type BacalhauFinding, checkBacalhau } from '../bacalhau/check.js';
import { exportJob, MAX_SOURCE_READ_BYTES, tooLarge } from '../bacalhau/export.js';
import type { Outcome, Stage } from '../bacalhau/rules.js';
import { BrineError, errorText } from '../errors/index.js';
import type { FileTree } from '../mounts/tree.js';
import { formatBytes } from '../spec/memory.js';
import { parseJobDocument } from '../spec/parse.js';
import { hostTreeSize, readHostTree, readStdin } from './host-files.js';
import { describeError } from './report.js';

/** Job files larger than this are not read (Bacalhau's API takes at most 10 MB of JSON). */
const MAX_JOB_FILE_BYTES = 64 * 1024 * 1024;

/** The job file's text, or undefined (after saying why) when it cannot be read: a usage error. */
export async function readJobFile(path: string): Promise<string | undefined> {
  const tooBig = (bytes: string) =>
    `${bytes}: too large to check (Brine reads job files up to ${formatBytes(MAX_JOB_FILE_BYTES)}; Bacalhau's API takes at most 10 MB)`;
  try {
    if (path === '-') return await readStdin(MAX_JOB_FILE_BYTES);
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > MAX_JOB_FILE_BYTES) throw new Error(tooBig(formatBytes(info.size)));
    return await readFile(path, 'utf8');
  } catch (error) {
    process.stderr.write(`brine: cannot read ${path === '-' ? 'standard input' : path}: ${errorText(error)}\n`);
    return undefined;
  }
}

const WHERE: Record<Stage, string> = {
  cli: "Bacalhau's CLI",
  orchestrator: 'the orchestrator',
  compute: 'a compute node',
};
const WHAT: Record<Outcome, string> = {
  refused: 'refuses the job',
  'no-node': 'finds no node for it: the job fails',
  'bid-rejected': 'rejects its bid: the job fails',
  fails: 'fails the execution before the program runs',
  'fails-after-run': 'runs the program, then fails the execution',
  pending: 'never places it: the job stays pending',
  crash: 'crashes on it',
  accepted: 'accepts it',
};

function printFinding(finding: BacalhauFinding): void {
  const lines = [
    `${finding.severity} ${finding.field || '(job)'}: ${finding.message}`,
    `  ${WHERE[finding.stage]} ${WHAT[finding.outcome]}${finding.bacalhauMessage ? " (the message is Bacalhau's)" : ''}`,
    `  rule: ${finding.rule}`,
    ...(finding.hint === undefined ? [] : [`  hint: ${finding.hint}`]),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `brine validate --bacalhau`: 0 when a default network would accept and start the job, 1 when not. */
export function validateBacalhau(text: string): number {
  const { findings, accepted } = checkBacalhau(text);
  for (const finding of findings) printFinding(finding);
  const errorCount = findings.filter((f) => f.severity === 'error').length;
  const warnings = count(findings.length - errorCount, 'warning');
  process.stdout.write(
    accepted
      ? `bacalhau: a default network would accept and start this job (${warnings})\n`
      : `bacalhau: refused (${count(errorCount, 'error')}, ${warnings})\n`,
  );
  return accepted ? 0 : 1;
}

/** A localDirectory source for export: read relative to the job file, refused unread when too big. */
async function readSource(base: string, sourcePath: string): Promise<FileTree> {
  const path = resolve(base, sourcePath);
  let size: number;
  try {
    size = await hostTreeSize(path);
  } catch (error) {
    throw new BrineError(
      'InputConfigError',
      `input configuration error: input source "${sourcePath}" does not exist: ${errorText(error)}`,
      { sourcePath },
      'A localDirectory SourcePath is read relative to the job file (the working directory for -).',
    );
  }
  if (size > MAX_SOURCE_READ_BYTES) throw tooLarge(sourcePath, size, 'far more than a job can hold (at most 1 MiB)');
  return readHostTree(path);
}

/** `brine export`: writes the Bacalhau-ready job; 1 (writing nothing) when it cannot be made ready. */
export async function exportCommand(text: string, base: string, outputFile: string | undefined): Promise<number> {
  try {
    const { job } = parseJobDocument(text);
    const { yaml, check } = await exportJob(job, (sourcePath) => readSource(base, sourcePath));
    for (const finding of check.findings) printFinding(finding);
    if (!check.accepted) {
      process.stderr.write('brine: Bacalhau would still refuse the exported job: fix the job file (nothing written)\n');
      return 1;
    }
    if (outputFile === undefined) process.stdout.write(yaml);
    else await writeFile(outputFile, yaml);
    return 0;
  } catch (error) {
    process.stderr.write(describeError(error));
    return 1;
  }
}
