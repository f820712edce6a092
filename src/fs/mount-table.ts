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

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export class MountTable {
  readonly mounts: Mount[] = [];

  /** Adds an input mount; InputConfigError if its target is empty or overlaps another input. */
  addInput(rawTarget: string, tree: FileTree, writable: boolean): void {
    const target = normalizePath(rawTarget);
    if (target === '') {
      throw errors.inputConfig(`failed to mount input "${rawTarget}": the target must name a path below "/"`, {
        target: rawTarget,
      });
    }
    const clash = this.mounts.find((m) => overlaps(m.target, target));
    if (clash !== undefined) {
      const reason =
        clash.target === target
          ? `a filesystem with prefix "${target}" is already mounted`
          : `"${clash.target}" and "${target}" overlap: a mount cannot sit inside another`;
      throw errors.inputConfig(`failed to mount input "${rawTarget}": ${reason}`, { target: rawTarget });
    }
    this.mounts.push({ target, tree, writable, role: 'input' });
  }

  /** Adds an empty writable output mounted at its Name, as Bacalhau's WASM executor does. */
  addOutput(name: string): void {
    const target = normalizePath(name);
    if (target === '') {
      throw errors.outputConfig(`output name "${name}" must name a path below "/"`, { name });
    }
    const clash = this.mounts.find((m) => overlaps(m.target, target));
    if (clash?.role === 'input' && clash.target === target) {
      throw errors.outputConfig(`output name "${name}" conflicts with input target`, { name });
    }
    if (clash !== undefined) {
      throw errors.filesystem(name, `cannot mount "${target}": it overlaps the mount at "${clash.target}"`);
    }
    this.mounts.push({ target, tree: { kind: 'directory', entries: {} }, writable: true, role: 'output' });
  }

  /**
   * The file or directory at `path` (leading slashes ignored), looked up through the mounts
   * and the virtual directories above them. Symlinks are not followed.
   */
  lookup(path: string): FileTree | undefined {
    const clean = normalizePath(path);
    if (clean === '') return this.virtualDirectory('');
    for (const mount of this.mounts) {
      if (clean === mount.target) return mount.tree;
      if (clean.startsWith(`${mount.target}/`)) {
        let node: FileTree | undefined = mount.tree;
        for (const part of clean.slice(mount.target.length + 1).split('/')) {
          node = node.kind === 'directory' ? node.entries[part] : undefined;
          if (node === undefined) return undefined;
        }
        return node;
      }
    }
    return this.virtualDirectory(clean);
  }

  /** A directory made only of mount points below `prefix`, or undefined if none is. */
  private virtualDirectory(prefix: string): FileTree | undefined {
    const entries: { [name: string]: FileTree } = {};
    const start = prefix === '' ? 0 : prefix.length + 1;
    for (const mount of this.mounts) {
      if (prefix !== '' && !mount.target.startsWith(`${prefix}/`)) continue;
      const name = mount.target.slice(start).split('/')[0]!;
      entries[name] ??= this.lookup(prefix === '' ? name : `${prefix}/${name}`)!;
    }
    return prefix === '' || Object.keys(entries).length > 0 ? { kind: 'directory', entries } : undefined;
  }
}
