import { wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import type { StreamName } from '../logs/types.js';
import { OutputFd, StdinFd } from './stdio.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('StdinFd', () => {
  it('reads the bytes then end of file; cannot seek or write', () => {
    const fd = new StdinFd(enc('hello'));
    expect(fd.remaining).toBe(5);
    expect(dec(fd.fd_read(3).data)).toBe('hel');
    expect(fd.remaining).toBe(2);
    expect(dec(fd.fd_read(10).data)).toBe('lo');
    expect(fd.fd_read(10)).toEqual({ ret: 0, data: new Uint8Array(0) });
    expect(fd.remaining).toBe(0);
    expect(fd.fd_seek().ret).toBe(wasi.ERRNO_SPIPE);
    expect(fd.fd_write(enc('x')).ret).toBe(wasi.ERRNO_BADF);
    expect(fd.fd_fdstat_get().fdstat!.fs_rights_base & BigInt(wasi.RIGHTS_FD_READ)).not.toBe(0n);
    expect(fd.fd_fdstat_get().fdstat!.fs_rights_base & BigInt(wasi.RIGHTS_FD_WRITE)).toBe(0n);
  });

  it('empty stdin is at end of file at once', () => {
    expect(new StdinFd(new Uint8Array(0)).fd_read(10).data.byteLength).toBe(0);
  });
});

describe('OutputFd', () => {
  it('passes each write to the sink with its stream, and looks like a pipe', () => {
    const seen: [StreamName, string][] = [];
    const out = new OutputFd('stderr', (stream, data) => seen.push([stream, dec(data)]));
    expect(out.fd_write(enc('oops'))).toEqual({ ret: 0, nwritten: 4 });
    expect(seen).toEqual([['stderr', 'oops']]);
    expect(out.fd_seek().ret).toBe(wasi.ERRNO_SPIPE);
    expect(out.fd_read(10).ret).toBe(wasi.ERRNO_BADF);
    const stat = out.fd_fdstat_get().fdstat!;
    expect(stat.fs_filetype).toBe(wasi.FILETYPE_UNKNOWN);
    expect(stat.fs_filetype).not.toBe(wasi.FILETYPE_CHARACTER_DEVICE);
    expect(stat.fs_rights_base & BigInt(wasi.RIGHTS_FD_WRITE)).not.toBe(0n);
    expect(out.fd_filestat_get().filestat!.filetype).toBe(wasi.FILETYPE_UNKNOWN);
  });
});
