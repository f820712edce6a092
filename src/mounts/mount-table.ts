import { errors } from '../errors/index.js';
import { normalizePath } from './paths.js';
import { directory, type FileTree, getEntry, setEntry } from './tree.js';

/**
 * The job's mounts as plain data, checked with Bacalhau's mountfs rules: leading slashes are
 * ignored, and no mount may sit at, above or below another, except an input at "/" itself: it
 * is the root directory, and the other mounts sit inside it. The loader looks modules up here
 * (on the host side); the worker builds its filesystem from the same list.
 */
export interface Mount {
  /** Normalised: no leading or trailing slash, no "." or "" components, e.g. "inputs/data"; "" is the root. */
  target: string;
  tree: FileTree;
  writable: boolean;
  /** Inputs are read-only unless ReadWrite; outputs and ReadWrite inputs come back with the result. */
  role: 'input' | 'output';
}

/** "a/b/c" → ["a", "a/b", "a/b/c"] */
const prefixes = (path: string) => path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));

/** The node at `path` (normalised, relative to `tree`), or undefined; symlinks are not followed. */
function descend(tree: FileTree, path: string): FileTree | undefined {
  let node: FileTree | undefined = tree;
  for (const part of path === '' ? [] : path.split('/')) {
    node = node.kind === 'directory' ? getEntry(node, part) : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

export class MountTable {
  readonly mounts: Mount[] = [];
  private readonly byTarget = new Map<string, Mount>();
  /** The names directly inside each virtual directory ("" is the root), so lookups cost O(depth). */
  private readonly children = new Map<string, Set<string>>();

  /**
   * Adds an input mount; InputConfigError if its target overlaps another input. At "/" (any
   * target that normalises to the root) it becomes the root directory, and must be a directory.
   */
  addInput(rawTarget: string, tree: FileTree, writable: boolean): void {
    const target = normalizePath(rawTarget);
    const refuse = (reason: string) =>
      errors.inputConfig(`failed to mount input "${rawTarget}": ${reason}`, { target: rawTarget });
    if (target === '') {
      if (this.byTarget.has('')) throw refuse('a filesystem with prefix "/" is already mounted');
      if (tree.kind !== 'directory') throw refuse('an input mounted at "/" must be a directory');
      this.add({ target, tree, writable, role: 'input' });
      return;
    }
    const clash = this.clash(target);
    if (clash !== undefined) {
      throw refuse(
        clash.target === target
          ? `a filesystem with prefix "${target}" is already mounted`
          : `"${clash.target}" and "${target}" overlap: a mount cannot sit inside another`,
      );
    }
    this.add({ target, tree, writable, role: 'input' });
  }

  /** Adds an empty writable output mounted at its Name, as Bacalhau's WASM executor does. */
  addOutput(name: string): void {
    const target = normalizePath(name);
    if (target === '') {
      throw errors.outputConfig(`output name "${name}" must name a path below "/"`, { name });
    }
    const clash = this.clash(target);
    if (clash?.role === 'input' && clash.target === target) {
      throw errors.outputConfig(`output name "${name}" conflicts with input target`, { name });
    }
    if (clash !== undefined) {
      throw errors.filesystem(name, `cannot mount "${target}": it overlaps the mount at "${clash.target}"`);
    }
    this.add({ target, tree: directory(), writable: true, role: 'output' });
  }

  /**
   * The file or directory at `path` (leading slashes ignored), looked up through the mounts
   * and the directories above them: the input at "/" where there is one, with the other mounts
   * in place of whatever it holds at their targets. Symlinks are not followed.
   */
  lookup(path: string): FileTree | undefined {
    const clean = normalizePath(path);
    for (const prefix of clean === '' ? [] : prefixes(clean)) {
      const mount = this.byTarget.get(prefix);
      if (mount !== undefined) return descend(mount.tree, clean === prefix ? '' : clean.slice(prefix.length + 1));
    }
    const root = this.byTarget.get('');
    const underRoot = root === undefined ? undefined : descend(root.tree, clean);
    const names = this.children.get(clean);
    if (names === undefined) return clean === '' ? (underRoot ?? directory()) : underRoot;
    const dir = directory(underRoot?.kind === 'directory' ? { ...underRoot.entries } : {});
    for (const name of names) setEntry(dir, name, this.lookup(clean === '' ? name : `${clean}/${name}`)!);
    return dir;
  }

  /** A mount at, above or below `target` (the input at "/" holds every other mount, so it is none of these). */
  private clash(target: string): Mount | undefined {
    for (const prefix of prefixes(target)) {
      const mount = this.byTarget.get(prefix);
      if (mount !== undefined) return mount;
    }
    // Something is mounted below `target`: follow the virtual directories down to it.
    let below = target;
    for (let names = this.children.get(below); names !== undefined; names = this.children.get(below)) {
      below = `${below}/${names.values().next().value}`;
      const mount = this.byTarget.get(below);
      if (mount !== undefined) return mount;
    }
    return undefined;
  }

  private add(mount: Mount): void {
    this.mounts.push(mount);
    this.byTarget.set(mount.target, mount);
    if (mount.target === '') return;
    const parts = mount.target.split('/');
    parts.forEach((name, i) => {
      const parent = parts.slice(0, i).join('/');
      let names = this.children.get(parent);
      if (names === undefined) {
        names = new Set();
        this.children.set(parent, names);
      }
      names.add(name);
    });
  }
}
