/**
 * WASI preview1's names for the numbers a trace records (wasi_snapshot_preview1.witx), as the
 * trace shows them: errnos without their `errno_` prefix (`success`, `noent`), flags and rights
 * as lists of names, enums by name.
 */

/** errno values 0–76 in order. */
// biome-ignore format: a table
export const ERRNO_NAMES: readonly string[] = [
  'success', '2big', 'acces', 'addrinuse', 'addrnotavail', 'afnosupport', 'again', 'already', 'badf',
  'badmsg', 'busy', 'canceled', 'child', 'connaborted', 'connrefused', 'connreset', 'deadlk', 'destaddrreq',
  'dom', 'dquot', 'exist', 'fault', 'fbig', 'hostunreach', 'idrm', 'ilseq', 'inprogress', 'intr', 'inval',
  'io', 'isconn', 'isdir', 'loop', 'mfile', 'mlink', 'msgsize', 'multihop', 'nametoolong', 'netdown',
  'netreset', 'netunreach', 'nfile', 'nobufs', 'nodev', 'noent', 'noexec', 'nolck', 'nolink', 'nomem',
  'nomsg', 'noprotoopt', 'nospc', 'nosys', 'notconn', 'notdir', 'notempty', 'notrecoverable', 'notsock',
  'notsup', 'notty', 'nxio', 'overflow', 'ownerdead', 'perm', 'pipe', 'proto', 'protonosupport', 'prototype',
  'range', 'rofs', 'spipe', 'srch', 'stale', 'timedout', 'txtbsy', 'xdev', 'notcapable',
];

/** What each errno means, as wasi_snapshot_preview1.witx says (in ERRNO_NAMES' order). */
// biome-ignore format: a table
export const ERRNO_MEANINGS: readonly string[] = [
  'No error occurred', 'Argument list too long', 'Permission denied', 'Address in use', 'Address not available',
  'Address family not supported', 'Resource unavailable, or operation would block', 'Connection already in progress',
  'Bad file descriptor', 'Bad message', 'Device or resource busy', 'Operation canceled', 'No child processes',
  'Connection aborted', 'Connection refused', 'Connection reset', 'Resource deadlock would occur',
  'Destination address required', 'Mathematics argument out of domain of function', 'Reserved', 'File exists',
  'Bad address', 'File too large', 'Host is unreachable', 'Identifier removed', 'Illegal byte sequence',
  'Operation in progress', 'Interrupted function', 'Invalid argument', 'I/O error', 'Socket is connected',
  'Is a directory', 'Too many levels of symbolic links', 'File descriptor value too large', 'Too many links',
  'Message too large', 'Reserved', 'Filename too long', 'Network is down', 'Connection aborted by network',
  'Network unreachable', 'Too many files open in system', 'No buffer space available', 'No such device',
  'No such file or directory', 'Executable file format error', 'No locks available', 'Reserved',
  'Not enough space', 'No message of the desired type', 'Protocol not available', 'No space left on device',
  'Function not supported', 'The socket is not connected', 'Not a directory or a symbolic link to a directory',
  'Directory not empty', 'State not recoverable', 'Not a socket', 'Not supported, or operation not supported on socket',
  'Inappropriate I/O control operation', 'No such device or address', 'Value too large to be stored in data type',
  'Previous owner died', 'Operation not permitted', 'Broken pipe', 'Protocol error', 'Protocol not supported',
  'Protocol wrong type for socket', 'Result too large', 'Read-only file system', 'Invalid seek', 'No such process',
  'Reserved', 'Connection timed out', 'Text file busy', 'Cross-device link', 'Capabilities insufficient',
];

/** Each bit of `rights`, from bit 0. */
// biome-ignore format: a table
export const RIGHTS_NAMES: readonly string[] = [
  'fd_datasync', 'fd_read', 'fd_seek', 'fd_fdstat_set_flags', 'fd_sync', 'fd_tell', 'fd_write', 'fd_advise',
  'fd_allocate', 'path_create_directory', 'path_create_file', 'path_link_source', 'path_link_target',
  'path_open', 'fd_readdir', 'path_readlink', 'path_rename_source', 'path_rename_target', 'path_filestat_get',
  'path_filestat_set_size', 'path_filestat_set_times', 'fd_filestat_get', 'fd_filestat_set_size',
  'fd_filestat_set_times', 'path_symlink', 'path_remove_directory', 'path_unlink_file', 'poll_fd_readwrite',
  'sock_shutdown', 'sock_accept',
];

/** The bits of each flags type, from bit 0. */
export const FLAG_NAMES = {
  lookupflags: ['symlink_follow'],
  oflags: ['creat', 'directory', 'excl', 'trunc'],
  fdflags: ['append', 'dsync', 'nonblock', 'rsync', 'sync'],
  fstflags: ['atim', 'atim_now', 'mtim', 'mtim_now'],
  riflags: ['recv_peek', 'recv_waitall'],
  roflags: ['recv_data_truncated'],
  siflags: [],
  sdflags: ['rd', 'wr'],
  subclockflags: ['subscription_clock_abstime'],
} as const satisfies Record<string, readonly string[]>;

/** Each enum's values in order. */
// biome-ignore format: a table
export const ENUM_NAMES = {
  clockid: ['realtime', 'monotonic', 'process_cputime_id', 'thread_cputime_id'],
  whence: ['set', 'cur', 'end'],
  advice: ['normal', 'sequential', 'random', 'willneed', 'dontneed', 'noreuse'],
  filetype: [
    'unknown',
    'block_device',
    'character_device',
    'directory',
    'regular_file',
    'socket_dgram',
    'socket_stream',
    'symbolic_link',
  ],
  eventtype: ['clock', 'fd_read', 'fd_write'],
  preopentype: ['dir'],
  signal: [
    'none', 'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv', 'usr2', 'pipe',
    'alrm', 'term', 'chld', 'cont', 'stop', 'tstp', 'ttin', 'ttou', 'urg', 'xcpu', 'xfsz', 'vtalrm', 'prof',
    'winch', 'poll', 'pwr', 'sys',
  ],
} as const satisfies Record<string, readonly string[]>;

export type FlagsType = keyof typeof FLAG_NAMES;
export type EnumType = keyof typeof ENUM_NAMES;

/** An errno's name: `noent` for 44; an unknown value as its number. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? String(errno);
}

/** The names of the set bits, low bit first; bits without a name as one hex value, e.g. `0x100`. */
export function bitNames(value: bigint, names: readonly string[]): string[] {
  const set: string[] = [];
  let rest = value;
  names.forEach((name, bit) => {
    const mask = 1n << BigInt(bit);
    if ((rest & mask) !== 0n) {
      set.push(name);
      rest &= ~mask;
    }
  });
  if (rest !== 0n) set.push(`0x${rest.toString(16)}`);
  return set;
}

/** An enum value's name, or its number when it has none. */
export function enumName(type: EnumType, value: number): string | number {
  const names: readonly string[] = ENUM_NAMES[type];
  return names[value] ?? value;
}
