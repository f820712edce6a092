/**
 * The filesystem as the guest sees it: before a run, every mount with where it came from and
 * whether the guest may write to it, the preopened directories, the outputs; after a run, the
 * writable mounts with what changed in them. Both are trees of FsNode, which `brine validate`
 * prints (formatTree) and the UI draws.
 */
import { normalizePath } from '../mounts/paths.js';
import { countFiles, directory, type FileTree, getEntry, treeSize } from '../mounts/tree.js';
import { formatBytes } from '../spec/memory.js';
import type { Job, SourceSpec } from '../spec/types.js';
import { guestPreopens } from './run-request.js';
import type { OutputMount } from './types.js';

/** Where a mount's files come from. */
export type MountOrigin =
  /** A data: URL in the job. */
  | { kind: 'inline' }
  /** A host file or directory (the CLI), or in the UI one of the job's files: `label` says which. */
  | { kind: 'local'; path: string; label?: string }
  /** Files given through the API: `label` says which (the UI: a dropped file, a demo's file). */
  | { kind: 'memory'; label?: string }
  /** A source type Brine cannot read offline (urlDownload, ipfs, s3, ...). */
  | { kind: 'other'; type: string }
  /** An output (ResultPath), empty when the run starts. */
  | { kind: 'output'; name: string };

export type FsChange = 'created' | 'modified' | 'unchanged' | 'deleted';

export interface FsNode {
  name: string;
  /** 'unknown': a mount whose files are not available here (a source Brine cannot read). */
  kind: 'directory' | 'file' | 'symlink' | 'unknown';
  /** Bytes of a file, or of all the files below a directory. */
  size?: number;
  /** Files below a directory. */
  files?: number;
  /** Set where a mount sits. */
  mount?: { role: 'input' | 'output'; writable: boolean; origin: MountOrigin };
  /** A preopened directory's fds, with the name the guest is given each under. */
  preopens?: { fd: number; name: string }[];
  /** A symlink's target. */
  target?: string;
  children?: FsNode[];
  /** Entries left out of `children` (a directory holding more than the listing limit). */
  more?: number;
  /** After a run: what the run did to this file. */
  change?: FsChange;
}

/** Entries listed per directory; the rest are counted. */
export const LISTED_ENTRIES = 20;

/** The first fd after stdin, stdout and stderr. */
const FIRST_PREOPEN_FD = 3;

/**
 * The tree the guest will see when `job` runs: `contents[i]` holds the files of `job.inputs[i]`
 * where they are known (undefined for a source not read here); `labels` may say where the files of
 * an in-memory or local source came from (the UI: a dropped file, a demo's file).
 */
export function guestFilesystem(
  job: Job,
  contents: readonly (FileTree | undefined)[],
  labels: (index: number) => string | undefined = () => undefined,
): FsNode {
  let root: FsNode = { name: '/', kind: 'directory', children: [] };
  job.inputs.forEach(({ target, source }, index) => {
    const tree = contents[index];
    const mount = { role: 'input' as const, writable: isWritable(source), origin: originOf(source, labels(index)) };
    const node = tree === undefined ? { name: '', kind: 'unknown' as const } : nodeOf('', tree);
    const path = normalizePath(target);
    // An input at "/" is the root directory; the other mounts sit inside it.
    if (path === '') {
      const mounted = root.children!;
      const own = (node.children ?? []).filter((c) => !mounted.some((m) => m.name === c.name));
      root = { ...node, name: '/', kind: 'directory', children: [...own, ...mounted], mount };
    } else place(root, path, node, mount);
  });
  for (const { name } of job.outputs) {
    const mount = { role: 'output' as const, writable: true, origin: { kind: 'output' as const, name } };
    place(root, normalizePath(name), nodeOf('', directory()), mount);
  }
  const { root: rootPreopen, named } = guestPreopens(job);
  const preopened = [...(rootPreopen ? ['/'] : []), ...named];
  preopened.forEach((name, i) => {
    const node = find(root, normalizePath(name));
    if (node !== undefined) node.preopens = [...(node.preopens ?? []), { fd: FIRST_PREOPEN_FD + i, name }];
  });
  sortTree(root);
  return root;
}

