import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FileTree } from '../mounts/tree.js';
import { readHostTree, writeHostTree } from './host-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brine-host-files-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const text = (value: string): FileTree => ({ kind: 'file', data: new TextEncoder().encode(value) });

it('reads a tree of more files than it reads at once, every file and link in name order', async () => {
  const entries: Record<string, FileTree> = {};
  for (let i = 99; i >= 0; i--) entries[`f${String(i).padStart(2, '0')}`] = text(`file ${i}`);
  const tree: FileTree = {
    kind: 'directory',
    entries: {
      ...entries,
      deep: { kind: 'directory', entries: { a: { kind: 'directory', entries: { b: text('deep') } } } },
      link: { kind: 'symlink', target: 'f00' },
    },
  };
  await writeHostTree(join(dir, 'tree'), tree);
  const read = await readHostTree(join(dir, 'tree'));
  expect(read).toEqual(tree);
  expect(Object.keys((read as { entries: object }).entries)).toEqual(
    Object.keys(entries).sort().concat('deep', 'link').sort(),
  );
});

it('keeps a file named __proto__ as an entry of its own', async () => {
  await mkdir(join(dir, 'proto'));
  await writeFile(join(dir, 'proto', '__proto__'), 'x');
  await symlink('__proto__', join(dir, 'proto', 'to'));
  const read = (await readHostTree(join(dir, 'proto'))) as { entries: Record<string, FileTree> };
  expect(Object.getPrototypeOf(read.entries)).toBe(Object.prototype);
  expect(Object.keys(read.entries)).toEqual(['__proto__', 'to']);
});
