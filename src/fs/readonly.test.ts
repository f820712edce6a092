import { wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { MountTable } from '../mounts/mount-table.js';
import { directory, type FileTree, file } from '../mounts/tree.js';
import { buildRoot, nodeAt, snapshot } from './build.js';
import { type DirFd, type FileFd, PreopenFd } from './fds.js';
import { type DirNode, type FileNode, FsContext, type Node } from './nodes.js';

const R = BigInt(wasi.RIGHTS_FD_READ | wasi.RIGHTS_FD_READDIR);
const W = BigInt(wasi.RIGHTS_FD_WRITE);
const FOLLOW = 1;
const ROFS = wasi.ERRNO_ROFS;
const TIMES = wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function inputTree(): FileTree {
  return directory({
    'a.txt': file('alpha'),
    sub: directory({ 'b.txt': file('beta'), empty: directory() }),
    link: { kind: 'symlink', target: 'a.txt' },
  });
}

/** Inputs at /inputs/data (read-only) and /rw (writable), output at /outputs/result. */
function setup() {
  let t = 0n;
  const ctx = new FsContext(() => ++t, 1 << 20);
  const table = new MountTable();
  const input = inputTree();
  table.addInput('/inputs/data', input, false);
  table.addInput('/rw', inputTree(), true);
  table.addOutput('outputs/result');
  const { root } = buildRoot(ctx, table.mounts);
  return { ctx, root, input, dir: new PreopenFd(root, '/'), before: snapshot(root, { withMounts: true }) };
}

function openFd(dir: DirFd, path: string, rights: bigint, oflags = 0, follow = true) {
  return dir.path_open(follow ? FOLLOW : 0, path, oflags, rights, 0n, 0);
}

/**
 * Every mutation of the tree at `base` (a path from the root). The fd-level ones use an fd on
 * a.txt opened with `fdRights` (only R is possible on a read-only file).
 */
function mutations(dir: DirFd, base: string, other: DirFd, otherBase: string, fdRights: bigint) {
  const p = (name: string) => `${base}/${name}`;
  const lookupA = () => dir.path_lookup(p('a.txt'), 0).inode_obj as Node;
  const readable = () => openFd(dir, p('a.txt'), fdRights).fd_obj as FileFd;
  const dirFd = () => openFd(dir, p('sub'), R, wasi.OFLAGS_DIRECTORY).fd_obj as DirFd;
  return {
    'open for write': () => openFd(dir, p('a.txt'), W).ret,
    'open read+write': () => openFd(dir, p('a.txt'), R | W).ret,
    'open O_TRUNC': () => openFd(dir, p('a.txt'), R, wasi.OFLAGS_TRUNC).ret,
    'open O_TRUNC through symlink': () => openFd(dir, p('link'), R, wasi.OFLAGS_TRUNC).ret,
    'create file': () => openFd(dir, p('new.txt'), R | W, wasi.OFLAGS_CREAT).ret,
    'create file in subdir': () => openFd(dir, p('sub/new.txt'), R | W, wasi.OFLAGS_CREAT).ret,
    mkdir: () => dir.path_create_directory(p('newdir')),
    'mkdir in subdir': () => dir.path_create_directory(p('sub/empty/deeper')),
    unlink: () => dir.path_unlink_file(p('a.txt')),
    'unlink symlink': () => dir.path_unlink_file(p('link')),
    rmdir: () => dir.path_remove_directory(p('sub/empty')),
    'rmdir non-empty': () => dir.path_remove_directory(p('sub')),
    'rename within': () => dir.rename(p('a.txt'), dir, p('renamed.txt')),
    'rename dir within': () => dir.rename(p('sub'), dir, p('sub2')),
    'rename out': () => dir.rename(p('a.txt'), other, `${otherBase}/moved.txt`),
    'rename in': () => other.rename(`${otherBase}/donor.txt`, dir, p('donated.txt')),
    'rename over': () => other.rename(`${otherBase}/donor.txt`, dir, p('a.txt')),
    'link within': () => dir.path_link(p('a2.txt'), lookupA()),
    'link into': () =>
      dir.path_link(p('donated.txt'), other.path_lookup(`${otherBase}/donor.txt`, 0).inode_obj as Node),
    'link out': () => other.path_link(`${otherBase}/linked.txt`, lookupA()),
    'symlink into': () => dir.symlink('a.txt', p('newlink')),
    'set_size via fd': () => readable().fd_filestat_set_size(0n),
    'allocate via fd': () => readable().fd_allocate(0n, 100n),
    'write via fd': () => readable().fd_write(enc('x')).ret,
    'pwrite via fd': () => readable().fd_pwrite(enc('x'), 0n).ret,
    'set_times via fd': () => readable().fd_filestat_set_times(1n, 2n, TIMES),
    'set_times now via fd': () => readable().fd_filestat_set_times(0n, 0n, wasi.FSTFLAGS_MTIM_NOW),
    'set_times via path': () => dir.path_filestat_set_times(0, p('a.txt'), 1n, 2n, TIMES),
    'set_times via path on symlink': () => dir.path_filestat_set_times(0, p('link'), 1n, 2n, TIMES),
    'set_times via path following symlink': () => dir.path_filestat_set_times(FOLLOW, p('link'), 1n, 2n, TIMES),
    'set_times on dir fd': () => dirFd().fd_filestat_set_times(1n, 2n, TIMES),
    'set_times on dir path': () => dir.path_filestat_set_times(0, p('sub'), 1n, 2n, TIMES),
  };
}

function prepareDonor(dir: DirFd) {
  const { fd_obj } = openFd(dir, 'outputs/result/donor.txt', R | W, wasi.OFLAGS_CREAT);
  (fd_obj as FileFd).fd_write(enc('donor'));
  (fd_obj as FileFd).fd_close();
}

describe('read-only inputs', () => {
  it('refuse every mutation, with ERRNO_ROFS or, for writes through a read-only fd, EBADF', () => {
    const { dir, root, input } = setup();
    prepareDonor(dir);
    const before = snapshot(nodeAt(root, 'inputs/data')!);
    const timesBefore = (nodeAt(root, 'inputs/data/a.txt') as FileNode).stat();
    const results = Object.fromEntries(
      Object.entries(mutations(dir, 'inputs/data', dir, 'outputs/result', R)).map(([name, run]) => [name, run()]),
    );
    const expected = Object.fromEntries(Object.keys(results).map((name) => [name, ROFS]));
    // The fd was opened for reading only (a read-only file cannot be opened otherwise).
    expected['write via fd'] = wasi.ERRNO_BADF;
    expected['pwrite via fd'] = wasi.ERRNO_BADF;
    expect(results).toEqual(expected);
    // Nothing changed: not the tree, not the caller's buffers, not the times.
    expect(snapshot(nodeAt(root, 'inputs/data')!)).toEqual(before);
    expect(before).toEqual(inputTree());
    expect(input).toEqual(inputTree());
    const timesAfter = (nodeAt(root, 'inputs/data/a.txt') as FileNode).stat();
    expect([timesAfter.atim, timesAfter.mtim, timesAfter.ctim]).toEqual([
      timesBefore.atim,
      timesBefore.mtim,
      timesBefore.ctim,
    ]);
    expect(snapshot(nodeAt(root, 'outputs/result')!)).toEqual(directory({ 'donor.txt': file('donor') }));
  });

  it('can still be read, listed and stat-ed', () => {
    const { dir } = setup();
    const fd = openFd(dir, 'inputs/data/link', R).fd_obj as FileFd;
    expect(dec(fd.fd_read(100).data)).toBe('alpha');
    expect(dir.path_readlink('inputs/data/link')).toEqual({ ret: 0, data: 'a.txt' });
    const sub = openFd(dir, 'inputs/data/sub', R, wasi.OFLAGS_DIRECTORY).fd_obj as DirFd;
    const names: string[] = [];
    for (let cookie = 0n; ; ) {
      const { dirent } = sub.fd_readdir_single(cookie);
      if (dirent === null) break;
      names.push(dec(dirent.dir_name));
      cookie = dirent.d_next;
    }
    expect(names).toEqual(['.', '..', 'b.txt', 'empty']);
    expect(dir.path_filestat_get(0, 'inputs/data/sub/b.txt').filestat!.size).toBe(4n);
    // Harmless opens that ask for nothing mutating work: O_CREAT on an existing file, directories.
    expect(openFd(dir, 'inputs/data/a.txt', R, wasi.OFLAGS_CREAT).ret).toBe(0);
    expect(openFd(dir, 'inputs/data/a.txt', R, wasi.OFLAGS_CREAT | wasi.OFLAGS_EXCL).ret).toBe(wasi.ERRNO_EXIST);
  });

  it('the virtual root and intermediate directories are read-only too', () => {
    const { dir, root } = setup();
    const before = snapshot(root, { withMounts: true });
    expect(dir.path_create_directory('newdir')).toBe(ROFS);
    expect(openFd(dir, 'new.txt', R | W, wasi.OFLAGS_CREAT).ret).toBe(ROFS);
    expect(openFd(dir, 'inputs/new.txt', R | W, wasi.OFLAGS_CREAT).ret).toBe(ROFS);
    expect(dir.path_create_directory('outputs/other')).toBe(ROFS);
    expect(dir.symlink('inputs', 'l')).toBe(ROFS);
    expect(dir.path_remove_directory('outputs/result')).toBe(ROFS);
    expect(dir.path_remove_directory('inputs')).toBe(ROFS);
    expect(dir.rename('inputs', dir, 'moved')).toBe(ROFS);
    expect(dir.rename('outputs/result', dir, 'outputs/elsewhere')).toBe(ROFS);
    expect(dir.rename('rw', dir, 'inputs/rw')).toBe(ROFS);
    expect(dir.path_filestat_set_times(0, 'inputs', 1n, 2n, TIMES)).toBe(ROFS);
    expect(dir.fd_filestat_set_times(1n, 2n, TIMES)).toBe(ROFS);
    const rwFile = dir.path_lookup('rw/a.txt', 0).inode_obj as Node;
    expect(dir.path_link('inputs/hard', rwFile)).toBe(ROFS);
    expect(dir.path_link('hard', rwFile)).toBe(ROFS);
    expect(snapshot(root, { withMounts: true })).toEqual(before);
  });

  it('buildRoot links mounts below read-only virtual directories', () => {
    const { root } = setup();
    expect(root.readonly).toBe(true);
    expect([...root.entries.keys()]).toEqual(['inputs', 'rw', 'outputs']);
    const inputs = root.entries.get('inputs') as DirNode;
    expect(inputs.readonly).toBe(true);
    expect(inputs.parent).toBe(root);
    expect((nodeAt(root, 'inputs/data') as DirNode).readonly).toBe(true);
    expect((nodeAt(root, 'inputs/data/sub/b.txt') as FileNode).readonly).toBe(true);
    expect((nodeAt(root, 'rw/sub/b.txt') as FileNode).readonly).toBe(false);
    expect((nodeAt(root, 'outputs/result') as DirNode).readonly).toBe(false);
    expect(nodeAt(root, 'outputs/nothing')).toBeUndefined();
  });
});

describe('writable mounts', () => {
  it('an output mount allows every mutation', () => {
    const { dir, root } = setup();
    // Give the output the same shape as the input so the same mutations apply.
    const out = 'outputs/result';
    expect(dir.path_create_directory(`${out}/sub`)).toBe(0);
    expect(dir.path_create_directory(`${out}/sub/empty`)).toBe(0);
    for (const [name, text] of [
      ['a.txt', 'alpha'],
      ['sub/b.txt', 'beta'],
      ['donor.txt', 'donor'],
    ] as const) {
      const fd = openFd(dir, `${out}/${name}`, R | W, wasi.OFLAGS_CREAT).fd_obj as FileFd;
      fd.fd_write(enc(text));
      fd.fd_close();
    }
    expect(dir.symlink('a.txt', `${out}/link`)).toBe(0);
    const results: Record<string, number> = {};
    for (const [name, run] of Object.entries(mutations(dir, out, dir, out, R | W))) {
      // The removals and renames would undo each other's preconditions: they run below.
      if (name.startsWith('rename') || name.startsWith('unlink') || name.startsWith('rmdir')) continue;
      results[name] = run();
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((name) => [name, wasi.ERRNO_SUCCESS])));
    expect(Object.keys(results)).toHaveLength(23);
    expect(dir.path_unlink_file(`${out}/link`)).toBe(0);
    expect(dir.rename(`${out}/a.txt`, dir, `${out}/renamed.txt`)).toBe(0);
    expect(dir.rename(`${out}/sub`, dir, `${out}/sub2`)).toBe(0);
    expect(dir.path_remove_directory(`${out}/sub2/empty`)).toBe(wasi.ERRNO_NOTEMPTY);
    expect(dir.path_remove_directory(`${out}/sub2/empty/deeper`)).toBe(0);
    expect(dir.path_remove_directory(`${out}/sub2/empty`)).toBe(0);
    // Moving between two writable mounts works too.
    expect(dir.rename(`${out}/donor.txt`, dir, 'rw/from-output.txt')).toBe(0);
    expect(dir.rename('rw/a.txt', dir, `${out}/from-rw.txt`)).toBe(0);
    const tree = snapshot(nodeAt(root, out)!);
    expect(Object.keys((tree as { entries: object }).entries).sort()).toEqual(
      [
        'a2.txt',
        'donated.txt',
        'from-rw.txt',
        'linked.txt',
        'new.txt',
        'newdir',
        'newlink',
        'renamed.txt',
        'sub2',
      ].sort(),
    );
    expect(snapshot(nodeAt(root, 'rw/from-output.txt')!)).toEqual(file('donor'));
  });

  it('a writable (ReadWrite) input accepts writes without touching the source tree', () => {
    const { dir, root } = setup();
    const fd = openFd(dir, 'rw/a.txt', R | W, wasi.OFLAGS_TRUNC).fd_obj as FileFd;
    expect(fd.fd_write(enc('changed')).ret).toBe(0);
    expect(dir.path_unlink_file('rw/sub/b.txt')).toBe(0);
    expect(snapshot(nodeAt(root, 'rw')!)).toEqual(
      directory({
        'a.txt': file('changed'),
        sub: directory({ empty: directory() }),
        link: { kind: 'symlink', target: 'a.txt' },
      }),
    );
  });

  it('a preopen of a mount sees only that mount', () => {
    const { root } = setup();
    const out = new PreopenFd(nodeAt(root, 'outputs/result') as DirNode, '/outputs/result');
    expect(out.fd_prestat_get().ret).toBe(0);
    expect(out.path_create_directory('x')).toBe(0);
    expect(out.path_filestat_get(0, '..').ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(out.path_open(0, '../../inputs/data/a.txt', 0, R, 0n, 0).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(out.node).toBeInstanceOf(Object);
    expect(nodeAt(root, 'outputs/result/x')).toBeDefined();
  });
});

describe('an input mounted at /', () => {
  /** A writable root input holding "data" (with "in" below it) and "outputs", plus mounts at data/in, deep/er and outputs. */
  function rootSetup(writable: boolean) {
    const ctx = new FsContext(() => 0n, 1 << 20);
    const table = new MountTable();
    table.addInput(
      '/',
      directory({
        'top.txt': file('top'),
        data: directory({ 'own.txt': file('own'), in: file('hidden') }),
        outputs: directory({ 'old.txt': file('hidden') }),
      }),
      writable,
    );
    table.addInput('data/in', inputTree(), false);
    table.addInput('deep/er', file('er'), false);
    table.addOutput('outputs');
    const { root, nodes } = buildRoot(ctx, table.mounts);
    return { root, nodes, dir: new PreopenFd(root, '/') };
  }

  it('is the root, with each mount in place of what it held there', () => {
    const { root, nodes } = rootSetup(false);
    expect(nodes[0]).toBe(root);
    expect(root.readonly).toBe(true);
    expect(snapshot(root, { withMounts: true })).toEqual(
      directory({
        'top.txt': file('top'),
        data: directory({ 'own.txt': file('own'), in: inputTree() }),
        deep: directory({ er: file('er') }),
        outputs: directory(),
      }),
    );
    expect(nodes.slice(1)).toEqual([nodeAt(root, 'data/in'), nodeAt(root, 'deep/er'), nodeAt(root, 'outputs')]);
    expect((nodeAt(root, 'deep') as DirNode).readonly).toBe(true);
  });

  it('writable: takes changes around the mounts, which cannot be removed or replaced (EBUSY), and comes back without them', () => {
    const { root, nodes, dir } = rootSetup(true);
    const fd = openFd(dir, 'new.txt', R | W, wasi.OFLAGS_CREAT).fd_obj as FileFd;
    expect(fd.fd_write(enc('new')).ret).toBe(0);
    expect(dir.path_create_directory('data/made')).toBe(0);
    expect(dir.path_create_directory('deep/not-here')).toBe(ROFS); // a directory made to hold a mount
    expect(dir.path_unlink_file('deep/er')).toBe(ROFS);
    expect(dir.path_unlink_file('data/in/a.txt')).toBe(ROFS); // inside a read-only mount
    expect(dir.path_remove_directory('outputs')).toBe(wasi.ERRNO_BUSY);
    expect(dir.path_remove_directory('deep')).toBe(wasi.ERRNO_BUSY);
    expect(dir.path_remove_directory('data/in')).toBe(wasi.ERRNO_BUSY);
    expect(dir.rename('outputs', dir, 'elsewhere')).toBe(wasi.ERRNO_BUSY);
    expect(dir.rename('top.txt', dir, 'outputs')).toBe(wasi.ERRNO_BUSY);
    expect(dir.path_unlink_file('top.txt')).toBe(0);
    // A directory holding a mount moves with it; the mount's own node is what comes back.
    expect(dir.rename('data', dir, 'moved')).toBe(0);
    expect(nodeAt(root, 'moved/in')).toBe(nodes[1]);
    const out = openFd(dir, 'outputs/result.txt', R | W, wasi.OFLAGS_CREAT).fd_obj as FileFd;
    expect(out.fd_write(enc('result')).ret).toBe(0);
    expect(snapshot(root)).toEqual(
      directory({ 'new.txt': file('new'), moved: directory({ 'own.txt': file('own'), made: directory() }) }),
    );
    expect(snapshot(nodes[3]!)).toEqual(directory({ 'result.txt': file('result') }));
  });
});
