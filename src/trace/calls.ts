/**
 * What the trace records of each host call: its parameters in order, each with a kind that says
 * how many wasm parameters it takes, what the worker stores (Encoder) and how the host shows it
 * (Decoder). Parameters the call fills in (`out` kinds: bytes written, a new fd, a stat) are
 * stored only when it succeeded. A host module other than WASI adds its calls to HOST_CALLS
 * under its import name; the worker's Tracer then records them like preview1's.
 */

import { HTTP_CODES, HTTP_FUNCTION, HTTP_METHODS, HTTP_MODULE } from '../protocol/http.js';
import { bitNames, type EnumType, enumName, FLAG_NAMES, type FlagsType, RIGHTS_NAMES } from './names.js';
import { type Decoder, type Encoder, MAX_TEXT_BYTES } from './record.js';

/** An fd with the path it refers to (unknown for an fd the trace never saw opened). */
export interface FdValue {
  fd: number;
  path?: string;
}

export interface Subscription {
  type: string | number;
  /** clock subscriptions */
  clock?: string | number;
  timeout?: number | string;
  abstime?: boolean;
  /** fd_read and fd_write subscriptions */
  fd?: FdValue;
}

/** A decoded value. 64-bit numbers past 2^53 are decimal strings. */
export type TraceValue =
  | number
  | string
  | boolean
  | string[]
  | FdValue
  | { iovs: number; bytes: number }
  | { count: number; first: Subscription[] }
  | { [field: string]: TraceValue };

/** How a decoder learns the path of an fd: as it was before the call, or after it (a new fd). */
export type FdPaths = (fd: number, after: boolean) => string | undefined;

export interface Kind {
  /** The wasm parameters it takes, as in loader/preview1.ts (i: i32, I: i64). */
  sig: string;
  /** Written by the call: recorded only when it succeeded. */
  out?: true;
  /** Its value is several named fields, shown beside the others (not under the parameter's name). */
  fields?: true;
  /** `raw[at]` is its first wasm parameter. */
  encode(e: Encoder, raw: ArrayLike<unknown>, at: number): void;
  decode(d: Decoder, fds: FdPaths): TraceValue;
  /** The paths in its decoded value (with `fields`, the object holding them), for filters. */
  paths?(value: TraceValue): string[];
}

const safe = (value: bigint): number | string =>
  value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : `${value}`;

const num = (raw: ArrayLike<unknown>, at: number) => raw[at] as number;
const big = (raw: ArrayLike<unknown>, at: number) => raw[at] as bigint;

/** Iovecs walked at most to total their bytes (a guest passing more gets the total of these). */
const MAX_IOVECS = 1024;
/** poll_oneoff subscriptions kept in detail. */
const MAX_SUBSCRIPTIONS = 4;
const SUBSCRIPTION_SIZE = 48;
const EVENTTYPE_CLOCK = 0;
const DIRENT_SIZE = 24;

const u32: Kind = { sig: 'i', encode: (e, raw, at) => e.u32(num(raw, at)), decode: (d) => d.u32() };
/** A guest address (of a buffer the call fills or reads whole). */
const ptr = u32;
const u64: Kind = { sig: 'I', encode: (e, raw, at) => e.i64(big(raw, at)), decode: (d) => safe(d.u64()) };
const s64: Kind = { sig: 'I', encode: (e, raw, at) => e.i64(big(raw, at)), decode: (d) => safe(d.i64()) };
const rights: Kind = { sig: 'I', encode: u64.encode, decode: (d) => bitNames(d.u64(), RIGHTS_NAMES) };
const fdPaths = (value: TraceValue) => {
  const { path } = value as FdValue;
  return path === undefined ? [] : [path];
};
const fd: Kind = {
  sig: 'i',
  encode: u32.encode,
  decode: (d, fds) => fdValue(d.u32(), fds, false),
  paths: fdPaths,
};
const text: Kind = {
  sig: 'ii',
  encode: (e, raw, at) => e.text(num(raw, at), num(raw, at + 1)),
  decode: (d) => d.text(),
  paths: (value) => [value as string],
};
const iovs: Kind = {
  sig: 'ii',
  encode(e, raw, at) {
    const base = num(raw, at) >>> 0;
    const count = num(raw, at + 1) >>> 0;
    const memory = e.guest();
    let bytes = 0;
    for (let i = 0; i < Math.min(count, MAX_IOVECS); i++) bytes += memory.getUint32(base + i * 8 + 4, true);
    e.u32(count);
    e.f64(bytes);
  },
  decode: (d) => ({ iovs: d.u32(), bytes: d.f64() }),
};
const flags = (type: FlagsType): Kind => ({
  sig: 'i',
  encode: u32.encode,
  decode: (d) => bitNames(BigInt(d.u32()), FLAG_NAMES[type]),
});
const enumOf = (type: EnumType): Kind => ({ sig: 'i', encode: u32.encode, decode: (d) => enumName(type, d.u32()) });

