// What the guest sees: mounts (read-only inputs, writable outputs), stdin, argv, preopens, clocks.
import { describe, expect, it } from 'vitest';
import { directory, file, listFiles } from '../src/mounts/tree.js';
import { encodeInline } from '../src/spec/inline.js';
import { fixture, job, memoryInput, outputText, run } from './helpers.js';

describe('mounts', () => {
  it('read-only inputs refuse every change with an errno and keep their bytes; outputs take everything', async () => {
    const original = 'do not touch\n';
    const input = directory({ 'data.txt': file(original), nested: directory({ 'deep.txt': file('deep') }) });
    const result = await run(
      job(fixture('c/fs_probe.wasm'), {
        inputs: [memoryInput('/inputs', input)],
        outputs: [{ name: 'outputs', path: '/outputs' }],
        parameters: ['/inputs', '/inputs/data.txt', '/outputs'],
      }),
    );
    expect(result.state).toBe('completed');
    const report = Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(': ')),
    );
    expect(report).toEqual({
      open_write: 'EROFS',
      open_trunc: 'EROFS',
      open_append: 'EROFS',
      create: 'EROFS',
      unlink: 'EROFS',
      rename: 'EROFS',
      rename_out: 'EROFS',
      mkdir: 'EROFS',
      rmdir: 'EROFS',
      link: 'EROFS',
      symlink: 'EROFS',
      truncate: 'EROFS',
      escape_dotdot: 'ENOTCAPABLE',
      escape_abs_dotdot: 'ENOTCAPABLE',
      read: `ok ${original.length}`,
      out_create: 'ok',
      out_overwrite: 'ok',
    });
    expect(outputText(result, 'outputs', 'sub/file.txt')).toBe('nested\n');
    expect(outputText(result, 'outputs', 'over.txt')).toBe('second\n');
    expect(listFiles(result.outputs[0]!.tree).map((f) => f.path)).toEqual(['over.txt', 'sub/file.txt']);
    // The caller's tree is untouched, and a read-only input is not returned as an output.
    expect(new TextDecoder().decode((input.entries['data.txt'] as { data: Uint8Array }).data)).toBe(original);
    expect(result.outputs.map((o) => o.name)).toEqual(['outputs']);
  });

  it('read-only holds at every depth, also for nested directories', async () => {
    const result = await run(
      job(fixture('c/fs_probe.wasm'), {
        inputs: [memoryInput('/in', directory({ sub: directory({ 'x.txt': file('x') }) }))],
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/in/sub', '/in/sub/x.txt', '/out'],
      }),
    );
    expect(result.stdout).toContain('create: EROFS');
    expect(result.stdout).toContain('mkdir: EROFS');
    expect(result.stdout).toContain('unlink: EROFS');
  });

  it('a ReadWrite input is writable, copy-on-write, and comes back with the outputs', async () => {
    const input = directory({ 'data.txt': file('original\n') });
    const result = await run(
      job(fixture('c/fs_probe.wasm'), {
        inputs: [memoryInput('/work', input, true)],
        outputs: [{ name: 'outputs', path: '/outputs' }],
        parameters: ['/work', '/work/data.txt', '/outputs'],
      }),
    );
    expect(result.stdout).toContain('open_write: ok');
    expect(result.stdout).toContain('create: ok');
    const work = result.outputs.find((o) => o.name === 'work');
    expect(work?.role).toBe('input');
    expect(new TextDecoder().decode((input.entries['data.txt'] as { data: Uint8Array }).data)).toBe('original\n');
  });

  it('the virtual root and directories above mounts are read-only', async () => {
    const result = await run(
      job(fixture('c/fs_probe.wasm'), {
        inputs: [memoryInput('/a/b/data.txt', 'x')],
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/a', '/a/b/data.txt', '/out'],
      }),
    );
    expect(result.stdout).toContain('create: EROFS');
    expect(result.stdout).toContain('mkdir: EROFS');
  });

  it('an output filled past the filesystem quota gets ENOSPC, and the bytes written before it are kept', async () => {
    const result = await run(
      job(fixture('c/write_file.wasm'), {
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/out/big.bin', '8', '65536'],
      }),
      { fsQuotaBytes: 1024 * 1024 },
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 1 });
    expect(result.stdout).toBe('write failed after 1048576 bytes: No space left on device\n');
    const [big] = listFiles(result.outputs[0]!.tree);
    expect(big?.data.byteLength).toBe(1024 * 1024);
  });

  it('appends build a large output file (64 MiB in 4 KiB writes)', async () => {
    const result = await run(
      job(fixture('c/write_file.wasm'), {
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/out/big.bin', '64', '4096'],
      }),
    );
    expect(result.stdout).toBe(`wrote ${64 * 1024 * 1024} bytes\n`);
    const [big] = listFiles(result.outputs[0]!.tree);
    expect(big?.data.byteLength).toBe(64 * 1024 * 1024);
    expect(Buffer.compare(big!.data, Buffer.alloc(64 * 1024 * 1024, 0x6f))).toBe(0);
  }, 120_000);
});

