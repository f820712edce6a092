// Brine's own WASI behaviour fixtures (fixtures/c/wasi_*.c): each program prints one
// "check=value" line per check (errnos as WASI numbers, 0 = success), and each test asserts the
// whole stdout. They pin down what had to be fixed beyond @bjorn3/browser_wasi_shim 0.4.2, with
// wasmtime on Linux as the reference (a line's comment says which shim bug or edge case it pins).
import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from '../src/executor/types.js';
import { fixture, job, run } from './helpers.js';

// WASI errno numbers used below: EBADF 8, EEXIST 20, EINVAL 28, EISDIR 31, ELOOP 32, ENOENT 44,
// ENOTDIR 54, ENOTEMPTY 55, EPERM 63, ENOTCAPABLE 76.

/** Runs fixtures/c/<name>.wasm on /out (a fresh output), seeded, and checks it ended cleanly. */
async function runWasi(name: string, stdin?: string): Promise<ExecutionResult> {
  const result = await run(
    job(fixture(`c/${name}.wasm`), {
      outputs: [{ name: 'out', path: '/out' }],
      parameters: ['/out'],
      brine: {
        argv0: '',
        preopens: [],
        seed: 1,
        ...(stdin === undefined ? {} : { stdin: new TextEncoder().encode(stdin) }),
      },
    }),
  );
  expect(result.state).toBe('completed');
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe('');
  return result;
}

const lines = (...l: string[]) => [...l, ''].join('\n');

describe('wasi_symlinks: symlinks (the shim 0.4.2 has none: path_symlink is ENOTSUP)', () => {
  it('create, read, follow, refuse and remove links as wasmtime does', async () => {
    const { stdout } = await runWasi('wasi_symlinks');
    expect(stdout).toBe(
      lines(
        'symlink=0',
        'symlink_exists=20',
        'readlink=0 n=6 target next=#', // exact target, no NUL added
        'readlink_short=0 n=3 tar next=#', // a short buffer truncates (the shim: EBADF)
        'lstat_link=0 link size=6', // filetype symlink, size = target length
        'stat_link=0 file size=6',
        'readlink_file=28', // EINVAL: not a link
        'readlink_dir=28',
        'readlink_missing=44',
        'open_link=0 hello', // followed by default
        'open_nofollow=32', // ELOOP
        'open_nofollow_dir=54', // ENOTDIR with O_DIRECTORY (Linux; the suite also allows ELOOP)
        'open_link_slash=54', // "link/" names a file: ENOTDIR
        'open_through_dlink=0 inner', // a link to a directory as a path component
        'create_through_dlink=0',
        'made_in_sub=0 file size=0',
        'lstat_dlink=0 link size=3',
        'lstat_dlink_slash=0 dir size=0', // a trailing slash follows the link even for lstat
        'open_dlink_nofollow_dir=54',
        'open_dlink_dir=0',
        'stat_dangle=44', // dangling: stat follows (ENOENT), lstat does not
        'lstat_dangle=0 link size=7',
        'open_dangle=44',
        'creat_excl_dangle=20', // O_CREAT|O_EXCL never follows: the dangling link exists (EEXIST)...
        'excl_target=44', // ...and its target is not created
        'creat_dangle=0', // O_CREAT without O_EXCL creates the target, as on Linux
        'created_target=0 file size=0',
        'dangle_still_link=0 link size=7',
        'creat_dangle_deep=44', // the target's directory is missing
        'open_loop=32', // a -> b -> a: ELOOP
        'stat_loop=32',
        'stat_self=32',
        'lstat_loop=0 link size=6',
        'open_40_hops=0 hello', // Linux's limit: 40 links per lookup are fine...
        'open_41_hops=32', // ...41 are ELOOP
        'symlink_root=76', // absolute targets: ENOTCAPABLE, nothing created
        'symlink_abs=76',
        'abs_absent=44',
        'open_dotdot_in=0 hello', // ".." inside the directory fd is fine
        'open_sub_up=0 hello', // a relative target resolves from the link's own directory
        'symlink_escape=0', // a ".." target may be created...
        'open_escape=76', // ...but following it above the directory fd is ENOTCAPABLE
        'stat_escape=76',
        'readlink_escape=0 n=10 ../escaped next=#',
        'unlink_link=0', // removing a link leaves its target
        'link_gone=44',
        'target_kept=0 file size=6',
        'unlink_dlink=0',
        'sub_kept=0 dir size=0',
        'rmdir_link=54', // rmdir of a link: ENOTDIR
        'unlink_link_slash=54', // "link/": unlink, rename and rmdir act on the link itself (ENOTDIR),
        'rename_link_slash=54',
        'rmdir_link_slash=54',
        'mkdir_dangle_slash=20', // and mkdir("dangling/") is EEXIST, never an act on the target
        'slash_left=e1 l1 e2 l2 e3 l3',
      ),
    );
  });
});

