/**
 * The job's files: what the person dropped or picked, and what a demo fetched, by the SourcePath
 * its localDirectory sources name. They play the part of the folder beside a job file for
 * `brine run`, so a demo's job.yaml is kept exactly as written, and a job's YAML names a file it
 * cannot inline by a SourcePath that still finds it.
 */
import { BrineError, errors } from '../../src/errors/index';
import { normalizePath } from '../../src/mounts/paths';
import type { FileTree } from '../../src/mounts/tree';
import { decodeInline } from '../../src/spec/inline';
import type { InputSource, Job, SourceSpec } from '../../src/spec/types';

/** Files by normalised SourcePath; a tree is never changed once added (a new version is a new tree). */
export type JobFiles = Readonly<Record<string, FileTree>>;

/** A source that reads one of the job's files. */
export const localSource = (sourcePath: string, readWrite = false): SourceSpec => ({
  type: 'localDirectory',
  sourcePath,
  readWrite,
});

/** Whether a source is mounted writable (only local and in-memory sources can be). */
export const isWritable = (source: SourceSpec): boolean =>
  (source.type === 'localDirectory' || source.type === 'memory') && source.readWrite;

export const fileKey = (sourcePath: string): string => normalizePath(sourcePath);

/** The file or folder a SourcePath names among the job's files (own keys only: "__proto__" is a name like any other). */
export const fileAt = (files: JobFiles, sourcePath: string): FileTree | undefined => {
  const key = fileKey(sourcePath);
  return Object.hasOwn(files, key) ? files[key] : undefined;
};

/** `name`, or `name-2.ext`, `name-3.ext`... when the files already hold another tree under it. */
export function uniqueKey(files: JobFiles, name: string): string {
  const key = fileKey(name) || 'input';
  if (!Object.hasOwn(files, key)) return key;
  const dot = key.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [key.slice(0, dot), key.slice(dot)] : [key, ''];
  let n = 2;
  while (Object.hasOwn(files, `${stem}-${n}${ext}`)) n++;
  return `${stem}-${n}${ext}`;
}

/** The files some input of the job still reads; the others are dropped. */
export function keepReferenced(job: Job, files: JobFiles): JobFiles {
  const used = new Set(
    job.inputs.flatMap(({ source }) => (source.type === 'localDirectory' ? [fileKey(source.sourcePath)] : [])),
  );
  const kept = Object.entries(files).filter(([key]) => used.has(key));
  return kept.length === Object.keys(files).length ? files : Object.fromEntries(kept);
}

/** A few decoded inline sources, so views do not decode the same data: URL on every render. */
const decoded = new Map<string, FileTree>();
const DECODED_KEPT = 8;

function decodeCached(url: string): FileTree {
  let tree = decoded.get(url);
  if (tree === undefined) {
    tree = decodeInline(url);
    if (decoded.size >= DECODED_KEPT) decoded.delete(decoded.keys().next().value!);
    decoded.set(url, tree);
  }
  return tree;
}

/**
 * What a source holds here: a file or directory, or why it has none (a SourcePath that is not
 * among the job's files, a network source, an inline URL that does not decode).
 */
export function sourceContent(source: SourceSpec, files: JobFiles): { tree: FileTree } | { missing: string } {
  switch (source.type) {
    case 'memory':
      return { tree: source.tree };
    case 'localDirectory': {
      const tree = fileAt(files, source.sourcePath);
      return tree === undefined ? { missing: `"${source.sourcePath}" is not among the job's files` } : { tree };
    }
    case 'inline':
      try {
        return { tree: decodeCached(source.url) };
      } catch (error) {
        return { missing: error instanceof Error ? error.message : String(error) };
      }
    case 'other':
      return { missing: `${source.sourceType || 'a source without a type'}: not available offline` };
  }
}

/**
 * The job as the executor runs it: localDirectory sources read from the job's files, as in-memory
 * sources. An InputConfigError names the first input whose SourcePath is not among them.
 */
export function runnableJob(job: Job, files: JobFiles): Job {
  const inputs = job.inputs.map((input, index): InputSource => {
    const { source } = input;
    if (source.type !== 'localDirectory') return input;
    const tree = fileAt(files, source.sourcePath);
    if (tree === undefined) {
      const problem = errors.inputConfig(`input source "${source.sourcePath}" is not among the job's files`);
      throw new BrineError(
        problem.code,
        problem.message,
        { field: `Tasks[0].InputSources[${index}].Source.Params.SourcePath`, target: input.target },
        `A localDirectory SourcePath names one of the files added to this job (a placeholder in the YAML names the file it stands for). Drop or pick "${source.sourcePath}" again, or change the source.`,
      );
    }
    return { ...input, source: { type: 'memory', tree, readWrite: source.readWrite } };
  });
  return { ...job, inputs };
}
