import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import { Filestat } from '../fs/nodes.js';
import type { StreamName } from '../logs/types.js';

/**
 * stdout and stderr. They look like pipes, not terminals (as on a Bacalhau node), so libc
 * buffers stdout fully instead of making one host call per line.
 */
export class OutputFd extends Fd {
  constructor(
    private readonly stream: StreamName,
    private readonly sink: (stream: StreamName, data: Uint8Array) => void,
  ) {
    super();
  }

  override fd_fdstat_get() {
    const stat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    stat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_POLL_FD_READWRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat: stat };
  }

  override fd_fdstat_set_flags(): number {
    return wasi.ERRNO_SUCCESS;
  }

  override fd_filestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }

  override fd_write(data: Uint8Array) {
    this.sink(this.stream, data);
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }

  override fd_seek() {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n };
  }

  override fd_read() {
    return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
  }
}

/** Static stdin: the job's bytes, then end of file (empty by default, as in Bacalhau). */
export class StdinFd extends Fd {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {
    super();
  }

  override fd_fdstat_get() {
    const stat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    stat.fs_rights_base = BigInt(wasi.RIGHTS_FD_READ | wasi.RIGHTS_POLL_FD_READWRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat: stat };
  }

  override fd_fdstat_set_flags(): number {
    return wasi.ERRNO_SUCCESS;
  }

  override fd_filestat_get() {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }

  get remaining(): number {
    return this.bytes.byteLength - this.position;
  }

  override fd_read(size: number) {
    const data = this.bytes.slice(this.position, this.position + size);
    this.position += data.byteLength;
    return { ret: wasi.ERRNO_SUCCESS, data };
  }

  override fd_seek() {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n };
  }

  override fd_write() {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }
}