describe('wasi_times: timestamps (the shim 0.4.2 reports zeros, at wrong offsets, and cannot set them)', () => {
  it('stamps creation and changes, sets exact times, validates flags, and follows links only when asked', async () => {
    const { stdout } = await runWasi('wasi_times');
    expect(stdout).toBe(
      lines(
        'create_same=1 create_sec=946684800', // the seeded clock's epoch (2000-01-01)
        'dir_create mtim_later=1 ctim_later=1', // a new entry moves the directory's mtime
        'write mtim_later=1 ctim_later=1 atim_same=1',
        'read mtim_same=1 ctim_same=1',
        'truncate size=2 mtim_later=1 ctim_later=1',
        'futimens=0 atim=1.000000002 mtim=3.000000004 ctim_later=1', // nanoseconds kept exactly
        'set_times_atim_now=0 mtim=3.000000004 atim_sec=946684800 atim_later=1', // ATIM_NOW alone leaves mtime
        // No flag at all: nothing set. Brine still stamps ctime; Linux does not for two UTIME_OMITs,
        // and POSIX allows either ("need not be marked for update").
        'set_times_omit_both=0 atim_same=1 mtim_same=1 ctim_same=0',
        'set_times_mtim_now=0 atim_same=1 mtim_later=1',
        'utimensat=0 atim=5.000000006 mtim=7.999999999',
        'set_times_big=0 atim=9007199254740993 mtim=18446744073709551615', // 64-bit, past 2^53
        'set_times_atim_and_now=28', // ATIM with ATIM_NOW: EINVAL
        'set_times_mtim_and_now=28',
        'set_times_unknown_flag=28',
        'path_set_times_atim_and_now=28',
        'rejected_unchanged=1', // a refused call changes nothing, not even ctime
        'utimensat_nofollow=0 link_mtim=11.000000000 target_mtim_same=1', // the link's own times
        'utimensat_follow=0 link_mtim=11.000000000 target_atim=12.000000000 target_mtim=13.000000000',
        'link=0 mtim_same=1 ctim_later=1 nlink=2', // a hard link is a status change
        'futimens_dir=0 atim=20.000000000 mtim=21.000000000', // directories take times too
        'dir_add mtim_later=1 atim_same=1',
        'dir_rename mtim_later=1',
        'dir_remove mtim_later=1',
        'dir_file_write mtim_same=1', // writing a file does not touch its directory
      ),
    );
  });
});

