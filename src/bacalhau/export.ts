/**
 * `brine export` (and the UI's Download YAML): a job made ready for a default Bacalhau network.
 * Local and in-memory files become inline data URLs (a directory as a gzip'd tar), data URLs that
 * Bacalhau's parser refuses are re-encoded, the fields Bacalhau requires are filled in, Brine's
 * extensions are removed with a comment saying what each did, and the result is checked with
 * `checkBacalhau`. Content too big for Bacalhau is an InputConfigError naming the file.
 */
import { BrineError } from '../errors/index.js';
import type { ReadLocal } from '../executor/types.js';
import { type FileTree, listFiles, treeSize } from '../mounts/tree.js';
import { decodeInline, encodeInline, GZIP_TYPES } from '../spec/inline.js';
import { formatBytes } from '../spec/memory.js';
import { jobToDocument, jobToObject, writeYaml } from '../spec/serialize.js';
import { DEFAULT_ENTRYPOINT, type InputSource, type Job } from '../spec/types.js';
import { type BacalhauCheck, checkBacalhau } from './check.js';
import { DataUrlError, decodeDataUrl } from './dataurl.js';
import { brineExtensions } from './extensions.js';
import { GZIP_MEDIA_TYPE, MAX_ARCHIVE_FILE_BYTES } from './mounts.js';
import { envProblem, NATS_MAX_PAYLOAD, NATS_OVERHEAD, submissionBytes } from './rules.js';

export interface ExportedJob {
  /** The job as Bacalhau-ready YAML, with a comment for each change. */
  yaml: string;
  /** The job the YAML holds. */
  job: Job;
  /** The changes made, as the comments say them. */
  notes: string[];
  /** `brine validate --bacalhau` of `yaml`: accepted unless the job breaks a rule export cannot fix. */
  check: BacalhauCheck;
}

/** Sources larger than this are not read at all: they could never fit in a job. */
export const MAX_SOURCE_READ_BYTES = 64 * 1024 * 1024;

const SIZE_HINT = 'Serve it from a URL (a urlDownload source), IPFS or S3 instead of inlining it in the job.';

/** The error for content too big for Bacalhau: the file, its size, the limit and what to do instead. */
export function tooLarge(name: string, bytes: number, limit: string): BrineError {
  return new BrineError(
    'InputConfigError',
    `input configuration error: ${name} is ${formatBytes(bytes)}: ${limit}`,
    { name, bytes },
    SIZE_HINT,
  );
}

const JOB_LIMIT = `a Bacalhau node receives the whole job, inline data included, in one NATS message of at most ${formatBytes(NATS_MAX_PAYLOAD)}`;

/**
 * Exports `job` for Bacalhau. `readLocal` reads a localDirectory source's SourcePath as written in
 * the job (the CLI resolves it against the job file's directory); jobs without local sources need
 * none. Throws an InputConfigError when a file is too big to inline.
 */
