import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import { Filestat } from '../fs/nodes.js';
import type { StreamName } from '../logs/types.js';

/**
 * A stdio stream. It looks like a pipe, not a terminal (as on a Bacalhau node), so libc buffers
 * stdout fully instead of making one host call per line. Reading or writing the wrong way is EBADF.
 */
abstract class PipeFd extends Fd {
  constructor(private readonly right: number) {
    super();
  }

  override fd_fdstat_get() {
    const stat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    stat.fs_rights_base = BigInt(this.right | wasi.RIGHTS_POLL_FD_READWRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat: stat };
  }

  override fd_fdstat_set_flags(): number {
    return wasi.ERRNO_SUCCESS;
  }

  override fd_filestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }

  override fd_seek() {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n };
  }

  override fd_read(_size: number) {
    return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
  }

  override fd_write(_data: Uint8Array) {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }
}

/** stdout and stderr: every write goes to the log sink. */
export class OutputFd extends PipeFd {
  constructor(
    private readonly stream: StreamName,
    private readonly sink: (stream: StreamName, data: Uint8Array) => void,
  ) {
    super(wasi.RIGHTS_FD_WRITE);
  }

  override fd_write(data: Uint8Array) {
    this.sink(this.stream, data);
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }
}

/** Static stdin: the job's bytes, then end of file (empty by default, as in Bacalhau). */
export class StdinFd extends PipeFd {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {
    super(wasi.RIGHTS_FD_READ);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.position;
  }

  override fd_read(size: number) {
    const data = this.bytes.slice(this.position, this.position + size);
    this.position += data.byteLength;
    return { ret: wasi.ERRNO_SUCCESS, data };
  }
}