const outU32: Kind = {
  sig: 'i',
  out: true,
  encode: (e, raw, at) => e.u32(e.guest().getUint32(num(raw, at), true)),
  decode: (d) => d.u32(),
};
const outU64: Kind = {
  sig: 'i',
  out: true,
  encode: (e, raw, at) => e.i64(e.guest().getBigInt64(num(raw, at), true)),
  decode: (d) => safe(d.u64()),
};
const outFd: Kind = { ...outU32, decode: (d, fds) => fdValue(d.u32(), fds, true), paths: fdPaths };
const outFlags = (type: FlagsType): Kind => ({ ...outU32, decode: flags(type).decode });
const outFdstat: Kind = {
  sig: 'i',
  out: true,
  encode(e, raw, at) {
    const memory = e.guest();
    const base = num(raw, at);
    e.u32(memory.getUint8(base));
    e.u32(memory.getUint16(base + 2, true));
    e.i64(memory.getBigInt64(base + 8, true));
    e.i64(memory.getBigInt64(base + 16, true));
  },
  decode: (d) => ({
    fs_filetype: enumName('filetype', d.u32()),
    fs_flags: bitNames(BigInt(d.u32()), FLAG_NAMES.fdflags),
    fs_rights_base: bitNames(d.u64(), RIGHTS_NAMES),
    fs_rights_inheriting: bitNames(d.u64(), RIGHTS_NAMES),
  }),
};
const outFilestat: Kind = {
  sig: 'i',
  out: true,
  encode(e, raw, at) {
    const memory = e.guest();
    const base = num(raw, at);
    e.u32(memory.getUint8(base + 16));
    e.i64(memory.getBigInt64(base + 24, true));
    e.i64(memory.getBigInt64(base + 32, true));
    e.i64(memory.getBigInt64(base + 48, true));
  },
  decode: (d) => ({
    filetype: enumName('filetype', d.u32()),
    nlink: safe(d.u64()),
    size: safe(d.u64()),
    mtim: safe(d.u64()),
  }),
};
const outPrestat: Kind = {
  sig: 'i',
  out: true,
  encode(e, raw, at) {
    const memory = e.guest();
    e.u32(memory.getUint8(num(raw, at)));
    e.u32(memory.getUint32(num(raw, at) + 4, true));
  },
  decode: (d) => ({ tag: enumName('preopentype', d.u32()), pr_name_len: d.u32() }),
};
/** A buffer and its length that the call fills with text (fd_prestat_dir_name). */
const outText: Kind = { ...text, out: true };
/** path_readlink's bufused; the buffer is the parameter two before it. */
const outReadlink: Kind = {
  sig: 'i',
  out: true,
  fields: true,
  encode(e, raw, at) {
    const used = e.guest().getUint32(num(raw, at), true);
    e.u32(used);
    e.text(num(raw, at - 2), used);
  },
  decode: (d) => ({ bufused: d.u32(), target: d.text() }),
  paths: (fields) => [(fields as { target: string }).target],
};
/** fd_readdir's bufused; the buffer is the parameter three before it. The names of the entries it holds, kept up to MAX_TEXT_BYTES. */
const outDirents: Kind = {
  sig: 'i',
  out: true,
  fields: true,
  encode(e, raw, at) {
    const memory = e.guest();
    const buf = num(raw, at - 3) >>> 0;
    const used = memory.getUint32(num(raw, at), true);
    // The names, separated by "/" (which no name contains).
    const joined: number[] = [];
    for (let entry = 0; entry + DIRENT_SIZE <= used && joined.length < MAX_TEXT_BYTES; ) {
      const length = memory.getUint32(buf + entry + 16, true);
      const start = buf + entry + DIRENT_SIZE;
      if (joined.length > 0) joined.push(0x2f);
      for (let i = 0; i < Math.min(length, used - entry - DIRENT_SIZE); i++) joined.push(memory.getUint8(start + i));
      entry += DIRENT_SIZE + length;
    }
    e.u32(used);
    e.blob(Uint8Array.from(joined));
  },
  decode(d) {
    const bufused = d.u32();
    const joined = d.text();
    return { bufused, entries: joined === '' ? [] : joined.split('/') };
  },
  paths: (fields) => (fields as { entries: string[] }).entries,
};
/** poll_oneoff's in, out and nsubscriptions: how many, and the first few in detail. */
const subscriptions: Kind = {
  sig: 'iii',
  encode(e, raw, at) {
    const memory = e.guest();
    const base = num(raw, at) >>> 0;
    const count = num(raw, at + 2) >>> 0;
    const kept = Math.min(count, MAX_SUBSCRIPTIONS);
    e.u32(count);
    e.u32(kept);
    for (let i = 0; i < kept; i++) {
      const sub = base + i * SUBSCRIPTION_SIZE;
      e.u32(memory.getUint8(sub + 8));
      e.u32(memory.getUint32(sub + 16, true));
      e.i64(memory.getBigInt64(sub + 24, true));
      e.u32(memory.getUint16(sub + 40, true));
    }
  },
  decode(d, fds) {
    const count = d.u32();
    const kept = d.u32();
    const first: Subscription[] = [];
    for (let i = 0; i < kept; i++) {
      const type = d.u32();
      const target = d.u32();
      const timeout = d.u64();
      const subclockflags = d.u32();
      if (type === EVENTTYPE_CLOCK) {
        first.push({
          type: 'clock',
          clock: enumName('clockid', target),
          timeout: safe(timeout),
          abstime: (subclockflags & 1) !== 0,
        });
      } else {
        first.push({ type: enumName('eventtype', type), fd: fdValue(target, fds, false) });
      }
    }
    return { count, first } as TraceValue;
  },
  paths: (value) =>
    (value as { first: Subscription[] }).first.flatMap((s) => (s.fd === undefined ? [] : fdPaths(s.fd))),
};