export async function exportJob(job: Job, readLocal?: ReadLocal): Promise<ExportedJob> {
  const notes: string[] = [];
  /** What to call each input in an error: its SourcePath for a host path, else its Target. */
  const names: string[] = [];
  /** The bytes of the files each input inlines (0 when export left it as it was). */
  const contentBytes: number[] = [];
  const inputs: InputSource[] = [];
  for (const [index, input] of job.inputs.entries()) {
    const { source } = input;
    const field = `InputSources[${index}] (${input.target})`;
    names.push(source.type === 'localDirectory' ? source.sourcePath : input.target);
    let tree: FileTree | undefined;
    if (source.type === 'localDirectory') {
      if (readLocal === undefined) {
        throw new BrineError(
          'InputConfigError',
          `input configuration error: ${field} is a host path, and no files were given for it`,
        );
      }
      tree = await readLocal(source.sourcePath);
      const archive = tree.kind === 'directory' ? " (a gzip'd tar)" : '';
      notes.push(`${field}: ${source.sourcePath} inlined as a data URL${archive}`);
    } else if (source.type === 'memory') {
      tree = source.tree;
      notes.push(`${field}: its files inlined as a data URL`);
    } else if (source.type === 'inline' && !bacalhauReadsAsBrine(source.url)) {
      tree = decodeInline(source.url);
      notes.push(`${field}: data URL re-encoded as Bacalhau's parser reads it`);
    }
    contentBytes.push(tree === undefined ? 0 : treeSize(tree));
    if (tree === undefined) {
      inputs.push(input);
      continue;
    }
    if ((source.type === 'localDirectory' || source.type === 'memory') && source.readWrite) {
      notes.push(
        `${field} was ReadWrite: Brine returned its final state with the results; on Bacalhau it is read-only`,
      );
    }
    const big =
      tree.kind === 'directory' ? listFiles(tree).find((f) => f.data.byteLength > MAX_ARCHIVE_FILE_BYTES) : undefined;
    if (big !== undefined) {
      const limit = `Bacalhau unpacks at most ${formatBytes(MAX_ARCHIVE_FILE_BYTES)} per file from an inline archive`;
      throw tooLarge(`${names[index]}/${big.path}`, big.data.byteLength, limit);
    }
    const url = encodeInline(tree);
    inputs.push({
      target: input.target,
      ...(input.alias ? { alias: input.alias } : {}),
      source: { type: 'inline', url },
    });
  }

  const exported: Job = { ...job, inputs, env: { ...job.env }, brine: { argv0: '', preopens: [] } };
  if (job.type === '') {
    exported.type = 'batch';
    notes.push('Type: batch added (Bacalhau requires a job type)');
  }
  if (job.taskName.trim() === '') {
    exported.taskName = 'main';
    notes.push('Tasks[0].Name: main added (Bacalhau requires a task name)');
  }
  if (job.entrypoint === '') {
    exported.entrypoint = DEFAULT_ENTRYPOINT;
    notes.push(
      `Entrypoint: ${DEFAULT_ENTRYPOINT} added (what Brine calls when it is not set; Bacalhau has no default)`,
    );
  }
  const { publisher } = job;
  if (
    job.outputs.length > 0 &&
    (publisher === undefined || (publisher.type === '' && Object.keys(publisher.params).length === 0))
  ) {
    exported.publisher = { type: 'local', params: {} };
    notes.push('Publisher: local added (Bacalhau requires one with ResultPaths; a default node serves results itself)');
  }
  for (const extension of brineExtensions(job.brine)) {
    if (extension.key === 'Env') continue;
    notes.push(`Brine.${extension.key} removed: in Brine ${extension.brine}; on Bacalhau ${extension.bacalhau}`);
  }
  for (const [name, value] of Object.entries(job.brine.env ?? {})) {
    if (envProblem(name, value) === undefined && !Object.hasOwn(exported.env, name)) {
      exported.env[name] = value;
      notes.push(`Brine.Env.${name} moved to Task.Env`);
    } else notes.push(`Brine.Env.${name} removed: the program saw it in Brine; Bacalhau does not set it`);
  }

  const bytes = submissionBytes(jobToObject(exported));
  if (bytes + NATS_OVERHEAD > NATS_MAX_PAYLOAD) {
    const [largest] = inputs
      .map((input, index) => ({
        index,
        urlBytes: input.source.type === 'inline' ? input.source.url.length : 0,
      }))
      .sort((a, b) => b.urlBytes - a.urlBytes);
    if (largest !== undefined && largest.urlBytes > 0) {
      const { index, urlBytes } = largest;
      const limit = `${formatBytes(urlBytes)} as a data URL makes the job ${formatBytes(bytes)} as JSON, and ${JOB_LIMIT}`;
      throw tooLarge(names[index]!, contentBytes[index] || urlBytes, limit);
    }
  }

  const document = jobToDocument(exported);
  if (writeYaml(document).includes('{{')) {
    notes.push(
      '"{{" is written {{`{{`}}: bacalhau job run reads the file as a Go template (brine run reads it as written)',
    );
  }
  document.commentBefore = [
    ' Exported by brine export for a Bacalhau network: bacalhau job run FILE',
    ...notes.map((n) => ` ${n}`),
  ].join('\n');
  const yaml = writeYaml(document).replaceAll('{{', '{{`{{`}}');
  return { yaml, job: exported, notes, check: checkBacalhau(yaml) };
}

/** Whether Bacalhau's data-URL parser reads `url` as Brine does (same bytes, a directory for the same media types). */
function bacalhauReadsAsBrine(url: string): boolean {
  try {
    const { contentType } = decodeDataUrl(url);
    return GZIP_TYPES.has(contentType.toLowerCase()) === (contentType === GZIP_MEDIA_TYPE);
  } catch (error) {
    if (error instanceof DataUrlError) return false;
    throw error;
  }
}
