import { wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { DirFd, FileFd, PreopenFd } from './fds.js';
import { DirNode, FileNode, FsContext, SymlinkNode } from './nodes.js';
import { walk } from './walk.js';

const R = BigInt(wasi.RIGHTS_FD_READ | wasi.RIGHTS_FD_READDIR);
const W = BigInt(wasi.RIGHTS_FD_WRITE);
const RW = R | W;
const FOLLOW = 1;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup(now?: () => bigint) {
  let t = 1_000n;
  const ctx = new FsContext(now ?? (() => (t += 10n)), 1 << 30);
  const root = new DirNode(ctx, false);
  root.nlink = 1n;
  return { ctx, root, dir: new PreopenFd(root, '/') };
}

interface OpenOptions {
  oflags?: number;
  rights?: bigint;
  fdflags?: number;
  follow?: boolean;
}

function open(dir: DirFd, path: string, { oflags = 0, rights = RW, fdflags = 0, follow = true }: OpenOptions = {}) {
  return dir.path_open(follow ? FOLLOW : 0, path, oflags, rights, 0n, fdflags);
}

function openFile(dir: DirFd, path: string, options: OpenOptions = {}): FileFd {
  const { ret, fd_obj } = open(dir, path, options);
  expect(ret).toBe(wasi.ERRNO_SUCCESS);
  expect(fd_obj).toBeInstanceOf(FileFd);
  return fd_obj as FileFd;
}

function openDir(dir: DirFd, path: string): DirFd {
  const { ret, fd_obj } = open(dir, path, { oflags: wasi.OFLAGS_DIRECTORY, rights: R });
  expect(ret).toBe(wasi.ERRNO_SUCCESS);
  expect(fd_obj).toBeInstanceOf(DirFd);
  return fd_obj as DirFd;
}

/** Creates (or truncates) and writes a file; returns the still open fd. */
function createFile(dir: DirFd, path: string, text: string): FileFd {
  const fd = openFile(dir, path, { oflags: wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC });
  expect(fd.fd_write(enc(text))).toEqual({ ret: 0, nwritten: enc(text).byteLength });
  return fd;
}

function writeFile(dir: DirFd, path: string, text: string): void {
  expect(createFile(dir, path, text).fd_close()).toBe(0);
}

function readFile(dir: DirFd, path: string): string {
  const fd = openFile(dir, path, { rights: R });
  const { ret, data } = fd.fd_read(1 << 20);
  expect(ret).toBe(wasi.ERRNO_SUCCESS);
  fd.fd_close();
  return dec(data);
}

function stat(dir: DirFd, path: string, follow = true) {
  const { ret, filestat } = dir.path_filestat_get(follow ? FOLLOW : 0, path);
  expect(ret).toBe(wasi.ERRNO_SUCCESS);
  return filestat!;
}

const exists = (dir: DirFd, path: string) => dir.path_filestat_get(0, path).ret === wasi.ERRNO_SUCCESS;

/** fd_readdir as wasi-libc drives it: one cookie after another until the end. */
function readdirFrom(dir: DirFd, cookie: bigint, max = Infinity) {
  const out: { name: string; next: bigint; ino: bigint; type: number }[] = [];
  while (out.length < max) {
    const { ret, dirent } = dir.fd_readdir_single(cookie);
    expect(ret).toBe(wasi.ERRNO_SUCCESS);
    if (dirent === null) break;
    out.push({ name: dec(dirent.dir_name), next: dirent.d_next, ino: dirent.d_ino, type: dirent.d_type });
    cookie = dirent.d_next;
  }
  return out;
}
const names = (dir: DirFd) => readdirFrom(dir, 0n).map((e) => e.name);

describe('files: read, write, seek', () => {
  it('creates, writes, reads back and seeks', () => {
    const { dir } = setup();
    const fd = createFile(dir, 'f.txt', 'hello world');
    expect(fd.fd_tell()).toEqual({ ret: 0, offset: 11n });
    expect(fd.fd_seek(0n, wasi.WHENCE_SET)).toEqual({ ret: 0, offset: 0n });
    expect(dec(fd.fd_read(5).data)).toBe('hello');
    expect(fd.fd_seek(1n, wasi.WHENCE_CUR)).toEqual({ ret: 0, offset: 6n });
    expect(dec(fd.fd_read(100).data)).toBe('world');
    expect(fd.fd_read(100).data.byteLength).toBe(0);
    expect(fd.fd_seek(-5n, wasi.WHENCE_END)).toEqual({ ret: 0, offset: 6n });
    expect(fd.fd_write(enc('WORLD!')).nwritten).toBe(6);
    expect(readFile(dir, 'f.txt')).toBe('hello WORLD!');
    expect(fd.fd_seek(-1n, wasi.WHENCE_SET).ret).toBe(wasi.ERRNO_INVAL);
    expect(fd.fd_seek(0n, 7).ret).toBe(wasi.ERRNO_INVAL);
    expect(stat(dir, 'f.txt').size).toBe(12n);
    expect(stat(dir, 'f.txt').filetype).toBe(wasi.FILETYPE_REGULAR_FILE);
  });

  it('writing past the end after a seek fills the gap with zeros', () => {
    const { dir } = setup();
    const fd = createFile(dir, 'f', 'ab');
    fd.fd_seek(5n, wasi.WHENCE_SET);
    fd.fd_write(enc('z'));
    expect([...fd.fd_pread(10, 0n).data]).toEqual([97, 98, 0, 0, 0, 122]);
  });

  it('FDFLAGS_APPEND writes at the end even after a seek', () => {
    const { dir } = setup();
    writeFile(dir, 'log', 'one\n');
    const fd = openFile(dir, 'log', { fdflags: wasi.FDFLAGS_APPEND });
    expect(fd.fd_seek(0n, wasi.WHENCE_SET).offset).toBe(0n);
    fd.fd_write(enc('two\n'));
    expect(fd.fd_tell().offset).toBe(8n);
    fd.fd_seek(1n, wasi.WHENCE_SET);
    fd.fd_write(enc('three\n'));
    expect(readFile(dir, 'log')).toBe('one\ntwo\nthree\n');
    // Another fd appending after the first wrote still lands at the (new) end.
    const other = openFile(dir, 'log', { fdflags: wasi.FDFLAGS_APPEND });
    fd.fd_write(enc('four\n'));
    other.fd_write(enc('five\n'));
    expect(readFile(dir, 'log')).toBe('one\ntwo\nthree\nfour\nfive\n');
    expect(fd.fd_fdstat_get().fdstat!.fs_flags).toBe(wasi.FDFLAGS_APPEND);
    // Clearing the flag makes writes positional again.
    fd.fd_fdstat_set_flags(0);
    fd.fd_seek(0n, wasi.WHENCE_SET);
    fd.fd_write(enc('ONE'));
    expect(readFile(dir, 'log').startsWith('ONE\ntwo')).toBe(true);
  });

  it('pread and pwrite leave the position alone; pwrite past the end zero-fills', () => {
    const { dir } = setup();
    const fd = createFile(dir, 'f', '0123456789');
    fd.fd_seek(2n, wasi.WHENCE_SET);
    expect(dec(fd.fd_pread(3, 5n).data)).toBe('567');
    expect(fd.fd_pread(3, 50n).data.byteLength).toBe(0);
    expect(fd.fd_pwrite(enc('AB'), 0n)).toEqual({ ret: 0, nwritten: 2 });
    expect(fd.fd_pwrite(enc('X'), 12n)).toEqual({ ret: 0, nwritten: 1 });
    expect(fd.fd_tell().offset).toBe(2n);
    expect(dec(fd.fd_read(2).data)).toBe('23');
    expect([...fd.fd_pread(100, 8n).data]).toEqual([56, 57, 0, 0, 88]);
  });

  it('truncating shrinks, and extending again reads zeros (not the old bytes)', () => {
    const { dir } = setup();
    const fd = createFile(dir, 'f', 'hello world');
    expect(fd.fd_filestat_set_size(5n)).toBe(0);
    expect(stat(dir, 'f').size).toBe(5n);
    expect(fd.fd_filestat_set_size(11n)).toBe(0);
    expect([...fd.fd_pread(20, 0n).data]).toEqual([...enc('hello'), 0, 0, 0, 0, 0, 0]);
    // fd_allocate extends too, never shrinks.
    expect(fd.fd_allocate(0n, 3n)).toBe(0);
    expect(stat(dir, 'f').size).toBe(11n);
    expect(fd.fd_allocate(10n, 6n)).toBe(0);
    expect(stat(dir, 'f').size).toBe(16n);
    expect([...fd.fd_pread(20, 11n).data]).toEqual([0, 0, 0, 0, 0]);
  });

  it('fds without the matching right fail with EBADF', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'data');
    const ro = openFile(dir, 'f', { rights: R });
    expect(ro.fd_write(enc('x'))).toEqual({ ret: wasi.ERRNO_BADF, nwritten: 0 });
    expect(ro.fd_pwrite(enc('x'), 0n).ret).toBe(wasi.ERRNO_BADF);
    expect(ro.fd_filestat_set_size(0n)).toBe(wasi.ERRNO_BADF);
    expect(ro.fd_allocate(0n, 100n)).toBe(wasi.ERRNO_BADF);
    const wo = openFile(dir, 'f', { rights: W });
    expect(wo.fd_read(10).ret).toBe(wasi.ERRNO_BADF);
    expect(wo.fd_pread(10, 0n).ret).toBe(wasi.ERRNO_BADF);
    expect(readFile(dir, 'f')).toBe('data');
    // No read right: no reading, whatever else the fd may do.
    expect(openFile(dir, 'f', { rights: 0n }).fd_read(10).ret).toBe(wasi.ERRNO_BADF);
  });
});

