import { describe, expect, it } from 'vitest';
import { countFiles, listFiles, treeFromFiles, treeSize } from './tree.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('treeFromFiles', () => {
  it('builds directories from relative paths, dropping empty, "." and ".." components', () => {
    const tree = treeFromFiles([
      { path: 'a/b.txt', data: enc('b') },
      { path: './a/../c.txt', data: enc('c') },
      { path: 'a\\d.txt', data: enc('d') },
      { path: '/', data: enc('nameless') },
    ]);
    expect(listFiles(tree).map((f) => f.path)).toEqual(['a/b.txt', 'a/c.txt', 'a/d.txt']);
    expect([treeSize(tree), countFiles(tree)]).toEqual([3, 3]);
  });

  it('keeps untrusted names such as __proto__ as ordinary entries', () => {
    const tree = treeFromFiles([
      { path: '__proto__/x.txt', data: enc('x') },
      { path: 'constructor', data: enc('c') },
    ]);
    expect(listFiles(tree).map((f) => f.path)).toEqual(['__proto__/x.txt', 'constructor']);
    expect(Object.getPrototypeOf(tree.entries)).toBe(Object.prototype);
  });
});