/**
 * The writable mounts after a run (outputs and ReadWrite inputs), each file marked created,
 * modified or unchanged, and the files it deleted: `contents` as for guestFilesystem.
 */
export function filesystemChanges(
  job: Job,
  contents: readonly (FileTree | undefined)[],
  outputs: readonly OutputMount[],
): FsNode[] {
  return outputs.map(({ name, role, tree }) => {
    const input = job.inputs.findIndex((i) => normalizePath(i.target) === normalizePath(name));
    const before = role === 'input' && input >= 0 ? (contents[input] ?? directory()) : directory();
    const node = changed(`/${normalizePath(name)}`, before, tree);
    const output = job.outputs.find((o) => normalizePath(o.name) === normalizePath(name));
    node.mount = {
      role,
      writable: true,
      origin: role === 'output' ? { kind: 'output', name: output?.name ?? name } : originOf(job.inputs[input]!.source),
    };
    return node;
  });
}

/** What a mount's origin is, in words: "inline data", "local path /x", ... */
export function describeOrigin(origin: MountOrigin): string {
  switch (origin.kind) {
    case 'inline':
      return 'inline data (a data: URL in the job)';
    case 'local':
      return origin.label ?? `local path ${origin.path}`;
    case 'memory':
      return origin.label ?? 'in memory';
    case 'other':
      return `${origin.type} source (not available offline)`;
    case 'output':
      return `output "${origin.name}"`;
  }
}

/** 'preopened as fd 3 "/"', or as several fds. */
export function describePreopens(preopens: readonly { fd: number; name: string }[]): string {
  return `preopened as ${preopens.map(({ fd, name }) => `fd ${fd} "${name}"`).join(' and ')}`;
}

/** One node's details, for a tree drawn as text: "read-only, local path /x, 2 files, 3 KiB". */
export function describeNode(node: FsNode): string {
  const parts: string[] = [];
  if (node.preopens !== undefined) parts.push(describePreopens(node.preopens));
  if (node.change !== undefined) parts.push(node.change);
  if (node.mount !== undefined) {
    parts.push(node.mount.writable ? 'writable' : 'read-only', describeOrigin(node.mount.origin));
  }
  if (node.kind === 'symlink') parts.push(`→ ${node.target}`);
  if (node.files !== undefined && node.mount !== undefined) {
    const { files } = node;
    parts.push(files === 0 ? 'empty' : `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}`);
  }
  if (node.size !== undefined && (node.kind === 'file' || (node.mount !== undefined && node.size > 0))) {
    parts.push(formatBytes(node.size));
  }
  return parts.join(', ');
}

/** The tree as text lines, drawn with box characters. */
export function formatTree(node: FsNode): string[] {
  const lines = [line(node)];
  const walk = (parent: FsNode, indent: string) => {
    const children = parent.children ?? [];
    const last = children.length - 1 + (parent.more ? 1 : 0);
    children.forEach((child, i) => {
      lines.push(`${indent}${i === last ? '└── ' : '├── '}${line(child)}`);
      walk(child, `${indent}${i === last ? '    ' : '│   '}`);
    });
    if (parent.more) lines.push(`${indent}└── … ${parent.more.toLocaleString('en-US')} more`);
  };
  walk(node, '');
  return lines;
}

function line(node: FsNode): string {
  const name = node.kind === 'directory' && node.name !== '/' ? `${node.name}/` : node.name;
  const details = describeNode(node);
  return details === '' ? name : `${name}  (${details})`;
}

function isWritable(source: SourceSpec): boolean {
  return (source.type === 'memory' || source.type === 'localDirectory') && source.readWrite;
}

