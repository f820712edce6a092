import { WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { preview1Names } from '../loader/preview1.js';
import { LogStaging } from '../protocol/log-staging.js';
import { type TraceBatch, TraceStaging } from '../protocol/trace-staging.js';
import {
  bitNames,
  ERRNO_MEANINGS,
  ERRNO_NAMES,
  enumName,
  errnoName,
  FLAG_NAMES,
  RIGHTS_NAMES,
} from '../trace/names.js';
import { MAX_TEXT_BYTES } from '../trace/record.js';
import { type TraceRecord, TraceStore } from '../trace/store.js';
import { LogBatcher } from './log-batcher.js';
import { Tracer } from './tracer.js';

const WASI = 'wasi_snapshot_preview1';
const STARTING_FDS = new Map([
  [0, '<stdin>'],
  [1, '<stdout>'],
  [2, '<stderr>'],
  [3, '/'],
]);

/** A guest memory, and a tracer recording into a store. */
function setup(options: { batchWords?: number; shared?: boolean; modules?: string[] } = {}) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const view = () => new DataView(memory.buffer);
  const batchWords = options.batchWords ?? 4096;
  const logs = new LogBatcher(
    { batchBytes: 1024, flushMs: 0, capBytes: 1 << 20 },
    new LogStaging(new ArrayBuffer(LogStaging.byteLength(1024))),
    () => {},
    () => Date.now(),
  );
  const batches: TraceBatch[] = [];
  const staging = options.shared ? new SharedArrayBuffer(TraceStaging.byteLength(batchWords)) : undefined;
  const tracer = new Tracer(
    { batchWords, flushMs: 60_000, ...(staging === undefined ? {} : { staging }) },
    logs,
    (batch) => batches.push(batch),
    () => Date.now(),
  );
  const store = new TraceStore(1000, STARTING_FDS, options.modules);
  const put = {
    u8: (at: number, value: number) => view().setUint8(at, value),
    u16: (at: number, value: number) => view().setUint16(at, value, true),
    u32: (at: number, value: number) => view().setUint32(at, value, true),
    u64: (at: number, value: bigint) => view().setBigUint64(at, value, true),
    text: (at: number, text: string) => {
      const bytes = new TextEncoder().encode(text);
      new Uint8Array(memory.buffer).set(bytes, at);
      return bytes.byteLength;
    },
    iovecs: (at: number, ...parts: [ptr: number, len: number][]) => {
      parts.forEach(([ptr, len], i) => {
        view().setUint32(at + i * 8, ptr, true);
        view().setUint32(at + i * 8 + 4, len, true);
      });
    },
  };
  /** Calls `impl` through the tracer as `name`; returns what it returned. */
  const call = (name: string, impl: (...args: unknown[]) => unknown, raw: unknown[], module = 0) =>
    tracer.wrap(WASI, { [name]: impl }, module, () => memory.buffer)[name]!(...raw);
  /** Every record so far, posted and decoded. */
  const records = (): TraceRecord[] => {
    tracer.flush();
    for (const batch of batches.splice(0)) store.append(batch);
    return Array.from({ length: store.kept }, (_, row) => store.record(store.seqAt(row))!);
  };
  return { memory, logs, tracer, store, batches, staging, put, call, records };
}

type Setup = ReturnType<typeof setup>;

interface Case {
  /** Fills guest memory; returns the raw wasm arguments. */
  raw: (put: Setup['put']) => unknown[];
  /** The call itself: writes its results (or throws). */
  impl?: (put: Setup['put'], logs: LogBatcher) => unknown;
  /** The errno it returns: 0 unless given. */
  returns?: number;
  args: TraceRecord['args'];
  result?: TraceRecord['result'];
  errno?: string | null;
}

const root = { fd: 3, path: '/' };
const stdout = { fd: 1, path: '<stdout>' };
const readWrite = ['fd_read', 'fd_write'];

