import { Inode, wasi } from '@bjorn3/browser_wasi_shim';
import { DEFAULT_FS_MAX_NODES } from '../protocol/messages.js';
import { OutputPolicy } from './touchfs.js';

/**
 * The in-memory filesystem's nodes, built on the shim's `Inode` so the shim stays the syscall
 * layer. Unlike the shim's `File`/`Directory` they carry a read-only flag that holds at every
 * depth, real timestamps and link counts, symlinks, amortised O(1) appends and a byte quota.
 */

/** Files grow in place in a resizable buffer from this size on (smaller ones by doubling copies). */
const RESIZABLE_FROM = 1 << 20;

/** The filesystem state shared by every node of one execution. */
export class FsContext {
  usedBytes = 0;
  /** Writable nodes alive now. */
  nodes = 0;
  constructor(
    /** Current time in nanoseconds (real, or deterministic when the job has a seed). */
    readonly now: () => bigint,
    /** Bytes writable files may hold in total; past it writes fail with ENOSPC. */
    readonly quotaBytes: number,
    /** Writable nodes allowed; past it creating one fails with ENOSPC (as when a disk runs out of inodes). */
    readonly maxNodes = DEFAULT_FS_MAX_NODES,
    /** How output directories behave: as Bacalhau's touchfs, or as ordinary directories noting the differences. */
    readonly outputs = new OutputPolicy('observe'),
  ) {}

  get full(): boolean {
    return this.nodes >= this.maxNodes;
  }
}

/** The shim's Filestat writes atim/mtim/ctim at offsets 38/46/52; preview1 puts them at 40/48/56. */
export class Filestat extends wasi.Filestat {
  override write_bytes(view: DataView, ptr: number): void {
    view.setBigUint64(ptr, this.dev, true);
    view.setBigUint64(ptr + 8, this.ino, true);
    view.setUint8(ptr + 16, this.filetype);
    view.setBigUint64(ptr + 24, this.nlink, true);
    view.setBigUint64(ptr + 32, this.size, true);
    view.setBigUint64(ptr + 40, this.atim, true);
    view.setBigUint64(ptr + 48, this.mtim, true);
    view.setBigUint64(ptr + 56, this.ctim, true);
  }
}

export abstract class Node extends Inode {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  nlink = 0n;
  /**
   * A mount, or a directory made to hold one (see buildRoot): like a mount point on Linux it
   * cannot be removed, renamed or replaced (EBUSY), and it is not content of the directory it is in.
   */
  mountPoint = false;

  constructor(
    readonly ctx: FsContext,
    /** Nothing under a read-only node can be changed: inputs and the virtual root. */
    readonly readonly: boolean,
  ) {
    super();
    this.atim = this.mtim = this.ctim = ctx.now();
    if (!readonly) ctx.nodes++;
  }

  abstract readonly filetype: number;
  abstract get size(): bigint;

  stat(): Filestat {
    const st = new Filestat(this.ino, this.filetype, this.size);
    st.nlink = this.nlink;
    st.atim = this.atim;
    st.mtim = this.mtim;
    st.ctim = this.ctim;
    return st;
  }

  touch(): void {
    this.mtim = this.ctim = this.ctx.now();
  }

  /** Its last link is gone: it stops counting against the node limit. */
  unlinked(): void {
    if (!this.readonly) this.ctx.nodes--;
  }

  /** Not used: Brine's directory fds open nodes themselves (see fds.ts). */
  path_open(): { ret: number; fd_obj: null } {
    return { ret: wasi.ERRNO_NOTSUP, fd_obj: null };
  }
}

export class FileNode extends Node {
  readonly filetype = wasi.FILETYPE_REGULAR_FILE;
  private buf: Uint8Array;
  private length: number;
  /** False while `buf` is the caller's buffer: the first change copies it (copy-on-write). */
  private owned: boolean;
  /** Open fds on the file: like POSIX, an unlinked file keeps its bytes until the last one closes. */
  openFds = 0;

  constructor(ctx: FsContext, readonly_: boolean, data: Uint8Array = new Uint8Array(0)) {
    super(ctx, readonly_);
    this.buf = data;
    this.length = data.byteLength;
    this.owned = false;
    if (!readonly_) ctx.usedBytes += data.byteLength;
  }

  get size(): bigint {
    return BigInt(this.length);
  }

  get byteLength(): number {
    return this.length;
  }

