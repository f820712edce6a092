import { errors } from '../errors/index.js';
import { normalizePath } from './paths.js';
import type { FileTree } from './tree.js';

/**
 * The job's mounts as plain data, checked with Bacalhau's mountfs rules: leading slashes are
 * ignored, and no mount may sit at, above or below another. The loader looks modules up here
 * (on the host side); the worker builds its filesystem from the same list.
 */
export interface Mount {
  /** Normalised: no leading or trailing slash, no "." or "" components, e.g. "inputs/data". */
  target: string;
  tree: FileTree;
  writable: boolean;
  /** Inputs are read-only unless ReadWrite; outputs and ReadWrite inputs come back with the result. */
  role: 'input' | 'output';
}

/** "a/b/c" → ["a", "a/b", "a/b/c"] */
const prefixes = (path: string) => path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));

export class MountTable {
  readonly mounts: Mount[] = [];
  private readonly byTarget = new Map<string, Mount>();
  /** The names directly inside each virtual directory ("" is the root), so lookups cost O(depth). */
  private readonly children = new Map<string, Set<string>>();

  /** Adds an input mount; InputConfigError if its target is empty or overlaps another input. */
  addInput(rawTarget: string, tree: FileTree, writable: boolean): void {
    const target = normalizePath(rawTarget);
    if (target === '') {
      throw errors.inputConfig(`failed to mount input "${rawTarget}": the target must name a path below "/"`, {
        target: rawTarget,
      });
    }
    const clash = this.clash(target);
    if (clash !== undefined) {
      const reason =
        clash.target === target
          ? `a filesystem with prefix "${target}" is already mounted`
          : `"${clash.target}" and "${target}" overlap: a mount cannot sit inside another`;
      throw errors.inputConfig(`failed to mount input "${rawTarget}": ${reason}`, { target: rawTarget });
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
    this.add({ target, tree: { kind: 'directory', entries: {} }, writable: true, role: 'output' });
  }

  /**
   * The file or directory at `path` (leading slashes ignored), looked up through the mounts
   * and the virtual directories above them. Symlinks are not followed.
   */
  lookup(path: string): FileTree | undefined {
    const clean = normalizePath(path);
    for (const prefix of clean === '' ? [] : prefixes(clean)) {
      const mount = this.byTarget.get(prefix);
      if (mount === undefined) continue;
      let node: FileTree | undefined = mount.tree;
      for (const part of clean === prefix ? [] : clean.slice(prefix.length + 1).split('/')) {
        node = node.kind === 'directory' ? node.entries[part] : undefined;
        if (node === undefined) return undefined;
      }
      return node;
    }
    const names = this.children.get(clean);
    if (names === undefined) return clean === '' ? { kind: 'directory', entries: {} } : undefined;
    const entries: { [name: string]: FileTree } = {};
    for (const name of names) entries[name] = this.lookup(clean === '' ? name : `${clean}/${name}`)!;
    return { kind: 'directory', entries };
  }

  /** A mount at, above or below `target`. */
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