/** Every preview1 function: raw arguments, what the call writes back, and the record's decoded arguments and results. */
const CASES: Record<string, Case> = {
  args_get: { raw: () => [100, 200], args: { argv: 100, argv_buf: 200 } },
  args_sizes_get: {
    raw: () => [100, 104],
    impl: (put) => {
      put.u32(100, 3);
      put.u32(104, 20);
    },
    args: {},
    result: { argc: 3, argv_buf_size: 20 },
  },
  environ_get: { raw: () => [100, 200], args: { environ: 100, environ_buf: 200 } },
  environ_sizes_get: {
    raw: () => [100, 104],
    impl: (put) => {
      put.u32(100, 2);
      put.u32(104, 30);
    },
    args: {},
    result: { environc: 2, environ_buf_size: 30 },
  },
  clock_res_get: {
    raw: () => [1, 100],
    impl: (put) => put.u64(100, 1000n),
    args: { id: 'monotonic' },
    result: { resolution: 1000 },
  },
  clock_time_get: {
    raw: () => [0, 1000n, 100],
    impl: (put) => put.u64(100, 1_700_000_000_123_456_789n),
    args: { id: 'realtime', precision: 1000 },
    result: { time: '1700000000123456789' },
  },
  fd_advise: {
    raw: () => [3, 0n, 4096n, 3],
    args: { fd: root, offset: 0, len: 4096, advice: 'willneed' },
  },
  fd_allocate: { raw: () => [3, 10n, 20n], args: { fd: root, offset: 10, len: 20 } },
  fd_close: { raw: () => [1], args: { fd: stdout } },
  fd_datasync: { raw: () => [1], returns: 28, args: { fd: stdout }, errno: 'inval' },
  fd_fdstat_get: {
    raw: () => [3, 100],
    impl: (put) => {
      put.u8(100, 3);
      put.u16(102, 1);
      put.u64(108, 3n);
      put.u64(116, 1n << 6n);
    },
    args: { fd: root },
    result: {
      stat: {
        fs_filetype: 'directory',
        fs_flags: ['append'],
        fs_rights_base: ['fd_datasync', 'fd_read'],
        fs_rights_inheriting: ['fd_write'],
      },
    },
  },
  fd_fdstat_set_flags: { raw: () => [1, 1 | 4], args: { fd: stdout, flags: ['append', 'nonblock'] } },
  fd_fdstat_set_rights: {
    raw: () => [3, 2n | (1n << 40n), 0n],
    args: { fd: root, fs_rights_base: ['fd_read', '0x10000000000'], fs_rights_inheriting: [] },
  },
  fd_filestat_get: {
    raw: () => [3, 100],
    impl: (put) => {
      put.u8(116, 4);
      put.u64(124, 1n);
      put.u64(132, 42n);
      put.u64(148, 5n);
    },
    args: { fd: root },
    result: { stat: { filetype: 'regular_file', nlink: 1, size: 42, mtim: 5 } },
  },
  fd_filestat_set_size: { raw: () => [3, 1024n], args: { fd: root, size: 1024 } },
  fd_filestat_set_times: {
    raw: () => [3, 1n, 2n, 2 | 8],
    args: { fd: root, atim: 1, mtim: 2, fst_flags: ['atim_now', 'mtim_now'] },
  },
  fd_pread: {
    raw: (put) => {
      put.iovecs(100, [300, 10], [400, 5]);
      return [3, 100, 2, 8n, 200];
    },
    impl: (put) => put.u32(200, 15),
    args: { fd: root, iovs: { iovs: 2, bytes: 15 }, offset: 8 },
    result: { nread: 15 },
  },
  fd_prestat_get: {
    raw: () => [3, 100],
    impl: (put) => {
      put.u8(100, 0);
      put.u32(104, 1);
    },
    args: { fd: root },
    result: { prestat: { tag: 'dir', pr_name_len: 1 } },
  },
  fd_prestat_dir_name: {
    raw: () => [3, 100, 1],
    impl: (put) => put.text(100, '/'),
    args: { fd: root },
    result: { path: '/' },
  },
  fd_pwrite: {
    raw: (put) => {
      put.iovecs(100, [300, 7]);
      return [3, 100, 1, 0n, 200];
    },
    impl: (put) => put.u32(200, 7),
    args: { fd: root, iovs: { iovs: 1, bytes: 7 }, offset: 0 },
    result: { nwritten: 7 },
  },
  fd_read: {
    raw: (put) => {
      put.iovecs(100, [300, 4096]);
      return [0, 100, 1, 200];
    },
    impl: (put) => put.u32(200, 0),
    args: { fd: { fd: 0, path: '<stdin>' }, iovs: { iovs: 1, bytes: 4096 } },
    result: { nread: 0 },
  },
  fd_readdir: {
    raw: () => [3, 1000, 128, 0n, 200],
    impl: (put) => {
      put.u32(1000 + 16, 1);
      put.text(1000 + 24, '.');
      put.u32(1025 + 16, 5);
      put.text(1025 + 24, 'a.txt');
      put.u32(200, 54);
    },
    args: { fd: root, buf: 1000, buf_len: 128, cookie: 0 },
    result: { bufused: 54, entries: ['.', 'a.txt'] },
  },
  fd_renumber: { raw: () => [4, 5], returns: 8, args: { fd: { fd: 4 }, to: { fd: 5 } }, errno: 'badf' },
  fd_seek: {
    raw: () => [3, -5n, 2, 100],
    impl: (put) => put.u64(100, 37n),
    args: { fd: root, offset: -5, whence: 'end' },
    result: { newoffset: 37 },
  },
  fd_sync: { raw: () => [3], args: { fd: root } },
  fd_tell: { raw: () => [3, 100], impl: (put) => put.u64(100, 12n), args: { fd: root }, result: { offset: 12 } },
  fd_write: {
    raw: (put) => {
      put.text(300, 'hello\n');
      put.iovecs(100, [300, 3], [303, 3]);
      return [1, 100, 2, 200];
    },
    impl: (put, logs) => {
      logs.write('stdout', new TextEncoder().encode('hello\n'));
      put.u32(200, 6);
    },
    args: { fd: stdout, iovs: { iovs: 2, bytes: 6 } },
    result: { nwritten: 6 },
  },
  path_create_directory: { raw: (put) => [3, 100, put.text(100, 'new')], args: { fd: root, path: 'new' } },
  path_filestat_get: {
    raw: (put) => [3, 1, 100, put.text(100, 'a.txt'), 200],
    impl: (put) => {
      put.u8(216, 7);
      put.u64(224, 2n);
      put.u64(232, 5n);
      put.u64(248, 9n);
    },
    args: { fd: root, flags: ['symlink_follow'], path: 'a.txt' },
    result: { stat: { filetype: 'symbolic_link', nlink: 2, size: 5, mtim: 9 } },
  },
  path_filestat_set_times: {
    raw: (put) => [3, 0, 100, put.text(100, 'a'), 10n, 20n, 1 | 4],
    args: { fd: root, flags: [], path: 'a', atim: 10, mtim: 20, fst_flags: ['atim', 'mtim'] },
  },
  path_link: {
    raw: (put) => [3, 0, 100, put.text(100, 'a'), 3, 200, put.text(200, 'b')],
    args: { old_fd: root, old_flags: [], old_path: 'a', new_fd: root, new_path: 'b' },
  },
  path_open: {
    raw: (put) => [3, 1, 100, put.text(100, 'data.txt'), 1 | 8, 2n | 64n, 0n, 0, 300],
    impl: (put) => put.u32(300, 4),
    args: {
      fd: root,
      dirflags: ['symlink_follow'],
      path: 'data.txt',
      oflags: ['creat', 'trunc'],
      fs_rights_base: readWrite,
      fs_rights_inheriting: [],
      fdflags: [],
    },
    result: { opened_fd: { fd: 4, path: '/data.txt' } },
  },
  path_readlink: {
    raw: (put) => [3, 100, put.text(100, 'link'), 200, 64, 300],
    impl: (put) => {
      put.text(200, 'target');
      put.u32(300, 6);
    },
    args: { fd: root, path: 'link', buf: 200, buf_len: 64 },
    result: { bufused: 6, target: 'target' },
  },
  path_remove_directory: {
    raw: (put) => [3, 100, put.text(100, 'dir')],
    returns: 55,
    args: { fd: root, path: 'dir' },
    errno: 'notempty',
  },
  path_rename: {
    raw: (put) => [3, 100, put.text(100, 'a'), 3, 200, put.text(200, 'b')],
    args: { fd: root, old_path: 'a', new_fd: root, new_path: 'b' },
  },
  path_symlink: {
    raw: (put) => [100, put.text(100, 'target'), 3, 200, put.text(200, 'link')],
    args: { old_path: 'target', fd: root, new_path: 'link' },
  },
  path_unlink_file: {
    raw: (put) => [3, 100, put.text(100, 'gone')],
    returns: 44,
    args: { fd: root, path: 'gone' },
    errno: 'noent',
  },
  poll_oneoff: {
    raw: (put) => {
      put.u8(100 + 8, 0);
      put.u32(100 + 16, 1);
      put.u64(100 + 24, 1_000_000n);
      put.u16(100 + 40, 0);
      put.u8(148 + 8, 1);
      put.u32(148 + 16, 0);
      return [100, 400, 2, 500];
    },
    impl: (put) => put.u32(500, 1),
    args: {
      subscriptions: {
        count: 2,
        first: [
          { type: 'clock', clock: 'monotonic', timeout: 1_000_000, abstime: false },
          { type: 'fd_read', fd: { fd: 0, path: '<stdin>' } },
        ],
      },
    },
    result: { nevents: 1 },
  },
  proc_exit: {
    raw: () => [3],
    impl: () => {
      throw new WASIProcExit(3);
    },
    args: { rval: 3 },
    errno: null,
  },
  proc_raise: { raw: () => [9], returns: 52, args: { sig: 'kill' }, errno: 'nosys' },
  sched_yield: { raw: () => [], args: {} },
  random_get: { raw: () => [100, 16], args: { buf: 100, buf_len: 16 } },
  sock_accept: {
    raw: () => [3, 4, 100],
    impl: (put) => put.u32(100, 6),
    args: { fd: root, flags: ['nonblock'] },
    result: { ro_fd: { fd: 6 } },
  },
  sock_recv: {
    raw: (put) => {
      put.iovecs(100, [300, 64]);
      return [3, 100, 1, 1, 200, 204];
    },
    impl: (put) => {
      put.u32(200, 7);
      put.u32(204, 1);
    },
    args: { fd: root, ri_data: { iovs: 1, bytes: 64 }, ri_flags: ['recv_peek'] },
    result: { ro_datalen: 7, ro_flags: ['recv_data_truncated'] },
  },
  sock_send: {
    raw: (put) => {
      put.iovecs(100, [300, 9]);
      return [3, 100, 1, 0, 200];
    },
    impl: (put) => put.u32(200, 9),
    args: { fd: root, si_data: { iovs: 1, bytes: 9 }, si_flags: [] },
    result: { so_datalen: 9 },
  },
  sock_shutdown: { raw: () => [3, 3], returns: 57, args: { fd: root, how: ['rd', 'wr'] }, errno: 'notsock' },
};