describe('path_open flags', () => {
  it('O_CREAT creates, a missing file without it is ENOENT', () => {
    const { dir } = setup();
    expect(open(dir, 'new').ret).toBe(wasi.ERRNO_NOENT);
    expect(exists(dir, 'new')).toBe(false);
    openFile(dir, 'new', { oflags: wasi.OFLAGS_CREAT });
    expect(stat(dir, 'new').size).toBe(0n);
    expect(open(dir, 'missing/new', { oflags: wasi.OFLAGS_CREAT }).ret).toBe(wasi.ERRNO_NOENT);
  });

  it('O_TRUNC empties an existing file; O_CREAT alone keeps it', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'content');
    openFile(dir, 'f', { oflags: wasi.OFLAGS_CREAT });
    expect(readFile(dir, 'f')).toBe('content');
    openFile(dir, 'f', { oflags: wasi.OFLAGS_TRUNC });
    expect(stat(dir, 'f').size).toBe(0n);
  });

  it('O_CREAT|O_EXCL fails with EEXIST on anything that exists, including a dangling symlink', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'content');
    dir.path_create_directory('d');
    dir.symlink('nowhere', 'dangling');
    const excl = wasi.OFLAGS_CREAT | wasi.OFLAGS_EXCL;
    expect(open(dir, 'f', { oflags: excl }).ret).toBe(wasi.ERRNO_EXIST);
    expect(open(dir, 'd', { oflags: excl, rights: R }).ret).toBe(wasi.ERRNO_EXIST);
    expect(open(dir, 'dangling', { oflags: excl, follow: false }).ret).toBe(wasi.ERRNO_EXIST);
    expect(exists(dir, 'nowhere')).toBe(false);
    expect(readFile(dir, 'f')).toBe('content');
    openFile(dir, 'g', { oflags: excl });
    expect(exists(dir, 'g')).toBe(true);
  });

  it('O_DIRECTORY opens directories only', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.path_create_directory('d');
    expect(open(dir, 'f', { oflags: wasi.OFLAGS_DIRECTORY, rights: R }).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(open(dir, 'd', { oflags: wasi.OFLAGS_DIRECTORY, rights: R }).fd_obj).toBeInstanceOf(DirFd);
    expect(open(dir, 'd', { rights: R }).fd_obj).toBeInstanceOf(DirFd);
    // O_CREAT|O_DIRECTORY never makes a directory (nor a file).
    expect(open(dir, 'nd', { oflags: wasi.OFLAGS_CREAT | wasi.OFLAGS_DIRECTORY, rights: R }).ret).toBe(
      wasi.ERRNO_ISDIR,
    );
    expect(exists(dir, 'nd')).toBe(false);
  });

  it('opening a directory with the write right or O_TRUNC is EISDIR', () => {
    const { dir } = setup();
    dir.path_create_directory('d');
    expect(open(dir, 'd', { rights: RW }).ret).toBe(wasi.ERRNO_ISDIR);
    expect(open(dir, 'd', { rights: W, oflags: wasi.OFLAGS_DIRECTORY }).ret).toBe(wasi.ERRNO_ISDIR);
    expect(open(dir, 'd', { rights: R, oflags: wasi.OFLAGS_TRUNC }).ret).toBe(wasi.ERRNO_ISDIR);
    expect(open(dir, '.', { rights: RW }).ret).toBe(wasi.ERRNO_ISDIR);
  });

  it('a trailing slash must name a directory', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.path_create_directory('d');
    expect(open(dir, 'f/', { rights: R }).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_filestat_get(0, 'f/').ret).toBe(wasi.ERRNO_NOTDIR);
    expect(open(dir, 'd/', { rights: R }).fd_obj).toBeInstanceOf(DirFd);
    expect(open(dir, 'd//', { rights: R }).fd_obj).toBeInstanceOf(DirFd);
    expect(open(dir, 'new/', { oflags: wasi.OFLAGS_CREAT }).ret).toBe(wasi.ERRNO_ISDIR);
    expect(exists(dir, 'new')).toBe(false);
  });

  it('a trailing "." or ".." after a file is ENOTDIR', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    expect(open(dir, 'f/..', { rights: R }).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(open(dir, 'f/.', { rights: R }).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_filestat_get(0, 'f/.').ret).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_unlink_file('f/.')).toBe(wasi.ERRNO_NOTDIR);
    expect(readFile(dir, 'f')).toBe('x');
  });

  it('the empty path and NUL bytes are refused', () => {
    const { dir } = setup();
    expect(open(dir, '').ret).toBe(wasi.ERRNO_NOENT);
    expect(open(dir, 'a\0b', { oflags: wasi.OFLAGS_CREAT }).ret).toBe(wasi.ERRNO_INVAL);
  });
});

