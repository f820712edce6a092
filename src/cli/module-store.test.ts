import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { moduleStore } from './module-store.js';

let dir: string;
const realTmp = process.env.TMPDIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brine-module-store-'));
  process.env.TMPDIR = dir;
});
afterAll(async () => {
  if (realTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = realTmp;
  await rm(dir, { recursive: true, force: true });
});

const hooks = {
  module: 'brine:memory',
  memories: [{ module: 'brine:memory', name: 'memory0', provided: true, minimum: 1, maximum: 10, shared: false }],
};

it('gives back what it kept, across stores of the same build; another build starts empty', async () => {
  const store = moduleStore('build-a');
  await store.set('abc:100', { kind: 'rewritten', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 2, 3]), hooks });
  await store.set('def:100', { kind: 'unobservable', reason: 'a 64-bit memory' });
  const again = moduleStore('build-a');
  expect(await again.get('abc:100')).toEqual({
    kind: 'rewritten',
    bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 2, 3]),
    hooks,
  });
  expect(await again.get('def:100')).toEqual({ kind: 'unobservable', reason: 'a 64-bit memory' });
  expect(await again.get('other:100')).toBeUndefined();
  const next = moduleStore('build-b');
  expect(await next.get('abc:100')).toBeUndefined();
  expect(await readdir(join(dir, `brine-modules-${process.getuid!()}`))).toEqual(['build-b']);
});

it('keeps nothing where others could write', async () => {
  const root = join(dir, `brine-modules-${process.getuid!()}`);
  await mkdir(root, { recursive: true });
  await chmod(root, 0o777);
  const open = moduleStore('build-c');
  await open.set('abc:100', { kind: 'unchanged' });
  expect(await open.get('abc:100')).toBeUndefined();
  await chmod(root, 0o700);
  const own = moduleStore('build-c');
  await own.set('abc:100', { kind: 'unchanged' });
  expect(await own.get('abc:100')).toEqual({ kind: 'unchanged' });
});