describe('the trace of each preview1 function', () => {
  it('has a case for every function', () => {
    expect(Object.keys(CASES).sort()).toEqual([...preview1Names()].sort());
  });

  it.each(Object.entries(CASES))('%s: arguments, errno and results decoded', (name, c) => {
    const { put, logs, call, records } = setup();
    const raw = c.raw(put);
    const impl = () => {
      c.impl?.(put, logs);
      return c.returns ?? 0;
    };
    if (c.errno === null) expect(() => call(name, impl, raw)).toThrow(WASIProcExit);
    else call(name, impl, raw);
    const [record] = records();
    expect(record).toMatchObject({
      seq: 0,
      fn: name,
      args: c.args,
      errno: c.errno === undefined ? 'success' : c.errno,
    });
    expect(record!.result).toEqual(c.result);
    expect(record!.start).toBeGreaterThanOrEqual(0);
    expect(record!.dur).toBeGreaterThanOrEqual(0);
  });
});

describe('Tracer', () => {
  it('links a write to its log bytes, on its stream, counted across both streams', () => {
    const { put, logs, call, records } = setup();
    put.iovecs(100, [300, 3]);
    const write = (stream: 'stdout' | 'stderr', text: string) => () => {
      logs.write(stream, new TextEncoder().encode(text));
      return 0;
    };
    call('fd_write', write('stdout', 'ab\n'), [1, 100, 1, 200]);
    call('fd_write', write('stderr', 'err\n'), [2, 100, 1, 200]);
    call('fd_read', () => 0, [0, 100, 1, 200]);
    expect(records().map((r) => r.log)).toEqual([
      { stream: 'stdout', offset: 0, bytes: 3 },
      { stream: 'stderr', offset: 3, bytes: 4 },
      undefined,
    ]);
  });

  it('records no results for a call that failed', () => {
    const { put, call, records } = setup();
    const raw = [3, 1, 100, put.text(100, 'missing.txt'), 0, 2n, 0n, 0, 300];
    put.u32(300, 99); // left over in guest memory: not a result
    call('path_open', () => 44, raw);
    const [record] = records();
    expect(record).toMatchObject({ fn: 'path_open', errno: 'noent', args: { path: 'missing.txt' } });
    expect(record).not.toHaveProperty('result');
  });

  it('keeps the header of a call whose pointers are outside the guest memory', () => {
    const { call, records } = setup();
    call('fd_write', () => 21, [1, 70_000, 1, 200]);
    expect(records()).toEqual([
      expect.objectContaining({ fn: 'fd_write', errno: 'fault', args: {}, unreadable: true }),
    ]);
  });

  it('records a call that threw, and throws on', () => {
    const { call, records } = setup();
    const error = new Error('host failure');
    expect(() =>
      call('sched_yield', () => {
        throw error;
      }, []),
    ).toThrow(error);
    expect(records()).toEqual([expect.objectContaining({ fn: 'sched_yield', errno: null, threw: true })]);
  });

  it('cuts long text at MAX_TEXT_BYTES, marked with an ellipsis', () => {
    const { put, call, records } = setup();
    const long = 'x'.repeat(MAX_TEXT_BYTES + 10);
    call('path_unlink_file', () => 44, [3, 100, put.text(100, long)]);
    expect(records()[0]!.args['path']).toBe(`${'x'.repeat(MAX_TEXT_BYTES)}…`);
  });

  it('follows fds through opens, renumbers and closes', () => {
    const { put, call, records } = setup();
    const open = (path: string, fd: number) => {
      const raw = [3, 0, 100, put.text(100, path), 0, 2n, 0n, 0, 300];
      call('path_open', () => put.u32(300, fd), raw);
    };
    const read = (fd: number) => call('fd_read', () => 0, [fd, 100, 0, 200]);
    open('inputs/./a.csv', 4);
    read(4);
    call('fd_renumber', () => 0, [4, 7]);
    read(7);
    read(4);
    call('fd_close', () => 0, [7]);
    read(7);
    open('b.txt', 4);
    read(4);
    expect(records().map((r) => r.args['fd'] ?? r.result?.['opened_fd'])).toEqual([
      { fd: 3, path: '/' },
      { fd: 4, path: '/inputs/a.csv' },
      { fd: 4, path: '/inputs/a.csv' },
      { fd: 7, path: '/inputs/a.csv' },
      { fd: 4 },
      { fd: 7, path: '/inputs/a.csv' },
      { fd: 7 },
      { fd: 3, path: '/' },
      { fd: 4, path: '/b.txt' },
    ]);
  });

  it('names the calling module when the run links several', () => {
    const { call, records } = setup({ modules: ['main.wasm', 'lib.wasm'] });
    call('sched_yield', () => 0, [], 1);
    call('sched_yield', () => 0, [], 0);
    expect(records().map((r) => r.module)).toEqual(['lib.wasm', 'main.wasm']);
  });

  it('posts a batch when the staging is full, and the records stay in order', () => {
    const { call, batches, records } = setup({ batchWords: 2048 });
    for (let i = 0; i < 1000; i++) call('proc_raise', () => 52, [i % 31]);
    expect(batches.length).toBeGreaterThan(1);
    const all = records();
    expect(all.map((r) => r.seq)).toEqual([...Array(1000).keys()]);
    expect(all[999]!.args).toEqual({ sig: 'bus' }); // signal 999 % 31 = 7
  });

  it('leaves the records it has not posted readable by the host, until it posts them', () => {
    const { call, tracer, staging, store, batches } = setup({ shared: true });
    const host = new TraceStaging(staging!);
    call('sched_yield', () => 0, []);
    call('sched_yield', () => 0, []);
    expect(host.peek(60_000, Date.now())).toBeNull(); // the worker started (or posted) just now: its batch will come
    expect(store.append(host.peek(0, Date.now())!)).toBe(2);
    call('sched_yield', () => 0, []);
    tracer.flush();
    expect(host.peek(0, Date.now())).toBeNull(); // posted: nothing left staged
    expect(store.append(batches[0]!)).toBe(1); // the batch repeats the two records read before
    expect(store.calls).toBe(3);
  });
});