  /** The file's bytes (a view; copy before keeping it past further writes). */
  get data(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  read(position: number, size: number): Uint8Array {
    if (position >= this.length) return new Uint8Array(0);
    return this.buf.slice(position, Math.min(this.length, position + size));
  }

  /** Writes at `position`, growing the file (zero-filled). Returns an errno. */
  write(position: number, data: Uint8Array): number {
    const end = position + data.byteLength;
    const ret = this.resize(Math.max(end, this.length), true);
    if (ret !== wasi.ERRNO_SUCCESS) return ret;
    this.buf.set(data, position);
    this.touch();
    return wasi.ERRNO_SUCCESS;
  }

  /** Sets the size (truncate or extend with zeros). Returns an errno. */
  truncate(size: number): number {
    const ret = this.resize(size, false);
    if (ret === wasi.ERRNO_SUCCESS) this.touch();
    return ret;
  }

  /** Frees the bytes (and gives the quota back) once no link and no open fd is left. */
  releaseIfUnused(): void {
    if (this.nlink === 0n && this.openFds === 0 && !this.released) this.release();
  }

  override unlinked(): void {
    this.releaseIfUnused();
  }

  private released = false;

  private release(): void {
    this.released = true;
    super.unlinked();
    if (!this.readonly) this.ctx.usedBytes -= this.length;
    this.buf = new Uint8Array(0);
    this.length = 0;
  }

  private resize(size: number, forWrite: boolean): number {
    if (!Number.isSafeInteger(size) || size < 0) return wasi.ERRNO_FBIG;
    const delta = size - this.length;
    if (delta > 0 && this.ctx.usedBytes + delta > this.ctx.quotaBytes) return wasi.ERRNO_NOSPC;
    if (!this.owned || size > this.buf.byteLength) {
      // Writes grow the capacity by doubling, so n appends cost O(n) in total (the shim's File is O(n²)).
      const doubled = forWrite ? Math.min(this.buf.byteLength * 2, this.ctx.quotaBytes) : 0;
      if (!this.reserve(Math.max(size, doubled), size)) return wasi.ERRNO_NOSPC;
    } else if (size < this.length) {
      this.buf.fill(0, size, this.length);
    }
    this.ctx.usedBytes += delta;
    this.length = size;
    return wasi.ERRNO_SUCCESS;
  }

  /**
   * Makes room for `capacity` bytes, keeping the first `keep` of the current ones. Big files live
   * in a resizable buffer that grows in place (no copy), reserving at most 4 times what they need.
   * False if the host cannot allocate it.
   */
  private reserve(capacity: number, keep: number): boolean {
    const buffer = this.buf.buffer as ArrayBuffer;
    try {
      if (this.owned && buffer.resizable && capacity <= buffer.maxByteLength) {
        buffer.resize(capacity); // `buf` tracks the buffer's length
        return true;
      }
      const maxByteLength = Math.min(Math.max(this.ctx.quotaBytes, capacity), capacity * 4);
      const next =
        capacity >= RESIZABLE_FROM
          ? new Uint8Array(new ArrayBuffer(capacity, { maxByteLength }))
          : new Uint8Array(capacity);
      next.set(this.buf.subarray(0, Math.min(this.length, keep)));
      this.buf = next;
      this.owned = true;
      return true;
    } catch {
      return false;
    }
  }

  /** The bytes at their exact size, to hand over at the end of a run (without a copy where possible). */
  contents(): Uint8Array {
    const buffer = this.buf.buffer as ArrayBuffer;
    if (this.owned && buffer.resizable) {
      buffer.resize(this.length);
      return this.buf;
    }
    return this.owned && this.buf.byteLength === this.length ? this.buf : this.buf.slice(0, this.length);
  }
}

export class DirNode extends Node {
  readonly filetype = wasi.FILETYPE_DIRECTORY;
  readonly entries = new Map<string, Node>();
  /**
   * Each entry's readdir cookie, given when the entry is added and kept while it stays, so a
   * listing resumed after entries were added or removed neither skips nor repeats the others.
   * `entries` iterates in increasing cookie order (every add appends).
   */
  readonly cookies = new Map<string, bigint>();
  private nextCookie = 2n;
  /** Bumped by every change of `entries` (timestamps may repeat, or be set by the guest). */
  version = 0;
  parent: DirNode | null = null;
  /** Set on an output mount's directory: its name, and touchfs rules for what is directly in it (see touchfs.ts). */
  output: string | undefined;
  private subdirectories = 0;

  get size(): bigint {
    return 0n;
  }

  /** POSIX link count: its entry in the parent, its own ".", and each subdirectory's "..". */
  override stat(): Filestat {
    const st = super.stat();
    st.nlink = this.nlink === 0n ? 0n : 2n + BigInt(this.subdirectories);
    return st;
  }

  /** Links `node` under `name` (replacing nothing: callers check first). */
  link(name: string, node: Node): void {
    this.add(name, node);
    node.nlink++;
    if (node instanceof DirNode) node.parent = this;
    this.touch();
  }

  unlink(name: string): Node | undefined {
    const node = this.entries.get(name);
    if (node === undefined) return undefined;
    this.remove(name);
    node.nlink--;
    if (node.nlink === 0n) node.unlinked();
    this.touch();
    return node;
  }

  /** Adds an entry without counting a link (see rename); `link` is the usual way. */
  add(name: string, node: Node): void {
    this.remove(name);
    this.entries.set(name, node);
    if (node instanceof DirNode) this.subdirectories++;
    this.cookies.set(name, this.nextCookie++);
    this.version++;
  }

  /** Removes an entry without counting a link (see rename); `unlink` is the usual way. */
  remove(name: string): void {
    if (this.entries.get(name) instanceof DirNode) this.subdirectories--;
    this.entries.delete(name);
    this.cookies.delete(name);
    this.version++;
  }

  /** True if `this` is `other` or one of its ancestors. */
  contains(other: DirNode): boolean {
    for (let d: DirNode | null = other; d !== null; d = d.parent) if (d === this) return true;
    return false;
  }
}

export class SymlinkNode extends Node {
  readonly filetype = wasi.FILETYPE_SYMBOLIC_LINK;

  constructor(
    ctx: FsContext,
    readonly_: boolean,
    readonly target: string,
  ) {
    super(ctx, readonly_);
  }

  get size(): bigint {
    return BigInt(new TextEncoder().encode(this.target).byteLength);
  }
}