function fdValue(fd: number, fds: FdPaths, after: boolean): FdValue {
  const path = fds(fd, after);
  return path === undefined ? { fd } : { fd, path };
}

export interface Param {
  name: string;
  kind: Kind;
}

export interface CallSpec {
  /** The import module that provides it (wasi_snapshot_preview1 for WASI). */
  namespace: string;
  name: string;
  params: readonly Param[];
  /** The names of the values it returns; absent: WASI's errnos. */
  results?: readonly string[];
}

type ParamList = [name: string, kind: Kind][];

const spec = (namespace: string, calls: Record<string, ParamList>, results?: readonly string[]): CallSpec[] =>
  Object.entries(calls).map(([name, params]) => ({
    namespace,
    name,
    params: params.map(([param, kind]) => ({ name: param, kind })),
    ...(results === undefined ? {} : { results }),
  }));

/** Every preview1 function, with its parameters as wasi_snapshot_preview1.witx names them. */
const PREVIEW1_CALLS = spec('wasi_snapshot_preview1', {
  args_get: [
    ['argv', ptr],
    ['argv_buf', ptr],
  ],
  args_sizes_get: [
    ['argc', outU32],
    ['argv_buf_size', outU32],
  ],
  environ_get: [
    ['environ', ptr],
    ['environ_buf', ptr],
  ],
  environ_sizes_get: [
    ['environc', outU32],
    ['environ_buf_size', outU32],
  ],
  clock_res_get: [
    ['id', enumOf('clockid')],
    ['resolution', outU64],
  ],
  clock_time_get: [
    ['id', enumOf('clockid')],
    ['precision', u64],
    ['time', outU64],
  ],
  fd_advise: [
    ['fd', fd],
    ['offset', u64],
    ['len', u64],
    ['advice', enumOf('advice')],
  ],
  fd_allocate: [
    ['fd', fd],
    ['offset', u64],
    ['len', u64],
  ],
  fd_close: [['fd', fd]],
  fd_datasync: [['fd', fd]],
  fd_fdstat_get: [
    ['fd', fd],
    ['stat', outFdstat],
  ],
  fd_fdstat_set_flags: [
    ['fd', fd],
    ['flags', flags('fdflags')],
  ],
  fd_fdstat_set_rights: [
    ['fd', fd],
    ['fs_rights_base', rights],
    ['fs_rights_inheriting', rights],
  ],
  fd_filestat_get: [
    ['fd', fd],
    ['stat', outFilestat],
  ],
  fd_filestat_set_size: [
    ['fd', fd],
    ['size', u64],
  ],
  fd_filestat_set_times: [
    ['fd', fd],
    ['atim', u64],
    ['mtim', u64],
    ['fst_flags', flags('fstflags')],
  ],
  fd_pread: [
    ['fd', fd],
    ['iovs', iovs],
    ['offset', u64],
    ['nread', outU32],
  ],
  fd_prestat_get: [
    ['fd', fd],
    ['prestat', outPrestat],
  ],
  fd_prestat_dir_name: [
    ['fd', fd],
    ['path', outText],
  ],
  fd_pwrite: [
    ['fd', fd],
    ['iovs', iovs],
    ['offset', u64],
    ['nwritten', outU32],
  ],
  fd_read: [
    ['fd', fd],
    ['iovs', iovs],
    ['nread', outU32],
  ],
  fd_readdir: [
    ['fd', fd],
    ['buf', ptr],
    ['buf_len', u32],
    ['cookie', u64],
    ['bufused', outDirents],
  ],
  fd_renumber: [
    ['fd', fd],
    ['to', fd],
  ],
  fd_seek: [
    ['fd', fd],
    ['offset', s64],
    ['whence', enumOf('whence')],
    ['newoffset', outU64],
  ],
  fd_sync: [['fd', fd]],
  fd_tell: [
    ['fd', fd],
    ['offset', outU64],
  ],
  fd_write: [
    ['fd', fd],
    ['iovs', iovs],
    ['nwritten', outU32],
  ],
  path_create_directory: [
    ['fd', fd],
    ['path', text],
  ],
  path_filestat_get: [
    ['fd', fd],
    ['flags', flags('lookupflags')],
    ['path', text],
    ['stat', outFilestat],
  ],
  path_filestat_set_times: [
    ['fd', fd],
    ['flags', flags('lookupflags')],
    ['path', text],
    ['atim', u64],
    ['mtim', u64],
    ['fst_flags', flags('fstflags')],
  ],
  path_link: [
    ['old_fd', fd],
    ['old_flags', flags('lookupflags')],
    ['old_path', text],
    ['new_fd', fd],
    ['new_path', text],
  ],
  path_open: [
    ['fd', fd],
    ['dirflags', flags('lookupflags')],
    ['path', text],
    ['oflags', flags('oflags')],
    ['fs_rights_base', rights],
    ['fs_rights_inheriting', rights],
    ['fdflags', flags('fdflags')],
    ['opened_fd', outFd],
  ],
  path_readlink: [
    ['fd', fd],
    ['path', text],
    ['buf', ptr],
    ['buf_len', u32],
    ['bufused', outReadlink],
  ],
  path_remove_directory: [
    ['fd', fd],
    ['path', text],
  ],
  path_rename: [
    ['fd', fd],
    ['old_path', text],
    ['new_fd', fd],
    ['new_path', text],
  ],
  path_symlink: [
    ['old_path', text],
    ['fd', fd],
    ['new_path', text],
  ],
  path_unlink_file: [
    ['fd', fd],
    ['path', text],
  ],
  poll_oneoff: [
    ['subscriptions', subscriptions],
    ['nevents', outU32],
  ],
  proc_exit: [['rval', u32]],
  proc_raise: [['sig', enumOf('signal')]],
  sched_yield: [],
  random_get: [
    ['buf', ptr],
    ['buf_len', u32],
  ],
  sock_accept: [
    ['fd', fd],
    ['flags', flags('fdflags')],
    ['ro_fd', outFd],
  ],
  sock_recv: [
    ['fd', fd],
    ['ri_data', iovs],
    ['ri_flags', flags('riflags')],
    ['ro_datalen', outU32],
    ['ro_flags', outFlags('roflags')],
  ],
  sock_send: [
    ['fd', fd],
    ['si_data', iovs],
    ['si_flags', flags('siflags')],
    ['so_datalen', outU32],
  ],
  sock_shutdown: [
    ['fd', fd],
    ['how', flags('sdflags')],
  ],
});