describe('the names a trace shows', () => {
  /** The shim's constants with this prefix, by value, as the trace names them. */
  const shimNames = (prefix: string) =>
    Object.entries(wasi)
      .filter(([key, value]) => key.startsWith(prefix) && typeof value === 'number')
      .map(([key, value]) => [value as number, key.slice(prefix.length).toLowerCase()] as const);

  it("are the shim's for errnos, enums and flags", () => {
    for (const [value, name] of shimNames('ERRNO_')) expect(errnoName(value)).toBe(name);
    expect(ERRNO_MEANINGS).toHaveLength(ERRNO_NAMES.length);
    expect(ERRNO_MEANINGS[44]).toBe('No such file or directory');
    expect(ERRNO_MEANINGS.at(-1)).toBe('Capabilities insufficient');
    for (const [type, prefix] of [
      ['clockid', 'CLOCKID_'],
      ['whence', 'WHENCE_'],
      ['advice', 'ADVICE_'],
      ['filetype', 'FILETYPE_'],
      ['eventtype', 'EVENTTYPE_'],
      ['signal', 'SIGNAL_'],
      ['preopentype', 'PREOPENTYPE_'],
    ] as const) {
      for (const [value, name] of shimNames(prefix)) expect(enumName(type, value)).toBe(name);
    }
    for (const [type, prefix] of [
      ['oflags', 'OFLAGS_'],
      ['fdflags', 'FDFLAGS_'],
      ['fstflags', 'FSTFLAGS_'],
      ['riflags', 'RIFLAGS_'],
      ['roflags', 'ROFLAGS_'],
      ['sdflags', 'SDFLAGS_'],
    ] as const) {
      for (const [value, name] of shimNames(prefix)) expect(bitNames(BigInt(value), FLAG_NAMES[type])).toEqual([name]);
    }
    for (const [key, value] of Object.entries(wasi).filter(([key]) => key.startsWith('RIGHTS_'))) {
      expect(bitNames(BigInt(value as number), RIGHTS_NAMES)).toEqual([key.slice('RIGHTS_'.length).toLowerCase()]);
    }
  });
});
