import type { Mount } from '../mounts/mount-table.js';
import type { FileTree } from '../mounts/tree.js';
import { DirNode, FileNode, type FsContext, type Node, SymlinkNode } from './nodes.js';

/** Builds the root directory: read-only virtual directories with each mount attached at its target. */
export function buildRoot(ctx: FsContext, mounts: readonly Mount[]): DirNode {
  const root = new DirNode(ctx, true);
  root.nlink = 1n;
  for (const mount of mounts) {
    const parts = mount.target.split('/');
    const name = parts.pop()!;
    let dir = root;
    for (const part of parts) {
      let next = dir.entries.get(part);
      if (!(next instanceof DirNode)) {
        next = new DirNode(ctx, true);
        dir.link(part, next);
      }
      dir = next as DirNode;
    }
    const node = toNode(ctx, mount.tree, !mount.writable);
    if (mount.role === 'output' && node instanceof DirNode) node.output = mount.target;
    dir.link(name, node);
  }
  return root;
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

/** The node at a normalised mount target (see buildRoot). */
export function nodeAt(root: DirNode, target: string): Node | undefined {
  let node: Node | undefined = root;
  for (const part of target.split('/')) {
    node = node instanceof DirNode ? node.entries.get(part) : undefined;
  }
  return node;
}

/** A node as plain data at the end of a run: file bytes at exact size, ready to transfer. */
export function snapshot(node: Node): FileTree {
  if (node instanceof FileNode) return { kind: 'file', data: node.contents() };
  if (node instanceof SymlinkNode) return { kind: 'symlink', target: node.target };
  const entries: { [name: string]: FileTree } = {};
  for (const [name, child] of (node as DirNode).entries) entries[name] = snapshot(child);
  return { kind: 'directory', entries };
}