describe('wasi_rights_flags: rights as capabilities, fd flags (the shim 0.4.2 reports no rights; set_rights/set_flags are ENOTSUP)', () => {
  it('grants, masks, drops and enforces rights; APPEND and fd reuse', async () => {
    const { stdout } = await runWasi('wasi_rights_flags');
    expect(stdout).toBe(
      lines(
        'prestat3=0', // fd 3 is the "/" preopen
        // A directory has no read/write/seek of its own (as in wasmtime) but hands them down.
        'preopen type=3 base=open,readdir,trunc inheriting=read,write,seek,open,readdir,trunc',
        'dir type=3 base=open,readdir,trunc inheriting=read,write,seek,open,readdir,trunc',
        'rdonly type=4 base=read,seek inheriting=-', // O_RDONLY: no FD_WRITE...
        'rdonly_write=8', // ...so write is EBADF
        'wronly type=4 base=write,seek inheriting=-',
        'wronly_read=8',
        'wronly_pread=8',
        'fd_reused=1', // a closed fd number is reused (the shim only appends)
        'drop_read=0',
        'dropped type=4 base=write,seek inheriting=-', // fd_fdstat_set_rights sticks
        'dropped_read=8', // EBADF (the suite allows EBADF or ENOTCAPABLE)
        'dropped_write=0',
        'add_read=76', // rights can only be dropped: ENOTCAPABLE
        'add_inheriting=76',
        'set_append=0', // fcntl(F_SETFL, O_APPEND) is fd_fdstat_set_flags
        'getfl_append=1',
        'fdstat_append=1',
        'append_write=0123456789ab pos=12', // written at the end despite lseek(0)
        // pwrite writes at its offset even with APPEND (POSIX; Linux appends; the suite allows
        // both) and leaves the position alone.
        'append_pwrite=0XY3456789ab pos=12',
        'unset_append=-XY3456789ab',
        'open_dot=0',
        'dot type=3 base=open,readdir,trunc inheriting=read,seek', // granted what was asked
        'masked_open=0', // asks read+write from a directory that hands down read only...
        'masked type=4 base=read inheriting=-', // ...and gets read only (wasi-common did the same)
        'masked_write=8',
        'drop_trunc=0',
        'trunc_without_right=76', // O_TRUNC needs PATH_FILESTAT_SET_SIZE: ENOTCAPABLE...
        'kept=-XY3456789ab', // ...and nothing was truncated
        'trunc_with_right=0',
        'truncated=',
        'open_dir_rw=31', // a directory opened with FD_WRITE: EISDIR
        'open_dir_wronly=31',
        'open_dir_trunc=31',
        'dir_seek=8', // EBADF (the suite allows EISDIR, ENOTCAPABLE or EBADF)
        'dir_read=31', // EISDIR, as read(2) on Linux
        'dir_write=8',
        'file_as_dir=54', // O_DIRECTORY on a file: ENOTDIR
      ),
    );
  });
});

describe('wasi_paths: path edge cases (the shim 0.4.2 drops "."/".." lexically, renames in two steps, skips readdir entries)', () => {
  it('trailing slashes, existence, removal and rename errnos, "..", hard links and readdir', async () => {
    const { stdout } = await runWasi('wasi_paths');
    expect(stdout).toBe(
      lines(
        'open_file_slash=54', // "file/": ENOTDIR
        'creat_slash=31', // O_CREAT of "new/": EISDIR (Linux)
        'mkdir_slash=0', // "dir/" is fine for directories
        'dir=0 dir',
        'mkdir_exists=20',
        'rmdir_slash=0',
        'unlink_file_slash=54',
        'rename_dir_slash=0', // "dir/" -> "dir2/"
        'dir2=0 dir',
        'rename_to_slash=54', // a file renamed to "x/": ENOTDIR
        'rename_from_slash=54',
        'file_kept=0 file nlink=1 size=5', // a refused rename loses nothing
        'creat_excl=20', // O_CREAT|O_EXCL on an existing file: EEXIST
        'open_missing=44',
        'creat_missing_parent=44',
        'open_through_file=54',
        'stat_file_dot=54', // "file/." is ENOTDIR (the shim drops the "." and finds the file)
        'stat_dir_dot=0 dir',
        'rmdir_nonempty=55', // ENOTEMPTY
        'rmdir_file=54',
        'unlink_dir=31', // EISDIR (Linux; POSIX says EPERM)
        'rmdir_dot=28', // rmdir(".") is EINVAL
        'unlink_missing=44',
        'rename_over_nonempty=55', // a directory over a non-empty one: ENOTEMPTY...
        'full_kept=0 file nlink=1 size=5', // ...and both stay whole
        'rename_over_empty=0', // over an empty one: replaced
        'moved_content=inside|',
        'dir2_gone=44',
        'rename_into_child=28', // into its own subtree: EINVAL
        'rename_into_self=28',
        'rename_to_itself=0',
        'rename_file_over_dir=31',
        'rename_dir_over_file=54',
        'rename_file_over_file=0',
        'replaced_content=other|',
        'other_gone=44',
        'rename_missing=44',
        'dotdot_inside=data|', // ".." that stays inside the directory fd is fine
        'dotdot_above=76', // above it: ENOTCAPABLE
        'dotdot_deep_above=76',
        'mkdir_above=76',
        'stat_dot=0 dir',
        'link=0',
        'file_nlink=0 file nlink=2 size=5', // a hard link counts
        'shared=data|more|', // written through one name, read through the other
        'same_ino=1',
        'link_exists=20',
        'link_dir=63', // hard links to directories: EPERM
        'link_missing=44',
        'unlink_first=0',
        'hard_after=0 file nlink=1 size=10', // the bytes outlive the first name
        'hard_content=data|more|',
        'readdir=.:d ..:d a:d b:f c:l', // "." and ".." listed; entry types (sorted by name)
        // fd_readdir with room for one entry per call, resumed by cookie, deleting each entry
        // as it is seen: 12 calls, every entry exactly once (cookies stay valid across deletes).
        'readdir_deleting calls=12 dots=2 once=10 repeats=0 others=0',
        'rmdir_emptied=0',
      ),
    );
  });
});

