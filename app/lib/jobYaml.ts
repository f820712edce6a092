/**
 * The job's YAML view: the Bacalhau job YAML with the job's files inlined as data: URLs, so the
 * text stands alone, except where a file cannot be: those stay localDirectory sources (placeholders)
 * whose SourcePath still finds the file when the YAML is edited. Reading the text back turns the
 * data: URLs of the job's own files into those sources again, so nothing changes identity.
 */
import { treeSize } from '../../src/mounts/tree';
import { encodeInline } from '../../src/spec/inline';
import { jobToYaml } from '../../src/spec/serialize';
import type { InputSource, Job } from '../../src/spec/types';
import { fileAt, type JobFiles, localSource } from './jobFiles';

/** Inline data above this makes the YAML unwieldy: the largest files become placeholders. */
export const YAML_INLINE_LIMIT = 1024 * 1024;

export interface Placeholder {
  target: string;
  sourcePath: string;
  bytes: number;
  /** Too large for the inline budget, or writable (inline sources are read-only in Bacalhau). */
  reason: 'size' | 'writable';
}

const inlineCache = new WeakMap<object, string>();

function inlineUrl(tree: Parameters<typeof encodeInline>[0]): string {
  let url = inlineCache.get(tree);
  if (url === undefined) {
    url = encodeInline(tree);
    inlineCache.set(tree, url);
  }
  return url;
}

/** The job as its YAML view writes it: some of its files inlined, the others left as placeholders. */
export interface YamlSources {
  /** The job with the inlined files as inline sources. */
  job: Job;
  placeholders: Placeholder[];
  /** The data: URL each inlined file was written as, to its SourcePath. */
  inlined: ReadonlyMap<string, string>;
}

/**
 * Inlines the job's read-only files, smallest first, while the inline data stays within
 * `inlineLimit`; the rest, and writable ones, are placeholders.
 */
export function yamlSources(job: Job, files: JobFiles, inlineLimit = YAML_INLINE_LIMIT): YamlSources {
  const local = job.inputs.flatMap((input) => {
    const { source } = input;
    if (source.type !== 'localDirectory') return [];
    const tree = fileAt(files, source.sourcePath);
    return tree === undefined ? [] : [{ input, source, tree, bytes: treeSize(tree) }];
  });
  const inlinable = local.filter(({ source }) => !source.readWrite).sort((a, b) => a.bytes - b.bytes);
  const chosen = new Set<InputSource>();
  let budget = inlineLimit;
  for (const { input, bytes } of inlinable) {
    const encoded = Math.ceil(bytes / 3) * 4; // base64 (directories are gzip'd, so this is an upper bound)
    if (encoded > budget) break;
    budget -= encoded;
    chosen.add(input);
  }
  const placeholders: Placeholder[] = [];
  const inlined = new Map<string, string>();
  const byInput = new Map(local.map((entry) => [entry.input, entry]));
  const inputs = job.inputs.map((input): InputSource => {
    const entry = byInput.get(input);
    if (entry === undefined) return input;
    if (!chosen.has(input)) {
      placeholders.push({
        target: input.target,
        sourcePath: entry.source.sourcePath,
        bytes: entry.bytes,
        reason: entry.source.readWrite ? 'writable' : 'size',
      });
      return input;
    }
    const url = inlineUrl(entry.tree);
    inlined.set(url, entry.source.sourcePath);
    return { ...input, source: { type: 'inline', url } };
  });
  return { job: { ...job, inputs }, placeholders, inlined };
}

export interface JobYaml extends YamlSources {
  yaml: string;
}

/** The YAML view's text (see yamlSources). */
export function jobYaml(job: Job, files: JobFiles, inlineLimit = YAML_INLINE_LIMIT): JobYaml {
  const sources = yamlSources(job, files, inlineLimit);
  return { ...sources, yaml: jobToYaml(sources.job) };
}

/** A job read from the YAML view: the data: URLs it wrote for the job's files become their sources again. */
export function withFileSources(job: Job, inlined: ReadonlyMap<string, string>): Job {
  if (inlined.size === 0) return job;
  const inputs = job.inputs.map((input): InputSource => {
    const sourcePath = input.source.type === 'inline' ? inlined.get(input.source.url.trim()) : undefined;
    return sourcePath === undefined ? input : { ...input, source: localSource(sourcePath) };
  });
  return { ...job, inputs };
}