function originOf(source: SourceSpec, label?: string): MountOrigin {
  switch (source.type) {
    case 'inline':
      return { kind: 'inline' };
    case 'localDirectory':
      return { kind: 'local', path: source.sourcePath, ...(label === undefined ? {} : { label }) };
    case 'memory':
      return label === undefined ? { kind: 'memory' } : { kind: 'memory', label };
    case 'other':
      return { kind: 'other', type: source.sourceType };
  }
}

/**
 * Puts `node` at `path` below `root` as a mount, through the directories on the way (made where
 * missing), in place of what was there (a mount hides what its path held).
 */
function place(root: FsNode, path: string, node: FsNode, mount: FsNode['mount']): void {
  const parts = path.split('/');
  const name = parts.pop()!;
  let parent = root;
  for (const part of parts) {
    let next = parent.children?.find((c) => c.name === part && c.kind === 'directory');
    if (next === undefined) {
      next = { name: part, kind: 'directory', children: [] };
      parent.children = [...(parent.children ?? []).filter((c) => c.name !== part), next];
    }
    parent = next;
  }
  parent.children = [...(parent.children ?? []).filter((c) => c.name !== name), { ...node, name, mount }];
}

function find(root: FsNode, path: string): FsNode | undefined {
  let node: FsNode | undefined = root;
  for (const part of path === '' ? [] : path.split('/')) node = node?.children?.find((c) => c.name === part);
  return node;
}

/** A file tree as nodes, at most LISTED_ENTRIES entries per directory. */
function nodeOf(name: string, tree: FileTree): FsNode {
  if (tree.kind !== 'directory') return leaf(name, tree);
  const names = Object.keys(tree.entries).sort();
  return directoryNode(
    name,
    tree,
    names.map((n) => () => nodeOf(n, tree.entries[n]!)),
  );
}

function leaf(name: string, tree: Exclude<FileTree, { kind: 'directory' }>): FsNode {
  return tree.kind === 'file'
    ? { name, kind: 'file', size: tree.data.byteLength }
    : { name, kind: 'symlink', target: tree.target };
}

/** A directory node of `tree`'s size and file count, listing the first LISTED_ENTRIES `entries`. */
function directoryNode(name: string, tree: FileTree, entries: (() => FsNode)[]): FsNode {
  const children = entries.slice(0, LISTED_ENTRIES).map((make) => make());
  const more = entries.length - children.length;
  return {
    name,
    kind: 'directory',
    size: treeSize(tree),
    files: countFiles(tree),
    children,
    ...(more > 0 ? { more } : {}),
  };
}

/** `after` as nodes marked against `before`, with what only `before` has marked deleted. */
function changed(name: string, before: FileTree | undefined, after: FileTree | undefined): FsNode {
  const tree = (after ?? before)!;
  if (tree.kind !== 'directory') {
    const change = after === undefined ? 'deleted' : before === undefined ? 'created' : sameFile(before, after);
    return { ...leaf(name, tree), change };
  }
  const entriesOf = (t: FileTree | undefined) => (t?.kind === 'directory' ? t : undefined);
  const [was, is] = [entriesOf(before), entriesOf(after)];
  const names = [...new Set([...Object.keys(is?.entries ?? {}), ...Object.keys(was?.entries ?? {})])].sort();
  const node = directoryNode(
    name,
    tree,
    names.map((n) => () => changed(n, was && getEntry(was, n), is && getEntry(is, n))),
  );
  return after === undefined ? { ...node, change: 'deleted' } : node;
}

function sameFile(before: FileTree, after: FileTree): FsChange {
  if (before.kind !== after.kind) return 'modified';
  if (before.kind === 'symlink') return before.target === (after as typeof before).target ? 'unchanged' : 'modified';
  if (before.kind !== 'file') return 'unchanged';
  const [a, b] = [before.data, (after as typeof before).data];
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]) ? 'unchanged' : 'modified';
}

function sortTree(node: FsNode): void {
  node.children?.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of node.children ?? []) sortTree(child);
}