describe('wasi_poll: poll_oneoff (the shim 0.4.2 takes one clock subscription and no fds)', () => {
  it('clocks fire earliest first, fds are ready at once, bad fds and clocks are error events', async () => {
    const { stdout } = await runWasi('wasi_poll', 'hello');
    expect(stdout).toBe(
      lines(
        'none=28 n=99', // no subscriptions: EINVAL, nevents untouched
        'one_clock=0 n=1 1:0:0', // userdata:type:error; with a seed the sleep is instant...
        'slept_1s=1', // ...but the monotonic clock moved on by the timeout
        'two_clocks=0 n=1 16045690984503111693:0:0', // the 2 s realtime clock beats the 5 s one; 64-bit userdata intact
        'slept_2s=1',
        'equal_clocks=0 n=2 31:0:0 32:0:0', // equal deadlines fire together, the later one not
        'zero_timeout=0 n=1 41:0:0',
        'abs_past=0 n=1 51:0:0', // an absolute deadline in the past fires at once...
        'abs_past_no_sleep=1', // ...without sleeping
        'abs_future=0 n=1 52:0:0', // an absolute deadline in the future is slept until
        'abs_future_reached=1',
        'stdin=0 n=1 61:1:0:5', // stdin is ready (FD_READ) with nbytes = the 5 bytes left...
        'stdin_after_read_2=0 n=1 61:1:0:3', // ...and 3 after reading 2
        'stdout=0 n=1 62:2:0:0', // stdout is ready for writing
        'bad_fd=0 n=1 63:1:8:0', // fd 99: an EBADF event, not a failed call
        'file=0 n=2 64:1:0:6 65:2:0:0', // a file at offset 4 of 10: 6 bytes to read
        'closed_fd=0 n=1 66:1:8:0',
        'mixed=0 n=3 72:2:0:0 73:1:0:3 74:2:8:0', // ready fds are reported; the clock neither fires...
        'mixed_no_sleep=1', // ...nor is waited for
        'cputime_clock=0 n=1 80:0:0', // Brine runs the CPU-time clocks as the monotonic clock
        // An unknown clock id is an EINVAL event (wasmtime fails the whole call with EINVAL);
        // a valid clock beside it does not fire, so the guest sees the error at once.
        'unknown_clock=0 n=1 81:0:28',
        'unknown_and_monotonic=0 n=1 82:0:28',
        'sched_yield=0',
      ),
    );
  });
});
