/**
 * The filesystem a compute node gives a WASM job, built as Bacalhau builds it: inline sources
 * decoded by its data-URL parser and unpacked by its tar extractor (pkg/util/targzip), each
 * volume mounted with its mountfs rules, then the outputs created and mounted at their Names
 * (pkg/executor/wasm/executor.go: makeFsFromStorage). Content Brine cannot know without fetching
 * (URLs, S3, IPFS, host paths) is "unknown": lookups into it are not judged.
 */
import { gunzipSync } from 'fflate';
import { errorText } from '../errors/index.js';
import { type DirectoryEntry, directory, type FileTree, getEntry, setEntry } from '../mounts/tree.js';
import { type TarEntry, tarEntries } from '../spec/tar.js';
import type { Job } from '../spec/types.js';
import { type DataUrl, DataUrlError, decodeDataUrl } from './dataurl.js';
import { goClean, goQuote } from './go.js';

/** Bacalhau's per-file limit when unpacking an inline archive (targzip.MaximumContextSize, 10 MiB). */
export const MAX_ARCHIVE_FILE_BYTES = 10 * 1024 * 1024;
export const GZIP_MEDIA_TYPE = 'application/gzip';

/** A node of the mounted filesystem: a directory of mounts (mountfs), or a mounted filesystem. */
export type Layer =
  | { kind: 'mounts'; mounts: Map<string, Layer> }
  | { kind: 'fs'; goType: 'os.dirFS' | 'filefs.fileFs' | 'touchfs.touchFS'; tree?: FileTree };

export interface MountProblem {
  rule: 'mount-conflict' | 'mount-output-vs-input' | 'result-name-component';
  field: string;
  message: string;
}

export interface Mounted {
  root: Layer & { kind: 'mounts' };
  /** The first error Executor.Start meets (it stops there), if any. */
  problem?: MountProblem;
}

/** What an inline archive unpacks to on a node, with why it fails or what it leaves out. */
export interface Unpacked {
  tree?: DirectoryEntry;
  error?: string;
  /** Entries Bacalhau skips (only directories and regular files are created). */
  skipped: string[];
}

/** targzip.decompress: directories and regular files only, each file's directory created before it. */
export function unpackTarGz(data: Uint8Array): Unpacked {
  let entries: TarEntry[];
  try {
    entries = tarEntries(gunzipSync(data));
  } catch (error) {
    return { error: data[0] === 0x1f && data[1] === 0x8b ? errorText(error) : 'gzip: invalid header', skipped: [] };
  }
  const root = directory();
  const skipped: string[] = [];
  const dirs = new Set(['.']);
  for (const entry of entries) {
    const { name } = entry;
    if (name === '' || name.includes('\\') || name.startsWith('/') || name.includes('../')) {
      return { error: `tar contained invalid name error ${goQuote(name)}`, skipped };
    }
    const rel = goClean(name);
    if (rel === '..' || rel.startsWith('../')) return { error: `content filepath is tainted: ${name}`, skipped };
    if (entry.type === '5') {
      const parts = rel === '.' ? [] : rel.split('/');
      for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      place(root, parts, directory());
    } else if (entry.type === '0' || entry.type === '\0') {
      if (entry.data.length > MAX_ARCHIVE_FILE_BYTES) {
        return { error: `file ${name} bigger than max size 10.0 MB`, skipped };
      }
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
      if (!dirs.has(parent)) return { error: `open ${rel}: no such file or directory`, skipped };
      place(root, rel.split('/'), { kind: 'file', data: entry.data });
    } else skipped.push(name);
  }
  return { tree: root, skipped };
}

function place(root: DirectoryEntry, parts: string[], node: FileTree): void {
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    let next = getEntry(dir, part);
    if (next === undefined) {
      next = directory();
      setEntry(dir, part, next);
    }
    if (next.kind !== 'directory') return;
    dir = next;
  }
  const last = parts.at(-1);
  if (last !== undefined && !(node.kind === 'directory' && getEntry(dir, last)?.kind === 'directory'))
    setEntry(dir, last, node);
}

/** An inline source's URL as a compute node reads it: parsed, and unpacked when it is exactly application/gzip. */
export interface InlineContent {
  parsed?: DataUrl;
  error?: DataUrlError;
  unpacked?: Unpacked;
}

/** Reads an inline source's URL (a check memoises it: the rules and the mounts read the same URLs). */
export type ReadInline = (url: string) => InlineContent;

export function readInline(url: string): InlineContent {
  try {
    const parsed = decodeDataUrl(url);
    return parsed.contentType === GZIP_MEDIA_TYPE ? { parsed, unpacked: unpackTarGz(parsed.data) } : { parsed };
  } catch (error) {
    if (error instanceof DataUrlError) return { error };
    throw error;
  }
}

/** mountfs getPathPrefix: the first component of the cleaned path (leading slashes skipped) and the rest. */
function pathPrefix(path: string): [string, string] {
  let rest = path;
  for (;;) {
    const clean = goClean(rest);
    const slash = clean.indexOf('/');
    if (slash < 0) return [clean, ''];
    const prefix = clean.slice(0, slash);
    rest = clean.slice(slash + 1);
    if (prefix !== '') return [prefix, rest];
  }
}

/** mountfs Mount; throws its error text. */
function mount(layer: Layer & { kind: 'mounts' }, path: string, fs: Layer): void {
  const [prefix, rest] = pathPrefix(path);
  if (rest !== '') {
    const existing = layer.mounts.get(prefix) ?? { kind: 'mounts', mounts: new Map() };
    if (existing.kind !== 'mounts') {
      throw new Error(`cannot mount: ${goQuote(prefix)} (${existing.goType}) is not an FS that supports mounting`);
    }
    mount(existing, rest, fs);
    layer.mounts.set(prefix, existing);
  } else {
    if (layer.mounts.has(prefix)) throw new Error(`a filesystem with prefix ${goQuote(prefix)} is already mounted`);
    layer.mounts.set(prefix, fs);
  }
}

