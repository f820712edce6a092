import { wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { buildRoot, snapshot } from './build.js';
import { type FileFd, PreopenFd } from './fds.js';
import { DirNode, FileNode, Filestat, FsContext, SymlinkNode } from './nodes.js';

const RW = BigInt(wasi.RIGHTS_FD_READ | wasi.RIGHTS_FD_WRITE);
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup(quotaBytes = 1 << 30) {
  let t = 0n;
  const ctx = new FsContext(() => ++t, quotaBytes);
  const root = new DirNode(ctx, false);
  root.nlink = 1n;
  return { ctx, root, dir: new PreopenFd(root, '/') };
}

function create(dir: PreopenFd, path: string, fdflags = 0): FileFd {
  const { ret, fd_obj } = dir.path_open(0, path, wasi.OFLAGS_CREAT, RW, 0n, fdflags);
  expect(ret).toBe(0);
  return fd_obj as FileFd;
}

describe('Filestat.write_bytes', () => {
  it('writes the preview1 layout: dev 0, ino 8, filetype 16, nlink 24, size 32, atim 40, mtim 48, ctim 56', () => {
    const st = new Filestat(0x1111_2222_3333_4444n, wasi.FILETYPE_SYMBOLIC_LINK, 0x55n);
    st.dev = 0x0102_0304_0506_0708n;
    st.nlink = 3n;
    st.atim = 0xaaaa_0000_0000_0001n;
    st.mtim = 0xbbbb_0000_0000_0002n;
    st.ctim = 0xcccc_0000_0000_0003n;
    const buffer = new ArrayBuffer(8 + 64 + 8);
    new Uint8Array(buffer).fill(0xee);
    const view = new DataView(buffer);
    st.write_bytes(view, 8);
    expect(view.getBigUint64(8 + 0, true)).toBe(0x0102_0304_0506_0708n);
    expect(view.getBigUint64(8 + 8, true)).toBe(0x1111_2222_3333_4444n);
    expect(view.getUint8(8 + 16)).toBe(wasi.FILETYPE_SYMBOLIC_LINK);
    expect(view.getBigUint64(8 + 24, true)).toBe(3n);
    expect(view.getBigUint64(8 + 32, true)).toBe(0x55n);
    expect(view.getBigUint64(8 + 40, true)).toBe(0xaaaa_0000_0000_0001n);
    expect(view.getBigUint64(8 + 48, true)).toBe(0xbbbb_0000_0000_0002n);
    expect(view.getBigUint64(8 + 56, true)).toBe(0xcccc_0000_0000_0003n);
    // Padding after the filetype, and the bytes around the struct, are not written.
    expect([...new Uint8Array(buffer, 8 + 17, 7)]).toEqual(Array(7).fill(0xee));
    expect([...new Uint8Array(buffer, 0, 8)]).toEqual(Array(8).fill(0xee));
    expect([...new Uint8Array(buffer, 72, 8)]).toEqual(Array(8).fill(0xee));
  });

  it('node.stat() carries the node fields', () => {
    let now = 77n;
    const ctx = new FsContext(() => now, 100);
    const file = new FileNode(ctx, false, enc('abc'));
    now = 99n;
    file.atim = 5n;
    const st = file.stat();
    expect(st).toBeInstanceOf(Filestat);
    expect([st.ino, st.filetype, st.size, st.atim, st.mtim, st.ctim]).toEqual([
      file.ino,
      wasi.FILETYPE_REGULAR_FILE,
      3n,
      5n,
      77n,
      77n,
    ]);
    expect(new SymlinkNode(ctx, false, 'ünï').size).toBe(5n);
    expect(new DirNode(ctx, false).stat().filetype).toBe(wasi.FILETYPE_DIRECTORY);
  });
});

describe('quota', () => {
  it('writes past quotaBytes fail with ENOSPC and change nothing', () => {
    const { ctx, dir } = setup(100);
    const a = create(dir, 'a');
    expect(a.fd_write(new Uint8Array(60).fill(1)).ret).toBe(0);
    const b = create(dir, 'b');
    expect(b.fd_write(new Uint8Array(40).fill(2)).ret).toBe(0);
    expect(ctx.usedBytes).toBe(100);
    expect(b.fd_write(new Uint8Array(1))).toEqual({ ret: wasi.ERRNO_NOSPC, nwritten: 0 });
    expect(a.fd_pwrite(new Uint8Array(1), 60n)).toEqual({ ret: wasi.ERRNO_NOSPC, nwritten: 0 });
    expect(a.fd_filestat_set_size(61n)).toBe(wasi.ERRNO_NOSPC);
    expect(a.fd_allocate(0n, 61n)).toBe(wasi.ERRNO_NOSPC);
    expect(a.fd_filestat_get().filestat!.size).toBe(60n);
    expect(b.fd_tell().offset).toBe(40n);
    // Overwriting in place needs no more room.
    expect(a.fd_pwrite(new Uint8Array(10).fill(9), 0n).ret).toBe(0);
    expect(ctx.usedBytes).toBe(100);
  });

  it('usedBytes goes down after truncate, O_TRUNC and unlink', () => {
    const { ctx, dir } = setup(1000);
    const a = create(dir, 'a');
    a.fd_write(new Uint8Array(500));
    a.fd_close();
    const b = create(dir, 'b');
    b.fd_write(new Uint8Array(300));
    expect(ctx.usedBytes).toBe(800);
    expect(b.fd_filestat_set_size(100n)).toBe(0);
    expect(ctx.usedBytes).toBe(600);
    b.fd_close();
    expect(dir.path_open(0, 'a', wasi.OFLAGS_TRUNC, RW, 0n, 0).ret).toBe(0);
    expect(ctx.usedBytes).toBe(100);
    expect(dir.path_unlink_file('b')).toBe(0);
    expect(ctx.usedBytes).toBe(0);
    // The room is usable again.
    const c = create(dir, 'c');
    expect(c.fd_write(new Uint8Array(1000)).ret).toBe(0);
    expect(c.fd_write(new Uint8Array(1)).ret).toBe(wasi.ERRNO_NOSPC);
  });

  it('read-only files do not count; writable input files do', () => {
    const ctx = new FsContext(() => 0n, 1000);
    buildRoot(ctx, [
      { target: 'in', tree: { kind: 'file', data: new Uint8Array(5000) }, writable: false, role: 'input' },
      { target: 'rw', tree: { kind: 'file', data: new Uint8Array(400) }, writable: true, role: 'input' },
    ]);
    expect(ctx.usedBytes).toBe(400);
  });

  it('64 MiB appended in 4 KiB writes ends with the right size and bytes', () => {
    const { ctx, dir } = setup(64 * 1024 * 1024);
    const fd = create(dir, 'big', wasi.FDFLAGS_APPEND);
    const chunk = new Uint8Array(4096);
    const count = (64 * 1024 * 1024) / 4096;
    for (let i = 0; i < count; i++) {
      chunk.fill(i & 0xff);
      chunk[0] = i >> 8;
      expect(fd.fd_write(chunk).ret).toBe(0);
    }
    expect(fd.fd_filestat_get().filestat!.size).toBe(BigInt(64 * 1024 * 1024));
    expect(ctx.usedBytes).toBe(64 * 1024 * 1024);
    const node = (dir.node.entries.get('big') as FileNode).data;
    for (let i = 0; i < count; i++) {
      const at = i * 4096;
      if (node[at] !== i >> 8 || node[at + 1] !== (i & 0xff) || node[at + 4095] !== (i & 0xff)) {
        throw new Error(`chunk ${i} is wrong`);
      }
    }
    // Full: one more byte is refused.
    expect(fd.fd_write(new Uint8Array(1)).ret).toBe(wasi.ERRNO_NOSPC);
  });
});

describe('copy-on-write', () => {
  it("writing a FileNode built from a caller's buffer leaves that buffer alone", () => {
    const ctx = new FsContext(() => 0n, 1 << 20);
    const original = enc('hello world');
    const node = new FileNode(ctx, false, original);
    expect(node.write(0, enc('HELLO'))).toBe(0);
    expect(dec(original)).toBe('hello world');
    expect(dec(node.data)).toBe('HELLO world');
    const other = new FileNode(ctx, false, original);
    expect(other.truncate(3)).toBe(0);
    expect(other.truncate(11)).toBe(0);
    expect(dec(original)).toBe('hello world');
    expect([...other.data.subarray(3)]).toEqual(Array(8).fill(0));
  });

  it('a writable mount does not change the tree it was built from; the snapshot is exact-size and transferable', () => {
    const ctx = new FsContext(() => 0n, 1 << 20);
    const data = enc('abc');
    const tree = { kind: 'directory' as const, entries: { f: { kind: 'file' as const, data } } };
    const { root } = buildRoot(ctx, [{ target: 'out', tree, writable: true, role: 'input' }]);
    const dir = new PreopenFd(root, '/');
    const { fd_obj } = dir.path_open(0, 'out/f', 0, RW, 0n, wasi.FDFLAGS_APPEND);
    (fd_obj as FileFd).fd_write(enc('def'));
    expect(dec(data)).toBe('abc');
    const snap = snapshot(root.entries.get('out')!);
    expect(snap).toEqual({ kind: 'directory', entries: { f: { kind: 'file', data: enc('abcdef') } } });
    const snapFile = snap.kind === 'directory' ? snap.entries.f : undefined;
    if (snapFile?.kind !== 'file') throw new Error('expected a file');
    expect(snapFile.data.buffer.byteLength).toBe(6);
  });

  it('a big file grows in place in a resizable buffer and is handed over at its exact size', () => {
    const ctx = new FsContext(() => 0n, 1 << 30);
    const node = new FileNode(ctx, false);
    const chunk = new Uint8Array(4096).fill(7);
    for (let at = 0; at < 3 << 20; at += chunk.byteLength) expect(node.write(at, chunk)).toBe(0);
    const buffer = node.data.buffer as ArrayBuffer;
    expect(buffer.resizable).toBe(true);
    expect(buffer.maxByteLength).toBeLessThanOrEqual(4 * buffer.byteLength);
    const contents = node.contents();
    expect(contents.buffer).toBe(buffer); // no copy
    expect(contents.buffer.byteLength).toBe(3 << 20);
    expect(contents.every((b) => b === 7)).toBe(true);
  });

  it('reads return copies, not views of the file', () => {
    const ctx = new FsContext(() => 0n, 1 << 20);
    const node = new FileNode(ctx, false, enc('abc'));
    const read = node.read(0, 3);
    node.write(0, enc('xyz'));
    expect(dec(read)).toBe('abc');
  });
});