/** A buffer's length (a pointer and a length): its bytes are not kept. */
const byteCount: Kind = { sig: 'ii', encode: (e, raw, at) => e.u32(num(raw, at + 1)), decode: (d) => d.u32() };
/** A buffer the call fills (a pointer, and a pointer to the length it wrote): as text. */
const outTextOfLength: Kind = {
  sig: 'ii',
  out: true,
  encode: (e, raw, at) => e.text(num(raw, at), e.guest().getUint32(num(raw, at + 1), true)),
  decode: (d) => d.text(),
};
/** A buffer the call fills: the length it wrote. */
const outByteCount: Kind = { ...outU32, sig: 'ii', encode: (e, raw, at) => outU32.encode(e, raw, at + 1) };

/** Bacalhau's HTTP host module (Appendix A of its reference): one function returning its own codes. */
const HTTP_CALLS = spec(
  HTTP_MODULE,
  {
    [HTTP_FUNCTION]: [
      ['method', { ...u32, decode: (d) => HTTP_METHODS[d.u32()] ?? 'GET' }],
      ['url', text],
      ['headers', { ...text, paths: undefined }],
      ['body_bytes', byteCount],
      ['headers', outTextOfLength],
      ['body_bytes', outByteCount],
      ['status', outU32],
    ],
  },
  HTTP_CODES,
);

/** Calls of host modules other than WASI, recorded the same way. */
const HOST_CALLS: CallSpec[] = [...HTTP_CALLS];

/** Every traced call; a record names its call by index here (so at most 256). */
export const TRACED_CALLS: readonly CallSpec[] = [...PREVIEW1_CALLS, ...HOST_CALLS];

/** The name a call is shown by: preview1's own, others with their module's name. */
export function callName(call: CallSpec): string {
  return call.namespace === 'wasi_snapshot_preview1' ? call.name : `${call.namespace}.${call.name}`;
}

/** Index in TRACED_CALLS of each call of `namespace`, by function name. */
export function callIds(namespace: string): Map<string, number> {
  const ids = new Map<string, number>();
  TRACED_CALLS.forEach((call, id) => {
    if (call.namespace === namespace) ids.set(call.name, id);
  });
  return ids;
}

/** The wasm parameter each of a call's parameters starts at. */
export function rawIndexes(call: CallSpec): number[] {
  let at = 0;
  return call.params.map((param) => {
    const start = at;
    at += param.kind.sig.length;
    return start;
  });
}
