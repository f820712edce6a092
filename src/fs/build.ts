import type { Mount } from '../mounts/mount-table.js';
import { directory, type FileTree, file, setEntry } from '../mounts/tree.js';
import { DirNode, FileNode, type FsContext, type Node, SymlinkNode } from './nodes.js';

/**
 * Builds the root directory: the input mounted at "/" if there is one, else a read-only virtual
 * directory, with every other mount attached at its target. A mount takes the place of whatever
 * the root input holds there; directories on the way are the root input's own where it has
 * them, else read-only virtual ones. Returns the root and each mount's node, in `mounts` order.
 */
export function buildRoot(ctx: FsContext, mounts: readonly Mount[]): { root: DirNode; nodes: Node[] } {
  const base = mounts.find((m) => m.target === '');
  const root = base === undefined ? new DirNode(ctx, true) : (toNode(ctx, base.tree, !base.writable) as DirNode);
  root.nlink = 1n;
  const nodes = mounts.map((mount) => {
    if (mount === base) return root;
    const parts = mount.target.split('/');
    const name = parts.pop()!;
    let dir = root;
    for (const part of parts) {
      let next = dir.entries.get(part);
      if (!(next instanceof DirNode)) {
        next = new DirNode(ctx, true);
        next.mountPoint = true;
        dir.unlink(part);
        dir.link(part, next);
      }
      dir = next as DirNode;
    }
    const node = toNode(ctx, mount.tree, !mount.writable);
    if (mount.role === 'output' && node instanceof DirNode) node.output = mount.target;
    node.mountPoint = true;
    dir.unlink(name);
    dir.link(name, node);
    return node;
  });
  return { root, nodes };
}

function toNode(ctx: FsContext, tree: FileTree, readonly: boolean): Node {
  switch (tree.kind) {
    case 'file':
      return new FileNode(ctx, readonly, tree.data);
    case 'symlink':
      return new SymlinkNode(ctx, readonly, tree.target);
    case 'directory': {
      const dir = new DirNode(ctx, readonly);
      for (const [name, child] of Object.entries(tree.entries)) dir.link(name, toNode(ctx, child, readonly));
      return dir;
    }
  }
}

/** The node at a normalised path of the filesystem ("" is the root; see buildRoot). */
export function nodeAt(root: DirNode, target: string): Node | undefined {
  let node: Node | undefined = root;
  for (const part of target === '' ? [] : target.split('/')) {
    node = node instanceof DirNode ? node.entries.get(part) : undefined;
  }
  return node;
}

/**
 * A node as plain data at the end of a run: file bytes at exact size, ready to transfer. Mounts
 * inside it (in the input at "/") are left out, as they are not its content, unless `withMounts`.
 */
export function snapshot(node: Node, { withMounts = false } = {}): FileTree {
  if (node instanceof FileNode) return file(node.contents());
  if (node instanceof SymlinkNode) return { kind: 'symlink', target: node.target };
  const tree = directory();
  for (const [name, child] of (node as DirNode).entries) {
    if (withMounts || !child.mountPoint) setEntry(tree, name, snapshot(child, { withMounts }));
  }
  return tree;
}
