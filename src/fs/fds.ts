import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import { DirNode, FileNode, type Node, SymlinkNode } from './nodes.js';
import type { OutputPolicy } from './touchfs.js';
import { type FinalLink, type Walked, walk } from './walk.js';

/**
 * File descriptors over Brine's nodes. They implement the shim's `Fd` methods, so the shim's
 * syscall table drives them; `DirFd` also offers the operations the shim gets wrong
 * (rename, symlink) for `BrineWasi` to call.
 */

const rights = (...bits: number[]) => BigInt(bits.reduce((all, bit) => all | bit, 0));
const RIGHTS_READ = rights(wasi.RIGHTS_FD_READ);
const RIGHTS_WRITE = rights(wasi.RIGHTS_FD_WRITE);
/** What a file fd can be granted. */
export const FILE_RIGHTS = rights(
  wasi.RIGHTS_FD_DATASYNC,
  wasi.RIGHTS_FD_READ,
  wasi.RIGHTS_FD_SEEK,
  wasi.RIGHTS_FD_FDSTAT_SET_FLAGS,
  wasi.RIGHTS_FD_SYNC,
  wasi.RIGHTS_FD_TELL,
  wasi.RIGHTS_FD_WRITE,
  wasi.RIGHTS_FD_ADVISE,
  wasi.RIGHTS_FD_ALLOCATE,
  wasi.RIGHTS_FD_FILESTAT_GET,
  wasi.RIGHTS_FD_FILESTAT_SET_SIZE,
  wasi.RIGHTS_FD_FILESTAT_SET_TIMES,
  wasi.RIGHTS_POLL_FD_READWRITE,
);
/** What a directory fd can be granted (as in wasmtime: no read, write or seek of its own). */
export const DIRECTORY_RIGHTS = rights(
  wasi.RIGHTS_PATH_CREATE_DIRECTORY,
  wasi.RIGHTS_PATH_CREATE_FILE,
  wasi.RIGHTS_PATH_LINK_SOURCE,
  wasi.RIGHTS_PATH_LINK_TARGET,
  wasi.RIGHTS_PATH_OPEN,
  wasi.RIGHTS_FD_READDIR,
  wasi.RIGHTS_PATH_READLINK,
  wasi.RIGHTS_PATH_RENAME_SOURCE,
  wasi.RIGHTS_PATH_RENAME_TARGET,
  wasi.RIGHTS_PATH_FILESTAT_GET,
  wasi.RIGHTS_PATH_FILESTAT_SET_SIZE,
  wasi.RIGHTS_PATH_FILESTAT_SET_TIMES,
  wasi.RIGHTS_FD_FILESTAT_GET,
  wasi.RIGHTS_FD_FILESTAT_SET_TIMES,
  wasi.RIGHTS_PATH_SYMLINK,
  wasi.RIGHTS_PATH_REMOVE_DIRECTORY,
  wasi.RIGHTS_PATH_UNLINK_FILE,
);
const LOOKUP_FOLLOW = 1;
const followFlag = (lookupflags: number): FinalLink => ((lookupflags & LOOKUP_FOLLOW) !== 0 ? 'follow' : 'nofollow');

/**
 * Rights are capabilities an fd carries: reported by fd_fdstat_get, only ever dropped by
 * fd_fdstat_set_rights, and handed down (masked by the directory's inheriting rights) by path_open.
 */
abstract class RightsFd extends Fd {
  constructor(
    protected base: bigint,
    protected inheriting: bigint,
  ) {
    super();
  }

  protected fdstat(filetype: number, flags: number) {
    const stat = new wasi.Fdstat(filetype, flags);
    stat.fs_rights_base = this.base;
    stat.fs_rights_inherited = this.inheriting;
    return { ret: wasi.ERRNO_SUCCESS, fdstat: stat };
  }