describe('path resolution stays inside the directory fd', () => {
  it('".." within the base is fine, above it is ENOTCAPABLE, absolute paths are ENOTCAPABLE', () => {
    const { dir } = setup();
    dir.path_create_directory('a');
    dir.path_create_directory('a/b');
    writeFile(dir, 'top', 'T');
    expect(readFile(dir, 'a/b/../../top')).toBe('T');
    expect(readFile(dir, './a/./b/../../top')).toBe('T');
    expect(stat(dir, 'a/b/..').ino).toBe(stat(dir, 'a').ino);
    expect(open(dir, '..', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(open(dir, 'a/../../top', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(open(dir, '/top', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(open(dir, '/', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(dir.path_create_directory('../x')).toBe(wasi.ERRNO_NOTCAPABLE);
  });

  it('a directory fd opened below the root cannot climb out of itself', () => {
    const { dir } = setup();
    dir.path_create_directory('a');
    writeFile(dir, 'secret', 's');
    const sub = openDir(dir, 'a');
    expect(open(sub, '../secret', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(sub.path_filestat_get(0, '..').ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(sub.path_filestat_get(0, '.').ret).toBe(wasi.ERRNO_SUCCESS);
  });

  it('walk reports parent and final name', () => {
    const { root, dir } = setup();
    dir.path_create_directory('a');
    const a = root.entries.get('a') as DirNode;
    expect(walk(root, 'a/new', 'nofollow')).toMatchObject({
      ret: 0,
      parent: a,
      name: 'new',
      node: null,
      trailingSlash: false,
    });
    expect(walk(root, 'a/', 'nofollow')).toMatchObject({
      ret: 0,
      parent: root,
      name: 'a',
      node: a,
      trailingSlash: true,
    });
    expect(walk(root, 'a/..', 'nofollow')).toMatchObject({ ret: 0, parent: null, node: root });
  });
});

describe('symlinks', () => {
  it('are followed when asked; without follow, opening one is ELOOP (ENOTDIR with O_DIRECTORY)', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'target data');
    dir.path_create_directory('d');
    expect(dir.symlink('f', 'lf')).toBe(0);
    expect(dir.symlink('d', 'ld')).toBe(0);
    expect(readFile(dir, 'lf')).toBe('target data');
    expect(open(dir, 'lf', { rights: R, follow: false }).ret).toBe(wasi.ERRNO_LOOP);
    expect(open(dir, 'ld', { rights: R, follow: false, oflags: wasi.OFLAGS_DIRECTORY }).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(open(dir, 'ld', { rights: R, follow: true, oflags: wasi.OFLAGS_DIRECTORY }).fd_obj).toBeInstanceOf(DirFd);
    // Intermediate symlinks are always followed.
    writeFile(dir, 'd/inner', 'in');
    expect(dec(openFile(dir, 'ld/inner', { rights: R, follow: false }).fd_read(10).data)).toBe('in');
    // A trailing slash follows the final symlink.
    expect(stat(dir, 'ld/', false).filetype).toBe(wasi.FILETYPE_DIRECTORY);
    expect(dir.path_filestat_get(0, 'lf/').ret).toBe(wasi.ERRNO_NOTDIR);
    // Writing through a followed link changes the target.
    const w = openFile(dir, 'lf', { oflags: wasi.OFLAGS_TRUNC });
    w.fd_write(enc('new'));
    w.fd_close();
    expect(readFile(dir, 'f')).toBe('new');
  });

  it('filestat with and without follow', () => {
    const { dir } = setup();
    writeFile(dir, 'f', '12345');
    dir.symlink('f', 'lf');
    const link = stat(dir, 'lf', false);
    expect(link.filetype).toBe(wasi.FILETYPE_SYMBOLIC_LINK);
    expect(link.size).toBe(1n);
    const target = stat(dir, 'lf', true);
    expect(target.filetype).toBe(wasi.FILETYPE_REGULAR_FILE);
    expect(target.size).toBe(5n);
    expect(target.ino).toBe(stat(dir, 'f').ino);
  });

  it('a dangling symlink: ENOENT to read, readlink works, O_CREAT creates the target', () => {
    const { dir } = setup();
    dir.symlink('missing', 'dangling');
    expect(open(dir, 'dangling', { rights: R }).ret).toBe(wasi.ERRNO_NOENT);
    expect(dir.path_filestat_get(FOLLOW, 'dangling').ret).toBe(wasi.ERRNO_NOENT);
    expect(stat(dir, 'dangling', false).filetype).toBe(wasi.FILETYPE_SYMBOLIC_LINK);
    expect(dir.path_readlink('dangling')).toEqual({ ret: 0, data: 'missing' });
    const fd = openFile(dir, 'dangling', { oflags: wasi.OFLAGS_CREAT });
    fd.fd_write(enc('made'));
    fd.fd_close();
    expect(readFile(dir, 'missing')).toBe('made');
    // Without follow, O_CREAT on the link itself does not replace it.
    expect(open(dir, 'dangling', { oflags: wasi.OFLAGS_CREAT, follow: false }).ret).toBe(wasi.ERRNO_LOOP);
    expect(dir.path_readlink('dangling').data).toBe('missing');
  });

  it('loops and chains longer than 40 hops are ELOOP', () => {
    const { dir } = setup();
    dir.symlink('b', 'a');
    dir.symlink('a', 'b');
    dir.symlink('self', 'self');
    expect(open(dir, 'a', { rights: R }).ret).toBe(wasi.ERRNO_LOOP);
    expect(open(dir, 'self', { rights: R }).ret).toBe(wasi.ERRNO_LOOP);
    expect(open(dir, 'a/x', { rights: R, follow: false }).ret).toBe(wasi.ERRNO_LOOP);
    // l0 -> l1 -> ... -> l40 -> file: 41 hops fail; from l1 it is 40 hops and works.
    writeFile(dir, 'file', 'end');
    for (let i = 0; i < 41; i++) dir.symlink(i === 40 ? 'file' : `l${i + 1}`, `l${i}`);
    expect(readFile(dir, 'l1')).toBe('end');
    expect(open(dir, 'l0', { rights: R }).ret).toBe(wasi.ERRNO_LOOP);
  });

  it('targets that are absolute or climb above the base are ENOTCAPABLE', () => {
    const { dir, ctx } = setup();
    writeFile(dir, 'f', 'x');
    dir.path_create_directory('d');
    // The guest cannot create an absolute link, but one can come with a mounted tree.
    expect(dir.symlink('/f', 'abs')).toBe(wasi.ERRNO_NOTCAPABLE);
    dir.node.link('abs', new SymlinkNode(ctx, false, '/f'));
    dir.symlink('../f', 'd/up');
    dir.symlink('../../f', 'd/escape');
    expect(open(dir, 'abs', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(readFile(dir, 'd/up')).toBe('x');
    expect(open(dir, 'd/escape', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    // Seen from a directory fd on d, even "../f" escapes.
    const d = openDir(dir, 'd');
    expect(open(d, 'up', { rights: R }).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    // The link itself can still be read.
    expect(dir.path_readlink('abs')).toEqual({ ret: 0, data: '/f' });
  });

  it('readlink: the target as written; EINVAL on a non-link; ENOENT when missing', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.symlink('some/where/../f', 'l');
    expect(dir.path_readlink('l')).toEqual({ ret: 0, data: 'some/where/../f' });
    expect(dir.path_readlink('f').ret).toBe(wasi.ERRNO_INVAL);
    expect(dir.path_readlink('nope').ret).toBe(wasi.ERRNO_NOENT);
    expect(dir.symlink('x', 'l')).toBe(wasi.ERRNO_EXIST);
    expect(dir.symlink('x', 'f')).toBe(wasi.ERRNO_EXIST);
    expect(dir.symlink('x', 'nodir/l')).toBe(wasi.ERRNO_NOENT);
  });

  it('unlinking a symlink removes the link, not the target', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.path_create_directory('d');
    dir.symlink('f', 'lf');
    dir.symlink('d', 'ld');
    expect(dir.path_unlink_file('lf')).toBe(0);
    expect(dir.path_unlink_file('ld')).toBe(0);
    expect(readFile(dir, 'f')).toBe('x');
    expect(exists(dir, 'd')).toBe(true);
    expect(exists(dir, 'lf')).toBe(false);
  });
});

describe('directories', () => {
  it('mkdir, then EEXIST / ENOENT / ENOTDIR', () => {
    const { dir } = setup();
    expect(dir.path_create_directory('d')).toBe(0);
    expect(stat(dir, 'd').filetype).toBe(wasi.FILETYPE_DIRECTORY);
    expect(dir.path_create_directory('d')).toBe(wasi.ERRNO_EXIST);
    expect(dir.path_create_directory('d/e/')).toBe(0);
    expect(dir.path_create_directory('x/y')).toBe(wasi.ERRNO_NOENT);
    writeFile(dir, 'f', '');
    expect(dir.path_create_directory('f')).toBe(wasi.ERRNO_EXIST);
    expect(dir.path_create_directory('f/sub')).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_create_directory('.')).toBe(wasi.ERRNO_EXIST);
    expect(dir.path_create_directory('missing/.')).toBe(wasi.ERRNO_NOENT);
    expect(exists(dir, 'missing')).toBe(false);
  });

  it('rmdir: empty only; ENOTEMPTY, ENOTDIR, EINVAL for "."', () => {
    const { dir } = setup();
    dir.path_create_directory('d');
    writeFile(dir, 'd/f', 'x');
    expect(dir.path_remove_directory('d')).toBe(wasi.ERRNO_NOTEMPTY);
    expect(dir.path_remove_directory('d/f')).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_remove_directory('.')).toBe(wasi.ERRNO_INVAL);
    expect(dir.path_remove_directory('d/.')).toBe(wasi.ERRNO_INVAL);
    expect(dir.path_remove_directory('nope')).toBe(wasi.ERRNO_NOENT);
    dir.symlink('d', 'ld');
    expect(dir.path_remove_directory('ld')).toBe(wasi.ERRNO_NOTDIR);
    expect(exists(dir, 'd/f')).toBe(true);
    expect(dir.path_unlink_file('d/f')).toBe(0);
    expect(dir.path_remove_directory('d')).toBe(0);
    expect(exists(dir, 'd')).toBe(false);
  });

  it('unlink: EISDIR on a directory, ENOENT when missing, ENOTDIR with a trailing slash', () => {
    const { dir } = setup();
    dir.path_create_directory('d');
    writeFile(dir, 'f', 'x');
    expect(dir.path_unlink_file('d')).toBe(wasi.ERRNO_ISDIR);
    expect(dir.path_unlink_file('nope')).toBe(wasi.ERRNO_NOENT);
    expect(dir.path_unlink_file('f/')).toBe(wasi.ERRNO_NOTDIR);
    expect(exists(dir, 'd')).toBe(true);
    expect(exists(dir, 'f')).toBe(true);
    expect(dir.path_unlink_file('f')).toBe(0);
    expect(exists(dir, 'f')).toBe(false);
  });

  it('directory fds refuse file operations', () => {
    const { dir } = setup();
    dir.path_create_directory('d');
    const d = openDir(dir, 'd');
    expect(d.fd_read().ret).toBe(wasi.ERRNO_ISDIR);
    expect(d.fd_write().ret).toBe(wasi.ERRNO_BADF);
    expect(d.fd_seek().ret).toBe(wasi.ERRNO_BADF);
    expect(d.fd_filestat_set_size()).toBe(wasi.ERRNO_ISDIR);
    expect(d.fd_fdstat_get().fdstat!.fs_filetype).toBe(wasi.FILETYPE_DIRECTORY);
    expect(dir.fd_prestat_get().ret).toBe(0);
  });
});

describe('readdir', () => {
  it('lists ".", ".." and the entries with inodes, types and cookies', () => {
    const { root, dir } = setup();
    dir.path_create_directory('sub');
    writeFile(dir, 'sub/a', 'A');
    dir.path_create_directory('sub/b');
    dir.symlink('a', 'sub/c');
    const sub = openDir(dir, 'sub');
    const entries = readdirFrom(sub, 0n);
    expect(entries.map((e) => e.name)).toEqual(['.', '..', 'a', 'b', 'c']);
    expect(entries.map((e) => e.type)).toEqual([
      wasi.FILETYPE_DIRECTORY,
      wasi.FILETYPE_DIRECTORY,
      wasi.FILETYPE_REGULAR_FILE,
      wasi.FILETYPE_DIRECTORY,
      wasi.FILETYPE_SYMBOLIC_LINK,
    ]);
    expect(entries[0]!.ino).toBe(stat(dir, 'sub').ino);
    expect(entries[1]!.ino).toBe(root.ino);
    expect(entries[2]!.ino).toBe(stat(dir, 'sub/a').ino);
    // Cookies are distinct and increasing; resuming from any of them continues after it.
    const cookies = entries.map((e) => e.next);
    expect(new Set(cookies).size).toBe(cookies.length);
    for (let i = 0; i < entries.length; i++) {
      expect(readdirFrom(sub, cookies[i]!).map((e) => e.name)).toEqual(entries.slice(i + 1).map((e) => e.name));
    }
    // The root's ".." is itself.
    expect(readdirFrom(dir, 0n)[1]!.ino).toBe(root.ino);
  });

  it('a rewound listing sees entries created and removed since', () => {
    const { dir } = setup();
    writeFile(dir, 'a', '');
    expect(names(dir)).toEqual(['.', '..', 'a']);
    writeFile(dir, 'b', '');
    expect(names(dir)).toEqual(['.', '..', 'a', 'b']);
    dir.path_unlink_file('a');
    expect(names(dir)).toEqual(['.', '..', 'b']);
  });

  it('a rewound listing sees new entries even when the clock does not advance', () => {
    // Browsers coarsen performance.now(): several changes can share one timestamp.
    const { dir } = setup(() => 5_000n);
    writeFile(dir, 'a', '');
    expect(names(dir)).toEqual(['.', '..', 'a']);
    writeFile(dir, 'b', '');
    dir.path_create_directory('c');
    expect(names(dir)).toEqual(['.', '..', 'a', 'b', 'c']);
  });

  it('deleting entries while iterating (rm -r style) does not skip the others', () => {
    const { dir } = setup();
    const all = Array.from({ length: 10 }, (_, i) => `f${i}`);
    for (const name of all) writeFile(dir, name, name);
    const seen: string[] = [];
    let cookie = 0n;
    for (;;) {
      // Read a batch of three, then delete what was read, then continue from the last cookie.
      const batch = readdirFrom(dir, cookie, 3);
      if (batch.length === 0) break;
      for (const entry of batch) {
        if (entry.name !== '.' && entry.name !== '..') {
          seen.push(entry.name);
          expect(dir.path_unlink_file(entry.name)).toBe(0);
        }
      }
      cookie = batch[batch.length - 1]!.next;
    }
    expect(seen).toEqual(all);
    expect(names(dir)).toEqual(['.', '..']);
  });

  it('entries added during iteration do not make earlier ones repeat', () => {
    const { dir } = setup();
    for (const name of ['a', 'b', 'c', 'd']) writeFile(dir, name, '');
    const first = readdirFrom(dir, 0n, 4);
    expect(first.map((e) => e.name)).toEqual(['.', '..', 'a', 'b']);
    dir.path_unlink_file('a');
    writeFile(dir, 'e', '');
    const rest = readdirFrom(dir, first[3]!.next).map((e) => e.name);
    expect(rest.slice(0, 2)).toEqual(['c', 'd']);
    expect(rest).not.toContain('b');
  });
});

describe('directory link counts', () => {
  it('count the entry in the parent, "." and each subdirectory\'s "..", through mkdir, rename and rmdir', () => {
    const { dir } = setup();
    expect(stat(dir, '.').nlink).toBe(2n);
    dir.path_create_directory('a');
    dir.path_create_directory('a/b');
    dir.path_create_directory('a/c');
    writeFile(dir, 'a/f', 'x');
    expect(stat(dir, 'a').nlink).toBe(4n);
    expect(stat(dir, '.').nlink).toBe(3n);
    expect(dir.rename('a/b', dir, 'b')).toBe(0);
    expect(stat(dir, 'a').nlink).toBe(3n);
    expect(stat(dir, '.').nlink).toBe(4n);
    expect(dir.rename('b', dir, 'a/c')).toBe(0); // replaces the empty a/c
    expect(stat(dir, 'a').nlink).toBe(3n);
    expect(stat(dir, '.').nlink).toBe(3n);
    const a = openDir(dir, 'a');
    expect(dir.path_remove_directory('a/c')).toBe(0);
    expect(a.fd_filestat_get().filestat!.nlink).toBe(2n);
    a.fd_close();
    writeFile(dir, 'a/f', '');
    expect(dir.path_unlink_file('a/f')).toBe(0);
    const gone = openDir(dir, 'a');
    expect(dir.path_remove_directory('a')).toBe(0);
    expect(gone.fd_filestat_get().filestat!.nlink).toBe(0n);
    expect(stat(dir, '.').nlink).toBe(2n);
  });
});

describe('rename', () => {
  it('moves a file, replacing an existing file', () => {
    const { ctx, dir } = setup();
    writeFile(dir, 'a', 'AAA');
    writeFile(dir, 'b', 'BBBBB');
    const ino = stat(dir, 'a').ino;
    const used = ctx.usedBytes;
    expect(dir.rename('a', dir, 'b')).toBe(0);
    expect(exists(dir, 'a')).toBe(false);
    expect(readFile(dir, 'b')).toBe('AAA');
    expect(stat(dir, 'b').ino).toBe(ino);
    expect(stat(dir, 'b').nlink).toBe(1n);
    expect(ctx.usedBytes).toBe(used - 5);
  });

  it('moves between directories and directory fds', () => {
    const { dir } = setup();
    dir.path_create_directory('x');
    dir.path_create_directory('y');
    writeFile(dir, 'x/f', 'data');
    const x = openDir(dir, 'x');
    const y = openDir(dir, 'y');
    expect(x.rename('f', y, 'g')).toBe(0);
    expect(readFile(dir, 'y/g')).toBe('data');
    expect(names(x)).toEqual(['.', '..']);
    expect(x.rename('nope', y, 'h')).toBe(wasi.ERRNO_NOENT);
    expect(x.rename('f', y, 'nodir/h')).toBe(wasi.ERRNO_NOENT);
  });

  it('a directory over an empty directory; over a non-empty one is ENOTEMPTY', () => {
    const { dir } = setup();
    dir.path_create_directory('src');
    writeFile(dir, 'src/f', 'in src');
    dir.path_create_directory('empty');
    dir.path_create_directory('full');
    writeFile(dir, 'full/g', 'in full');
    expect(dir.rename('src', dir, 'full')).toBe(wasi.ERRNO_NOTEMPTY);
    expect(readFile(dir, 'full/g')).toBe('in full');
    expect(dir.rename('src', dir, 'empty')).toBe(0);
    expect(readFile(dir, 'empty/f')).toBe('in src');
    expect(exists(dir, 'src')).toBe(false);
    // The moved directory's ".." is its new parent.
    dir.path_create_directory('full/inner');
    expect(dir.rename('empty', dir, 'full/inner')).toBe(0);
    expect(stat(dir, 'full/inner/..').ino).toBe(stat(dir, 'full').ino);
    expect(readFile(dir, 'full/inner/../g')).toBe('in full');
  });

  it('a directory into itself is EINVAL', () => {
    const { dir } = setup();
    dir.path_create_directory('a');
    dir.path_create_directory('a/b');
    expect(dir.rename('a', dir, 'a/b/c')).toBe(wasi.ERRNO_INVAL);
    expect(dir.rename('a', dir, 'a/c')).toBe(wasi.ERRNO_INVAL);
    expect(exists(dir, 'a/b')).toBe(true);
  });

  it('file over directory is EISDIR; directory over file is ENOTDIR', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.path_create_directory('d');
    expect(dir.rename('f', dir, 'd')).toBe(wasi.ERRNO_ISDIR);
    expect(dir.rename('d', dir, 'f')).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.rename('f', dir, 'g/')).toBe(wasi.ERRNO_NOTDIR);
    expect(readFile(dir, 'f')).toBe('x');
    expect(stat(dir, 'd').filetype).toBe(wasi.FILETYPE_DIRECTORY);
  });

  it('renaming onto the same node succeeds and changes nothing', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    expect(dir.rename('f', dir, 'f')).toBe(0);
    expect(readFile(dir, 'f')).toBe('x');
    dir.path_create_directory('d');
    expect(dir.rename('d', dir, 'd')).toBe(0);
    // Two hard links to one file: both stay.
    const { inode_obj } = dir.path_lookup('f', 0);
    expect(dir.path_link('g', inode_obj as FileNode)).toBe(0);
    expect(dir.rename('f', dir, 'g')).toBe(0);
    expect(exists(dir, 'f')).toBe(true);
    expect(exists(dir, 'g')).toBe(true);
    expect(stat(dir, 'g').nlink).toBe(2n);
  });

  it('a symlink is renamed itself, not its target', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.symlink('f', 'l');
    expect(dir.rename('l', dir, 'l2')).toBe(0);
    expect(dir.path_readlink('l2').data).toBe('f');
    expect(readFile(dir, 'f')).toBe('x');
  });

  it('"." and ".." cannot be renamed', () => {
    const { dir } = setup();
    dir.path_create_directory('d');
    expect(dir.rename('.', dir, 'x')).toBe(wasi.ERRNO_BUSY);
    expect(dir.rename('d/..', dir, 'x')).toBe(wasi.ERRNO_BUSY);
    expect(dir.rename('d', dir, '.')).toBe(wasi.ERRNO_BUSY);
  });
});

describe('hard links', () => {
  it('path_lookup + path_link share one inode; unlinking one link keeps the data', () => {
    const { ctx, dir } = setup();
    writeFile(dir, 'a', 'shared');
    dir.path_create_directory('d');
    const { ret, inode_obj } = dir.path_lookup('a', 0);
    expect(ret).toBe(0);
    expect(dir.path_link('d/b', inode_obj as FileNode)).toBe(0);
    expect(stat(dir, 'a').nlink).toBe(2n);
    expect(stat(dir, 'd/b').nlink).toBe(2n);
    expect(stat(dir, 'd/b').ino).toBe(stat(dir, 'a').ino);
    const used = ctx.usedBytes;
    // A write through one name shows through the other; links use no extra quota.
    const appender = openFile(dir, 'd/b', { fdflags: wasi.FDFLAGS_APPEND });
    appender.fd_write(enc('!'));
    appender.fd_close();
    expect(readFile(dir, 'a')).toBe('shared!');
    expect(ctx.usedBytes).toBe(used + 1);
    expect(dir.path_unlink_file('a')).toBe(0);
    expect(stat(dir, 'd/b').nlink).toBe(1n);
    expect(readFile(dir, 'd/b')).toBe('shared!');
    expect(ctx.usedBytes).toBe(used + 1);
    expect(dir.path_unlink_file('d/b')).toBe(0);
    expect(ctx.usedBytes).toBe(used + 1 - 7);
  });

  it('refuses directories, existing names and trailing slashes', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    writeFile(dir, 'g', 'y');
    dir.path_create_directory('d');
    expect(dir.path_lookup('d', 0).ret).toBe(wasi.ERRNO_PERM);
    expect(dir.path_lookup('nope', 0).ret).toBe(wasi.ERRNO_NOENT);
    const f = dir.path_lookup('f', 0).inode_obj as FileNode;
    expect(dir.path_link('g', f)).toBe(wasi.ERRNO_EXIST);
    expect(dir.path_link('h/', f)).toBe(wasi.ERRNO_NOENT);
    expect(readFile(dir, 'g')).toBe('y');
    expect(stat(dir, 'f').nlink).toBe(1n);
  });

  it('links a symlink itself without follow, its target with follow', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.symlink('f', 'l');
    const link = dir.path_lookup('l', 0).inode_obj;
    expect(link).toBeInstanceOf(SymlinkNode);
    const target = dir.path_lookup('l', FOLLOW).inode_obj;
    expect(target).toBeInstanceOf(FileNode);
    expect(dir.path_link('l2', link as SymlinkNode)).toBe(0);
    expect(dir.path_readlink('l2').data).toBe('f');
    expect(dir.path_link('f2', target as FileNode)).toBe(0);
    expect(stat(dir, 'f').nlink).toBe(2n);
  });
});

describe('an open file outlives its last link', () => {
  it('keeps its data readable and writable until closed, then gives its quota back', () => {
    const { ctx, dir } = setup();
    const fd = createFile(dir, 'tmp', 'scratch data');
    const used = ctx.usedBytes;
    expect(used).toBe(12);
    expect(dir.path_unlink_file('tmp')).toBe(0);
    expect(exists(dir, 'tmp')).toBe(false);
    expect(dec(fd.fd_pread(100, 0n).data)).toBe('scratch data');
    expect(fd.fd_filestat_get().filestat!.nlink).toBe(0n);
    expect(fd.fd_filestat_get().filestat!.size).toBe(12n);
    fd.fd_write(enc('!'));
    expect(dec(fd.fd_pread(100, 0n).data)).toBe('scratch data!');
    expect(ctx.usedBytes).toBe(13);
    expect(fd.fd_close()).toBe(0);
    expect(ctx.usedBytes).toBe(0);
  });

  it('a file replaced by rename stays readable through an open fd', () => {
    const { ctx, dir } = setup();
    writeFile(dir, 'old', 'old contents');
    writeFile(dir, 'new', 'new');
    const reader = openFile(dir, 'old', { rights: R });
    expect(dir.rename('new', dir, 'old')).toBe(0);
    expect(dec(reader.fd_read(100).data)).toBe('old contents');
    expect(readFile(dir, 'old')).toBe('new');
    reader.fd_close();
    expect(ctx.usedBytes).toBe(3);
  });

  it('closing one of two fds keeps the data for the other', () => {
    const { ctx, dir } = setup();
    writeFile(dir, 'f', 'abc');
    const one = openFile(dir, 'f', { rights: R });
    const two = openFile(dir, 'f', { rights: R });
    dir.path_unlink_file('f');
    one.fd_close();
    expect(dec(two.fd_read(10).data)).toBe('abc');
    two.fd_close();
    expect(ctx.usedBytes).toBe(0);
  });
});

describe('timestamps', () => {
  it('set_times with explicit values and *_NOW; invalid flag combinations are EINVAL', () => {
    let now = 100n;
    const { dir } = setup(() => now);
    const fd = createFile(dir, 'f', 'x');
    const { FSTFLAGS_ATIM: A, FSTFLAGS_ATIM_NOW: AN, FSTFLAGS_MTIM: M, FSTFLAGS_MTIM_NOW: MN } = wasi;
    now = 200n;
    expect(fd.fd_filestat_set_times(11n, 22n, A | M)).toBe(0);
    let st = stat(dir, 'f');
    expect([st.atim, st.mtim, st.ctim]).toEqual([11n, 22n, 200n]);
    now = 300n;
    expect(fd.fd_filestat_set_times(0n, 0n, AN)).toBe(0);
    st = stat(dir, 'f');
    expect([st.atim, st.mtim, st.ctim]).toEqual([300n, 22n, 300n]);
    now = 400n;
    expect(dir.path_filestat_set_times(FOLLOW, 'f', 0n, 0n, MN)).toBe(0);
    st = stat(dir, 'f');
    expect([st.atim, st.mtim, st.ctim]).toEqual([300n, 400n, 400n]);
    expect(dir.path_filestat_set_times(FOLLOW, 'f', 5n, 6n, M)).toBe(0);
    expect(stat(dir, 'f').mtim).toBe(6n);
    expect(stat(dir, 'f').atim).toBe(300n);
    for (const bad of [A | AN, M | MN, A | AN | M, 1 << 4]) {
      expect(fd.fd_filestat_set_times(1n, 1n, bad)).toBe(wasi.ERRNO_INVAL);
      expect(dir.path_filestat_set_times(FOLLOW, 'f', 1n, 1n, bad)).toBe(wasi.ERRNO_INVAL);
    }
    st = stat(dir, 'f');
    expect([st.atim, st.mtim]).toEqual([300n, 6n]);
    expect(dir.path_filestat_set_times(0, 'nope', 1n, 1n, A)).toBe(wasi.ERRNO_NOENT);
  });

  it('set_times on a symlink without follow changes the link, with follow the target', () => {
    const { dir } = setup();
    writeFile(dir, 'f', 'x');
    dir.symlink('f', 'l');
    expect(dir.path_filestat_set_times(0, 'l', 1n, 2n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM)).toBe(0);
    expect(stat(dir, 'l', false).mtim).toBe(2n);
    expect(stat(dir, 'f').mtim).not.toBe(2n);
    expect(dir.path_filestat_set_times(FOLLOW, 'l', 3n, 4n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM)).toBe(0);
    expect(stat(dir, 'f').mtim).toBe(4n);
    expect(stat(dir, 'l', false).mtim).toBe(2n);
  });

  it('writes update mtim and ctim; creating an entry updates the directory', () => {
    let now = 10n;
    const { dir } = setup(() => now);
    dir.path_create_directory('d');
    now = 20n;
    const fd = createFile(dir, 'd/f', 'x');
    expect(stat(dir, 'd').mtim).toBe(20n);
    now = 30n;
    fd.fd_write(enc('y'));
    const st = stat(dir, 'd/f');
    expect(st.mtim).toBe(30n);
    expect(st.ctim).toBe(30n);
    expect(st.atim).toBe(20n);
    now = 40n;
    fd.fd_filestat_set_size(0n);
    expect(stat(dir, 'd/f').mtim).toBe(40n);
    const dfd = openDir(dir, 'd');
    expect(dfd.fd_filestat_set_times(7n, 8n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM)).toBe(0);
    expect(dfd.fd_filestat_get().filestat!.mtim).toBe(8n);
  });
});
