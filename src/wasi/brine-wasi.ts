import { type Fd, WASI, wasi } from '@bjorn3/browser_wasi_shim';
import { DirFd, FileFd } from '../fs/fds.js';
import type { Entropy } from './clock.js';
import { StdinFd } from './stdio.js';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

/**
 * The shim's WASI with Brine's corrections, each replacing one syscall of its table:
 * - sockets and proc_raise return errnos (the shim throws strings);
 * - poll_oneoff handles any number of clock and fd subscriptions and writes nevents;
 * - clocks and random_get come from the job's `Entropy` (real, or seeded);
 * - path_open reuses the lowest free fd (the shim only appends);
 * - path_symlink, path_rename and path_readlink go to Brine's filesystem;
 * - args_sizes_get counts UTF-8 bytes (the shim counts UTF-16 units);
 * - fd_write hands the fd one buffer per call, not one per iovec, so a write is never split.
 * - a pointer outside the guest's memory gives EFAULT (the shim throws a RangeError).
 * `onHostCall` runs before every other syscall (the log batcher uses it to send held-back output).
 * One instance serves one module instance (its memory); modules of a job share `fds`.
 */
export class BrineWasi extends WASI {
  constructor(args: string[], env: string[], fds: Fd[], entropy: Entropy, onHostCall?: () => void) {
    super(args, env, fds, { debug: false });
    const view = () => new DataView(this.inst.exports.memory.buffer);
    const bytes = () => new Uint8Array(this.inst.exports.memory.buffer);
    const text = (ptr: number, len: number) => new TextDecoder().decode(bytes().subarray(ptr, ptr + len));
    const fd = (n: number): Fd | undefined => this.fds[n];
    const socketErrno = (n: number) => (fd(n) === undefined ? wasi.ERRNO_BADF : wasi.ERRNO_NOTSOCK);

    Object.assign(this.wasiImport, {
      args_sizes_get: (argcPtr: number, bufSizePtr: number) => {
        const encoder = new TextEncoder();
        view().setUint32(argcPtr, this.args.length, true);
        view().setUint32(
          bufSizePtr,
          this.args.reduce((sum, a) => sum + encoder.encode(a).byteLength + 1, 0),
          true,
        );
        return wasi.ERRNO_SUCCESS;
      },

      clock_res_get: (id: number, resultPtr: number) => {
        const resolution = entropy.resolution(id);
        if (resolution === null) return wasi.ERRNO_INVAL;
        view().setBigUint64(resultPtr, resolution, true);
        return wasi.ERRNO_SUCCESS;
      },

      clock_time_get: (id: number, _precision: bigint, resultPtr: number) => {
        const time = readClock(entropy, id);
        if (time === null) return wasi.ERRNO_INVAL;
        view().setBigUint64(resultPtr, time, true);
        return wasi.ERRNO_SUCCESS;
      },

      random_get: (ptr: number, len: number) => {
        entropy.fillRandom(bytes().subarray(ptr, ptr + len));
        return wasi.ERRNO_SUCCESS;
      },

      fd_write: (n: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number) => {
        const target = fd(n);
        if (target === undefined) return wasi.ERRNO_BADF;
        const memory = view();
        const parts: Uint8Array[] = [];
        let total = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = memory.getUint32(iovsPtr + i * 8, true);
          const len = memory.getUint32(iovsPtr + i * 8 + 4, true);
          parts.push(bytes().subarray(ptr, ptr + len));
          total += len;
        }
        // One iovec is passed as a view of guest memory: fds copy what they keep.
        let data: Uint8Array;
        if (parts.length === 1) data = parts[0]!;
        else {
          data = new Uint8Array(total);
          let at = 0;
          for (const part of parts) {
            data.set(part, at);
            at += part.byteLength;
          }
        }
        const { ret, nwritten } = target.fd_write(data);
        view().setUint32(nwrittenPtr, nwritten, true);
        return ret;
      },

      proc_raise: () => wasi.ERRNO_NOSYS,
      sock_accept: socketErrno,
      sock_recv: socketErrno,
      sock_send: socketErrno,
      sock_shutdown: socketErrno,

      path_open: (
        dirFd: number,
        dirflags: number,
        pathPtr: number,
        pathLen: number,
        oflags: number,
        rightsBase: bigint,
        rightsInheriting: bigint,
        fdflags: number,
        openedPtr: number,
      ) => {
        const dir = fd(dirFd);
        if (dir === undefined) return wasi.ERRNO_BADF;
        const path = text(pathPtr, pathLen);
        const { ret, fd_obj } = dir.path_open(dirflags, path, oflags, rightsBase, rightsInheriting, fdflags);
        if (ret !== wasi.ERRNO_SUCCESS || fd_obj === null) return ret;
        // biome-ignore lint/complexity/useIndexOf: indexOf skips the holes fd_close leaves in the table
        let slot = this.fds.findIndex((f) => f === undefined);
        if (slot < 0) slot = this.fds.length;
        this.fds[slot] = fd_obj;
        view().setUint32(openedPtr, slot, true);
        return wasi.ERRNO_SUCCESS;
      },

      path_symlink: (targetPtr: number, targetLen: number, dirFd: number, pathPtr: number, pathLen: number) => {
        const dir = fd(dirFd);
        if (dir === undefined) return wasi.ERRNO_BADF;
        if (!(dir instanceof DirFd)) return wasi.ERRNO_NOTDIR;
        return dir.symlink(text(targetPtr, targetLen), text(pathPtr, pathLen));
      },

      path_rename: (fromFd: number, fromPtr: number, fromLen: number, toFd: number, toPtr: number, toLen: number) => {
        const from = fd(fromFd);
        const to = fd(toFd);
        if (from === undefined || to === undefined) return wasi.ERRNO_BADF;
        if (!(from instanceof DirFd) || !(to instanceof DirFd)) return wasi.ERRNO_NOTDIR;
        return from.rename(text(fromPtr, fromLen), to, text(toPtr, toLen));
      },

      path_readlink: (
        dirFd: number,
        pathPtr: number,
        pathLen: number,
        bufPtr: number,
        bufLen: number,
        nreadPtr: number,
      ) => {
        const dir = fd(dirFd);
        if (dir === undefined) return wasi.ERRNO_BADF;
        const { ret, data } = dir.path_readlink(text(pathPtr, pathLen));
        if (ret !== wasi.ERRNO_SUCCESS || data === null) return ret;
        // Like readlink(2), a short buffer gets the truncated target.
        const target = new TextEncoder().encode(data).subarray(0, bufLen);
        bytes().set(target, bufPtr);
        view().setUint32(nreadPtr, target.byteLength, true);
        return wasi.ERRNO_SUCCESS;
      },

      poll_oneoff: (inPtr: number, outPtr: number, count: number, neventsPtr: number) => {
        if (count === 0) return wasi.ERRNO_INVAL;
        const memory = view();
        const ready: { userdata: bigint; type: number; error: number; nbytes: bigint }[] = [];
        const clocks: { userdata: bigint; remaining: bigint }[] = [];
        for (let i = 0; i < count; i++) {
          const at = inPtr + i * SUBSCRIPTION_SIZE;
          const userdata = memory.getBigUint64(at, true);
          const type = memory.getUint8(at + 8);
          if (type === wasi.EVENTTYPE_CLOCK) {
            const now = readClock(entropy, memory.getUint32(at + 16, true));
            const timeout = memory.getBigUint64(at + 24, true);
            const absolute = (memory.getUint16(at + 40, true) & wasi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
            if (now === null) ready.push({ userdata, type, error: wasi.ERRNO_INVAL, nbytes: 0n });
            else clocks.push({ userdata, remaining: absolute ? timeout - now : timeout });
          } else if (type === wasi.EVENTTYPE_FD_READ || type === wasi.EVENTTYPE_FD_WRITE) {
            ready.push({ userdata, type, ...readiness(fd(memory.getUint32(at + 16, true)), type) });
          } else {
            ready.push({ userdata, type, error: wasi.ERRNO_INVAL, nbytes: 0n });
          }
        }
        if (ready.length === 0) {
          // Nothing else can become ready while the guest waits: sleep until the first deadline.
          // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
          const wait = clocks.reduce((min, c) => (c.remaining < min ? c.remaining : min), clocks[0]!.remaining);
          if (wait > 0n) entropy.sleep(wait);
          for (const clock of clocks) {
            if (clock.remaining <= wait) {
              ready.push({ userdata: clock.userdata, type: wasi.EVENTTYPE_CLOCK, error: 0, nbytes: 0n });
            }
          }
        }
        const out = view();
        ready.forEach((event, i) => {
          const at = outPtr + i * EVENT_SIZE;
          out.setBigUint64(at, event.userdata, true);
          out.setUint16(at + 8, event.error, true);
          out.setUint8(at + 10, event.type);
          out.setBigUint64(at + 16, event.nbytes, true);
          out.setUint16(at + 24, 0, true);
        });
        out.setUint32(neventsPtr, ready.length, true);
        return wasi.ERRNO_SUCCESS;
      },
    });

    for (const [name, call] of Object.entries(this.wasiImport)) {
      const before = name === 'fd_write' ? undefined : onHostCall;
      this.wasiImport[name] = (...args: unknown[]) => {
        before?.();
        try {
          return call(...args);
        } catch (error) {
          // A pointer or length outside the guest's memory is the guest's fault: EFAULT, as in wazero.
          if (error instanceof RangeError && OUT_OF_BOUNDS.test(error.message)) return wasi.ERRNO_FAULT;
          throw error;
        }
      };
    }
  }
}

/** V8's messages for a DataView or typed-array access outside its buffer. */
const OUT_OF_BOUNDS = /outside the bounds|invalid typed array length|out of range/i;

function readClock(entropy: Entropy, id: number): bigint | null {
  if (entropy.resolution(id) === null) return null;
  switch (id) {
    case wasi.CLOCKID_REALTIME:
      return entropy.realtime();
    case wasi.CLOCKID_MONOTONIC:
    case wasi.CLOCKID_PROCESS_CPUTIME_ID:
    case wasi.CLOCKID_THREAD_CPUTIME_ID:
      return entropy.monotonic();
    default:
      return null;
  }
}

/** In-memory fds never block: a poll on one is ready at once (or fails with EBADF). */
function readiness(target: Fd | undefined, type: number): { error: number; nbytes: bigint } {
  if (target === undefined) return { error: wasi.ERRNO_BADF, nbytes: 0n };
  if (type === wasi.EVENTTYPE_FD_READ) {
    if (target instanceof StdinFd) return { error: 0, nbytes: BigInt(target.remaining) };
    if (target instanceof FileFd)
      return { error: 0, nbytes: BigInt(Math.max(0, target.node.byteLength - target.position)) };
  }
  return { error: 0, nbytes: 0n };
}