  override fd_fdstat_set_rights(base: bigint, inheriting: bigint): number {
    if (base & ~this.base || inheriting & ~this.inheriting) return wasi.ERRNO_NOTCAPABLE;
    this.base = base;
    this.inheriting = inheriting;
    return wasi.ERRNO_SUCCESS;
  }
}

/** Applies fd_filestat_set_times / path_filestat_set_times flags to a node. */
function setTimes(node: Node, atim: bigint, mtim: bigint, flags: number): number {
  const { FSTFLAGS_ATIM: A, FSTFLAGS_ATIM_NOW: AN, FSTFLAGS_MTIM: M, FSTFLAGS_MTIM_NOW: MN } = wasi;
  if ((flags & A && flags & AN) || (flags & M && flags & MN) || flags & ~(A | AN | M | MN)) {
    return wasi.ERRNO_INVAL;
  }
  if (node.readonly) return wasi.ERRNO_ROFS;
  const now = node.ctx.now();
  if (flags & A) node.atim = atim;
  if (flags & AN) node.atim = now;
  if (flags & M) node.mtim = mtim;
  if (flags & MN) node.mtim = now;
  node.ctim = now;
  return wasi.ERRNO_SUCCESS;
}

export class FileFd extends RightsFd {
  position = 0;

  constructor(
    readonly node: FileNode,
    granted: bigint,
    private fdflags: number,
  ) {
    super(granted, 0n);
    node.openFds++;
  }

  get readable(): boolean {
    return (this.base & RIGHTS_READ) !== 0n;
  }

  get writable(): boolean {
    return (this.base & RIGHTS_WRITE) !== 0n;
  }

  private closed = false;

  override fd_close(): number {
    if (!this.closed) {
      this.closed = true;
      this.node.openFds--;
      this.node.releaseIfUnused();
    }
    return wasi.ERRNO_SUCCESS;
  }

  override fd_fdstat_get() {
    return this.fdstat(wasi.FILETYPE_REGULAR_FILE, this.fdflags);
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.fdflags = flags;
    return wasi.ERRNO_SUCCESS;
  }