/** An input's volume as its storage provider prepares it: where it is mounted and what it holds (no tree: unknown). */
function volume(input: Job['inputs'][number], inline: ReadInline): { target: string; fs: Layer } {
  const target = input.target.trim();
  const { source } = input;
  if (source.type === 'inline') {
    const { parsed, unpacked } = inline(source.url);
    if (parsed !== undefined && unpacked === undefined) {
      return { target, fs: { kind: 'fs', goType: 'filefs.fileFs', tree: { kind: 'file', data: parsed.data } } };
    }
    return { target, fs: { kind: 'fs', goType: 'os.dirFS', ...(unpacked?.tree ? { tree: unpacked.tree } : {}) } };
  }
  if (source.type === 'other' && source.sourceType.trim().toLowerCase() === 'urldownload') {
    const url = typeof source.params.URL === 'string' ? source.params.URL : '';
    const name =
      url
        .replace(/[?#].*$/, '')
        .split('/')
        .pop() || 'download';
    return { target: goClean(`${target}/${name}`), fs: { kind: 'fs', goType: 'filefs.fileFs' } };
  }
  return { target, fs: { kind: 'fs', goType: 'os.dirFS' } };
}

/** Builds the job's filesystem as Executor.Start does, stopping at the first error as it does. */
export function mountVolumes(job: Job, inline: ReadInline): Mounted {
  const root: Layer & { kind: 'mounts' } = { kind: 'mounts', mounts: new Map() };
  const volumes = job.inputs.map((input) => volume(input, inline));
  for (const [index, { target, fs }] of volumes.entries()) {
    try {
      mount(root, target, fs);
    } catch (error) {
      const message = `input configuration error: failed to mount input ${goQuote(target)}: ${errorText(error)}`;
      return { root, problem: { rule: 'mount-conflict', field: `Tasks[0].InputSources[${index}].Target`, message } };
    }
  }
  const created = new Set(['.']);
  for (const [index, output] of job.outputs.entries()) {
    const name = output.name.trim();
    const field = `Tasks[0].ResultPaths[${index}].Name`;
    if (volumes.some((v) => v.target === name)) {
      const message = `output configuration error: output name ${goQuote(name)} conflicts with input target`;
      return { root, problem: { rule: 'mount-output-vs-input', field, message } };
    }
    // os.Mkdir(filepath.Join(<results>, Name)), relative to the results directory
    const joined = goClean(`results/${name}`);
    const rel =
      joined === 'results'
        ? '.'
        : joined.startsWith('results/')
          ? joined.slice('results/'.length)
          : goClean(`../${joined}`);
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
    const mkdirError =
      created.has(rel) || rel === '..'
        ? 'file exists'
        : !created.has(parent) && !parent.startsWith('..')
          ? 'no such file or directory'
          : undefined;
    if (mkdirError !== undefined) {
      const message = `filesystem error at ${goQuote(name)}: mkdir <execution>/results/${rel}: ${mkdirError}`;
      return { root, problem: { rule: 'result-name-component', field, message } };
    }
    created.add(rel);
    try {
      mount(root, name, { kind: 'fs', goType: 'touchfs.touchFS', tree: directory() });
    } catch (error) {
      const message = `filesystem error at ${goQuote(name)}: ${errorText(error)}`;
      return { root, problem: { rule: 'mount-conflict', field, message } };
    }
  }
  return { root };
}

/** A directory as the module loader lists it: each entry and whether it is a directory. */
export type Found =
  | { kind: 'file'; data: Uint8Array }
  | { kind: 'dir'; entries: Map<string, boolean> }
  | { kind: 'unknown' };

/** fs.Stat / Open of `name` in the mounted filesystem, as mountfs resolves it; undefined when it does not exist. */
export function openPath(layer: Layer, name: string): Found | undefined {
  if (layer.kind === 'mounts') {
    if (goClean(name) === '.') {
      const entries = new Map([...layer.mounts].map(([key, child]) => [key, isDirLayer(child)]));
      return { kind: 'dir', entries };
    }
    const [prefix, rest] = pathPrefix(name);
    const child = layer.mounts.get(prefix);
    return child === undefined ? undefined : openPath(child, goClean(rest));
  }
  if (layer.tree === undefined) return { kind: 'unknown' };
  if (layer.goType === 'filefs.fileFs')
    return name === '.' && layer.tree.kind === 'file' ? { kind: 'file', data: layer.tree.data } : undefined;
  if (name !== '.' && (name.startsWith('/') || name.split('/').some((part) => part === '..' || part === '')))
    return undefined;
  let node: FileTree | undefined = layer.tree;
  for (const part of name === '.' ? [] : name.split('/')) {
    node = node?.kind === 'directory' ? getEntry(node, part) : undefined;
  }
  // touchfs creates a missing file when it is opened (even to stat it).
  if (node === undefined)
    return layer.goType === 'touchfs.touchFS' ? { kind: 'file', data: new Uint8Array(0) } : undefined;
  if (node.kind === 'file') return { kind: 'file', data: node.data };
  if (node.kind === 'directory') {
    return {
      kind: 'dir',
      entries: new Map(Object.entries(node.entries).map(([key, child]) => [key, child.kind === 'directory'])),
    };
  }
  return undefined;
}

const isDirLayer = (layer: Layer) =>
  layer.kind === 'mounts' || layer.goType !== 'filefs.fileFs' || layer.tree?.kind === 'directory';