describe('stdin, argv and preopens', () => {
  it('static stdin reaches the guest, then end of file', async () => {
    const result = await run(
      job(fixture('c/stdin_echo.wasm'), {
        brine: { argv0: '', preopens: [], stdin: new TextEncoder().encode('hi\0there') },
      }),
    );
    expect(result.stdout).toBe('stdin: hi\0there');
  });

  it('stdin is empty by default, as in Bacalhau', async () => {
    expect((await run(job(fixture('c/stdin_echo.wasm')))).stdout).toBe('stdin: ');
  });

  it('argv[0] is "" (Bacalhau) unless Brine.Argv0 sets it; parameters follow, UTF-8 intact', async () => {
    const result = await run(job(fixture('c/args.wasm'), { parameters: ['a b', 'ünï'] }));
    expect(result.stdout).toBe('argc=3\nargv[0]=\nargv[1]=a b\nargv[2]=ünï\n');
    const named = await run(job(fixture('c/args.wasm'), { brine: { argv0: 'prog', preopens: [] } }));
    expect(named.stdout).toBe('argc=1\nargv[0]=prog\n');
  });

  it('named preopens expose a mounted directory under its own name', async () => {
    const result = await run(
      job(fixture('c/cat.wasm'), {
        inputs: [memoryInput('fs-tests.dir', directory({ 'a.txt': file('via preopen\n') }))],
        parameters: ['fs-tests.dir/a.txt'],
        brine: { argv0: '', preopens: ['fs-tests.dir'] },
      }),
    );
    expect(result.stdout).toBe('via preopen\n');
  });

  it('a preopen that is not a directory is refused at start', async () => {
    await expect(run(job(fixture('c/hello.wasm'), { brine: { argv0: '', preopens: ['nope'] } }))).rejects.toMatchObject(
      { code: 'SpecError' },
    );
  });
});

describe('clocks and randomness', () => {
  it('are real by default', async () => {
    const result = await run(job(fixture('c/clock_random.wasm')));
    const seconds = Number(/time=(\d+)/.exec(result.stdout)?.[1]);
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(60);
    expect(result.stdout).toContain('mono_ok=1');
  });

  it('are deterministic with Brine.Seed: the same seed gives the same run', async () => {
    const seeded = (seed: number) =>
      run(job(fixture('c/clock_random.wasm'), { brine: { argv0: '', preopens: [], seed } }));
    const [a, b, c] = await Promise.all([seeded(42), seeded(42), seeded(43)]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('time=946684800');
    expect(/random=(\w+)/.exec(a.stdout)?.[1]).not.toBe(/random=(\w+)/.exec(c.stdout)?.[1]);
  });
});

describe('WASI calls the shim gets wrong', () => {
  it('sockets and proc_raise return errnos; poll_oneoff takes several subscriptions; stat timestamps are right', async () => {
    const result = await run(
      job(fixture('c/wasi_errnos.wasm'), {
        outputs: [{ name: 'out', path: '/out' }],
        parameters: ['/out'],
        brine: { argv0: '', preopens: [], seed: 7 },
      }),
    );
    expect(result.stdout).toBe(
      [
        'sock_recv=57', // ENOTSOCK: fd 1 is not a socket
        'sock_send=8', // EBADF: fd 99 is not open
        'sock_shutdown=57',
        'sock_accept=57',
        'proc_raise=52', // ENOSYS
        'poll_two_clocks=0 events=1 first=11', // the 1 ms clock fires first; the 10 s one does not
        'poll_stdin=0 events=1 type=1', // stdin is ready at once (EVENTTYPE_FD_READ)
        'file_size=8',
        'file_mtime=946684800', // the seeded clock's epoch, read at preview1's offsets
        '',
      ].join('\n'),
    );
  });
});

describe('inline sources', () => {
  it('a gzip data URL becomes a directory', async () => {
    const url = encodeInline(
      directory({ 'a.txt': file('from a tarball\n'), sub: directory({ 'b.txt': file('b\n') }) }),
    );
    expect(url).toMatch(/^data:application\/gzip;base64,/);
    const j = job(fixture('c/cat.wasm'), { parameters: ['/data/a.txt', '/data/sub/b.txt'] });
    j.inputs.push({ target: '/data', source: { type: 'inline', url } });
    expect((await run(j)).stdout).toBe('from a tarball\nb\n');
  });

  it('a plain data URL becomes a file', async () => {
    const j = job(fixture('c/cat.wasm'), { parameters: ['/note.txt'] });
    j.inputs.push({ target: '/note.txt', source: { type: 'inline', url: 'data:text/plain,hello%20there' } });
    expect((await run(j)).stdout).toBe('hello there');
  });
});