  override fd_filestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, filestat: this.node.stat() };
  }

  override fd_filestat_set_size(size: bigint): number {
    if (this.node.readonly) return wasi.ERRNO_ROFS;
    if (!this.writable) return wasi.ERRNO_BADF;
    return this.node.truncate(Number(size));
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, flags: number): number {
    return setTimes(this.node, atim, mtim, flags);
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    if (this.node.readonly) return wasi.ERRNO_ROFS;
    if (!this.writable) return wasi.ERRNO_BADF;
    const end = Number(offset + len);
    return end > this.node.byteLength ? this.node.truncate(end) : wasi.ERRNO_SUCCESS;
  }

  override fd_read(size: number) {
    if (!this.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
    const data = this.node.read(this.position, size);
    this.position += data.byteLength;
    return { ret: wasi.ERRNO_SUCCESS, data };
  }

  override fd_pread(size: number, offset: bigint) {
    if (!this.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
    return { ret: wasi.ERRNO_SUCCESS, data: this.node.read(Number(offset), size) };
  }

  override fd_write(data: Uint8Array) {
    if (!this.writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 };
    if (this.fdflags & wasi.FDFLAGS_APPEND) this.position = this.node.byteLength;
    const ret = this.node.write(this.position, data);
    if (ret !== wasi.ERRNO_SUCCESS) return { ret, nwritten: 0 };
    this.position += data.byteLength;
    return { ret, nwritten: data.byteLength };
  }

  override fd_pwrite(data: Uint8Array, offset: bigint) {
    if (!this.writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 };
    const ret = this.node.write(Number(offset), data);
    return { ret, nwritten: ret === wasi.ERRNO_SUCCESS ? data.byteLength : 0 };
  }

  override fd_seek(offset: bigint, whence: number) {
    let base: number;
    if (whence === wasi.WHENCE_SET) base = 0;
    else if (whence === wasi.WHENCE_CUR) base = this.position;
    else if (whence === wasi.WHENCE_END) base = this.node.byteLength;
    else return { ret: wasi.ERRNO_INVAL, offset: 0n };
    const target = BigInt(base) + offset;
    if (target < 0n || target > BigInt(Number.MAX_SAFE_INTEGER)) return { ret: wasi.ERRNO_INVAL, offset: 0n };
    this.position = Number(target);
    return { ret: wasi.ERRNO_SUCCESS, offset: target };
  }

  override fd_tell() {
    return { ret: wasi.ERRNO_SUCCESS, offset: BigInt(this.position) };
  }
}

export class DirFd extends RightsFd {
  constructor(
    readonly node: DirNode,
    base = DIRECTORY_RIGHTS,
    inheriting = DIRECTORY_RIGHTS | FILE_RIGHTS,
  ) {
    super(base, inheriting);
  }

  override fd_fdstat_get() {
    return this.fdstat(wasi.FILETYPE_DIRECTORY, 0);
  }

  override fd_fdstat_set_flags(): number {
    return wasi.ERRNO_SUCCESS;
  }

  override fd_filestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, filestat: this.node.stat() };
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, flags: number): number {
    return setTimes(this.node, atim, mtim, flags);
  }

  override fd_read() {
    return { ret: wasi.ERRNO_ISDIR, data: new Uint8Array(0) };
  }

  override fd_pread() {
    return { ret: wasi.ERRNO_ISDIR, data: new Uint8Array(0) };
  }

  override fd_write() {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }

  override fd_pwrite() {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }

  override fd_seek() {
    return { ret: wasi.ERRNO_BADF, offset: 0n };
  }

  override fd_tell() {
    return { ret: wasi.ERRNO_BADF, offset: 0n };
  }

  override fd_filestat_set_size(): number {
    return wasi.ERRNO_ISDIR;
  }

  override fd_allocate(): number {
    return wasi.ERRNO_BADF;
  }

  override fd_readdir_single(cookie: bigint) {
    if (cookie === 0n) return { ret: 0, dirent: new wasi.Dirent(1n, this.node.ino, '.', wasi.FILETYPE_DIRECTORY) };
    if (cookie === 1n) {
      const parentIno = (this.node.parent ?? this.node).ino;
      return { ret: 0, dirent: new wasi.Dirent(2n, parentIno, '..', wasi.FILETYPE_DIRECTORY) };
    }
    // Entries carry their own cookies (2 and up, increasing): resume at the first not yet seen.
    const listing = this.listing();
    let lo = 0;
    let hi = listing.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (listing[mid]![0] < cookie) lo = mid + 1;
      else hi = mid;
    }
    const entry = listing[lo];
    if (entry === undefined) return { ret: 0, dirent: null };
    const [at, name, node] = entry;
    return { ret: 0, dirent: new wasi.Dirent(at + 1n, node.ino, name, node.filetype) };
  }

  // The sorted listing is rebuilt only when the directory changed.
  private cached: [bigint, string, Node][] | null = null;
  private cachedVersion = -1;
  private listing(): [bigint, string, Node][] {
    if (this.cached === null || this.cachedVersion !== this.node.version) {
      this.cached = [...this.node.entries].map(([name, node]) => [this.node.cookies.get(name)!, name, node]);
      this.cachedVersion = this.node.version;
    }
    return this.cached;
  }

  override path_open(
    dirflags: number,
    path: string,
    oflags: number,
    rightsBase: bigint,
    rightsInheriting: bigint,
    fdflags: number,
  ) {
    const fail = (ret: number) => ({ ret, fd_obj: null });
    let truncate = (oflags & wasi.OFLAGS_TRUNC) !== 0;
    if (truncate && !(this.base & rights(wasi.RIGHTS_PATH_FILESTAT_SET_SIZE))) return fail(wasi.ERRNO_NOTCAPABLE);
    // O_CREAT|O_EXCL never follows the final link: a link there, even a dangling one, exists.
    const exclusive = (oflags & wasi.OFLAGS_CREAT) !== 0 && (oflags & wasi.OFLAGS_EXCL) !== 0;
    const found = walk(this.node, path, exclusive ? 'entry' : followFlag(dirflags));
    if (found.ret !== wasi.ERRNO_SUCCESS) return fail(found.ret);
    const wantsDirectory = (oflags & wasi.OFLAGS_DIRECTORY) !== 0;
    let writable = (rightsBase & RIGHTS_WRITE) !== 0n;
    let node = found.node;
    const output = outputOf(found);
    let created = false;

    if (node === null) {
      if (!(oflags & wasi.OFLAGS_CREAT) && output !== undefined) {
        output.policy.note(`opening the missing ${output.path} creates it, empty (touchfs)`);
        if (output.policy.mode === 'enforce') oflags |= wasi.OFLAGS_CREAT;
      }
      if (!(oflags & wasi.OFLAGS_CREAT)) return fail(wasi.ERRNO_NOENT);
      if (wantsDirectory || found.trailingSlash) return fail(wasi.ERRNO_ISDIR);
      const parent = found.parent!;
      if (parent.readonly) return fail(wasi.ERRNO_ROFS);
      if (parent.ctx.full) return fail(wasi.ERRNO_NOSPC);
      node = new FileNode(parent.ctx, false);
      parent.link(found.name, node);
      created = true;
    } else if (output !== undefined && node instanceof FileNode && (writable || truncate)) {
      output.policy.note(`${output.path} already exists: it opens read-only, so writing it again fails (EBADF)`);
      if (output.policy.mode === 'enforce') {
        rightsBase &= ~RIGHTS_WRITE;
        writable = false;
        truncate = false;
        oflags &= ~wasi.OFLAGS_EXCL;
      }
    }
    if (!created && oflags & wasi.OFLAGS_CREAT && oflags & wasi.OFLAGS_EXCL) return fail(wasi.ERRNO_EXIST);

    if (node instanceof SymlinkNode) return fail(wantsDirectory ? wasi.ERRNO_NOTDIR : wasi.ERRNO_LOOP);
    if (node instanceof DirNode) {
      if (writable || truncate) return fail(wasi.ERRNO_ISDIR);
      const base = rightsBase & DIRECTORY_RIGHTS & this.inheriting;
      return { ret: wasi.ERRNO_SUCCESS, fd_obj: new DirFd(node, base, rightsInheriting & this.inheriting) };
    }
    if (wantsDirectory) return fail(wasi.ERRNO_NOTDIR);
    const file = node as FileNode;
    if (file.readonly && (writable || truncate)) return fail(wasi.ERRNO_ROFS);
    if (truncate) {
      const ret = file.truncate(0);
      if (ret !== wasi.ERRNO_SUCCESS) return fail(ret);
    }
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new FileFd(file, rightsBase & FILE_RIGHTS & this.inheriting, fdflags) };
  }

  override path_create_directory(path: string): number {
    const found = walk(this.node, path, 'entry');
    if (found.ret !== wasi.ERRNO_SUCCESS) return found.ret;
    const refused = refusedInOutput(found, 'mkdir');
    if (refused !== null) return refused;
    if (found.node !== null) return wasi.ERRNO_EXIST;
    const parent = found.parent!;
    if (parent.readonly) return wasi.ERRNO_ROFS;
    if (parent.ctx.full) return wasi.ERRNO_NOSPC;
    parent.link(found.name, new DirNode(parent.ctx, false));
    return wasi.ERRNO_SUCCESS;
  }

  override path_filestat_get(flags: number, path: string) {
    const output = outputOf(walk(this.node, path, followFlag(flags)));
    if (output?.missing) {
      output.policy.note(`a stat of the missing ${output.path} creates it, empty (touchfs)`);
      if (output.policy.mode === 'enforce') this.path_open(0, path, wasi.OFLAGS_CREAT, 0n, 0n, 0).fd_obj?.fd_close();
    }
    const found = this.existing(path, followFlag(flags));
    if (found.node === null) return { ret: found.ret, filestat: null };
    return { ret: wasi.ERRNO_SUCCESS, filestat: found.node.stat() };
  }

  override path_filestat_set_times(flags: number, path: string, atim: bigint, mtim: bigint, fstFlags: number) {
    const found = this.existing(path, followFlag(flags));
    if (found.node === null) return found.ret;
    const refused = refusedInOutput(found, 'setting the times of');
    if (refused !== null) return refused;
    return setTimes(found.node, atim, mtim, fstFlags);
  }

  /** For path_link: the node to link (files and symlinks only). */
  override path_lookup(path: string, dirflags: number) {
    const found = this.existing(path, followFlag(dirflags));
    if (found.node === null) return { ret: found.ret, inode_obj: null };
    if (found.node instanceof DirNode) return { ret: wasi.ERRNO_PERM, inode_obj: null };
    return { ret: wasi.ERRNO_SUCCESS, inode_obj: found.node };
  }

  /** For path_link: adds a hard link to `inode` at `path`. */
  override path_link(path: string, inode: Node): number {
    const found = walk(this.node, path, 'entry');
    if (found.ret !== wasi.ERRNO_SUCCESS) return found.ret;
    const refused = refusedInOutput(found, 'a hard link at');
    if (refused !== null) return refused;
    if (found.node !== null) return wasi.ERRNO_EXIST;
    if (found.trailingSlash) return wasi.ERRNO_NOENT;
    const parent = found.parent!;
    if (parent.readonly || inode.readonly) return wasi.ERRNO_ROFS;
    parent.link(found.name, inode);
    inode.ctim = inode.ctx.now();
    return wasi.ERRNO_SUCCESS;
  }

  override path_readlink(path: string) {
    const found = this.existing(path, 'nofollow');
    if (found.node === null) return { ret: found.ret, data: null };
    const refused = refusedInOutput(found, 'readlink of');
    if (refused !== null) return { ret: refused, data: null };
    if (!(found.node instanceof SymlinkNode)) return { ret: wasi.ERRNO_INVAL, data: null };
    return { ret: wasi.ERRNO_SUCCESS, data: found.node.target };
  }

  override path_remove_directory(path: string): number {
    const found = this.existing(path, 'entry');
    if (found.node === null) return found.ret;
    const refused = refusedInOutput(found, 'rmdir');
    if (refused !== null) return refused;
    if (found.parent === null) return found.name === '.' ? wasi.ERRNO_INVAL : wasi.ERRNO_NOTEMPTY;
    if (!(found.node instanceof DirNode)) return wasi.ERRNO_NOTDIR;
    if (found.parent.readonly) return wasi.ERRNO_ROFS;
    if (found.node.mountPoint) return wasi.ERRNO_BUSY;
    if (found.node.entries.size > 0) return wasi.ERRNO_NOTEMPTY;
    found.parent.unlink(found.name);
    return wasi.ERRNO_SUCCESS;
  }

  override path_unlink_file(path: string): number {
    const found = this.existing(path, 'entry');
    if (found.node === null) return found.ret;
    const refused = refusedInOutput(found, 'unlink');
    if (refused !== null) return refused;
    if (found.node instanceof DirNode) return wasi.ERRNO_ISDIR;
    if (found.trailingSlash) return wasi.ERRNO_NOTDIR;
    if (found.parent!.readonly) return wasi.ERRNO_ROFS;
    if (found.node.mountPoint) return wasi.ERRNO_BUSY;
    found.parent!.unlink(found.name);
    return wasi.ERRNO_SUCCESS;
  }

  /** path_symlink: creates `path` pointing at `target` (kept as written). */
  symlink(target: string, path: string): number {
    // An absolute target could never resolve inside the sandbox; an empty one names nothing (as Linux).
    if (target.startsWith('/')) return wasi.ERRNO_NOTCAPABLE;
    if (target === '') return wasi.ERRNO_NOENT;
    const found = walk(this.node, path, 'entry');
    if (found.ret !== wasi.ERRNO_SUCCESS) return found.ret;
    const refused = refusedInOutput(found, 'a symlink at');
    if (refused !== null) return refused;
    if (found.node !== null) return wasi.ERRNO_EXIST;
    if (found.trailingSlash) return wasi.ERRNO_NOENT;
    const parent = found.parent!;
    if (parent.readonly) return wasi.ERRNO_ROFS;
    if (parent.ctx.full) return wasi.ERRNO_NOSPC;
    parent.link(found.name, new SymlinkNode(parent.ctx, false, target));
    return wasi.ERRNO_SUCCESS;
  }

  /** path_rename, done in one step (the shim unlinks then relinks, which loses on failure). */
  rename(oldPath: string, target: DirFd, newPath: string): number {
    const from = this.existing(oldPath, 'entry');
    if (from.node === null) return from.ret;
    const to = walk(target.node, newPath, 'entry');
    if (to.ret !== wasi.ERRNO_SUCCESS) return to.ret;
    const refused = refusedInOutput(from, 'rename') ?? refusedInOutput(to, 'rename to');
    if (refused !== null) return refused;
    if (from.parent === null || to.parent === null) return wasi.ERRNO_BUSY;
    if (from.parent.readonly || to.parent.readonly) return wasi.ERRNO_ROFS;
    if (from.node.mountPoint || to.node?.mountPoint) return wasi.ERRNO_BUSY;
    const moving = from.node;
    if (moving instanceof DirNode) {
      if (to.node !== null && !(to.node instanceof DirNode)) return wasi.ERRNO_NOTDIR;
      if (to.node instanceof DirNode && to.node !== moving && to.node.entries.size > 0) return wasi.ERRNO_NOTEMPTY;
      if (moving.contains(to.parent)) return wasi.ERRNO_INVAL;
    } else {
      if (from.trailingSlash || to.trailingSlash) return wasi.ERRNO_NOTDIR;
      if (to.node instanceof DirNode) return wasi.ERRNO_ISDIR;
    }
    if (to.node === moving) return wasi.ERRNO_SUCCESS;
    if (to.node !== null) to.parent.unlink(to.name);
    from.parent.remove(from.name);
    from.parent.touch();
    to.parent.add(to.name, moving);
    to.parent.touch();
    if (moving instanceof DirNode) moving.parent = to.parent;
    moving.ctim = moving.ctx.now();
    return wasi.ERRNO_SUCCESS;
  }

  private existing(path: string, final: FinalLink): Walked {
    const found = walk(this.node, path, final);
    if (found.ret === wasi.ERRNO_SUCCESS && found.node === null) return { ...found, ret: wasi.ERRNO_NOENT };
    return found;
  }
}

export class PreopenFd extends DirFd {
  constructor(
    node: DirNode,
    readonly name: string,
  ) {
    super(node);
  }

  override fd_prestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.name) };
  }
}

/** The output (touchfs) directory a walked path ends in, if any, with the policy that applies. */
function outputOf(found: Walked): { path: string; missing: boolean; policy: OutputPolicy } | undefined {
  const parent = found.parent;
  if (found.ret !== wasi.ERRNO_SUCCESS || parent?.output === undefined) return undefined;
  return { path: `${parent.output}/${found.name}`, missing: found.node === null, policy: parent.ctx.outputs };
}

/** ENOSYS for an operation touchfs does not have, when enforcing; null to go ahead (noted otherwise). */
function refusedInOutput(found: Walked, operation: string): number | null {
  const output = outputOf(found);
  return output === undefined ? null : output.policy.refuse(operation, output.path);
}
