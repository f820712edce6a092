// What the guest sees: mounts (read-only inputs, writable outputs), stdin, argv, preopens, clocks.
import { describe, expect, it } from 'vitest';
import { directory, file, listFiles } from '../src/mounts/tree.js';
import { encodeInline } from '../src/spec/inline.js';
import { newJob } from '../src/spec/types.js';
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

describe('an input mounted at /', () => {
  const rootTree = () =>
    directory({
      'top.txt': file('top\n'),
      data: directory({ 'own.txt': file('own\n'), in: file('hidden by the mount\n') }),
      outputs: file('hidden by the output\n'),
    });
  const withRoot = (readWrite: boolean, parameters: string[]) =>
    job(fixture('c/preopens.wasm'), {
      inputs: [memoryInput('/', rootTree(), readWrite), memoryInput('/data/in', directory({ 'm.txt': file('m\n') }))],
      outputs: [{ name: 'outputs', path: '/outputs' }],
      parameters,
    });

  it('is the root directory, with the other mounts in place of what it holds at their targets', async () => {
    const result = await run(
      withRoot(false, [
        'ls:/',
        'ls:/data',
        'top.txt',
        '/data/own.txt',
        'data/in/m.txt',
        'write:/outputs/r.txt',
        'write:/new.txt',
      ]),
    );
    expect(result.stdout).toBe(
      [
        'fd 3: /',
        'ls /: data main.wasm outputs top.txt',
        'ls /data: in own.txt',
        'top.txt: top',
        '/data/own.txt: own',
        'data/in/m.txt: m',
        'write /outputs/r.txt: ok',
        'write /new.txt: Read-only file system',
        '',
      ].join('\n'),
    );
    expect(result.outputs.map((o) => o.name)).toEqual(['outputs']);
    expect(outputText(result, 'outputs', 'r.txt')).toBe('written\n');
    expect(result.onBacalhau).toContain(
      'the program does not see the input at "/": Bacalhau mounts it where no path reaches it',
    );
  });

  it('ReadWrite: takes changes, its mounts cannot be removed (EBUSY), and it comes back as "/" without them', async () => {
    const input = rootTree();
    const result = await run(
      withRoot(true, [
        'write:new.txt',
        'rm:top.txt',
        'rm:/outputs',
        'rm:main.wasm',
        'rm:data/in',
        'write:/outputs/r.txt',
      ]),
    );
    expect(result.stdout).toBe(
      [
        'fd 3: /',
        'write new.txt: ok',
        'rm top.txt: ok',
        'rm /outputs: Resource busy',
        'rm main.wasm: Resource busy',
        'rm data/in: Resource busy',
        'write /outputs/r.txt: ok',
        '',
      ].join('\n'),
    );
    expect(result.outputs.map((o) => [o.name, o.role])).toEqual([
      ['/', 'input'],
      ['outputs', 'output'],
    ]);
    expect(listFiles(result.outputs[0]!.tree).map((f) => f.path)).toEqual(['data/own.txt', 'new.txt']);
    expect(Object.keys(input.entries)).toContain('top.txt'); // the caller's tree is untouched
  });

  it('can hold the entry module and the modules it imports', async () => {
    // dynamic.wasm imports from the module named "input.wasm": a path from the root.
    const root = directory({
      bin: directory({ 'dynamic.wasm': file(fixture('c/dynamic.wasm')) }),
      'input.wasm': file(fixture('c/easter.wasm')),
    });
    const result = await run(
      newJob('/bin/dynamic.wasm', {
        entrypoint: '_start',
        network: { type: 'None', domains: [] },
        inputs: [memoryInput('/', root)],
      }),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 0, stdout: '17\n' });
  });

  it('a second input at /, an input at / that is a file, and an output at / are refused at start', async () => {
    const refusal = (inputs: ReturnType<typeof memoryInput>[], outputs: { name: string; path: string }[] = []) =>
      run(job(fixture('c/preopens.wasm'), { inputs, outputs })).then(
        () => 'started',
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
    expect(await refusal([memoryInput('/', directory()), memoryInput('.', directory())])).toBe(
      'InputConfigError: input configuration error: duplicate input target "."',
    );
    expect(await refusal([memoryInput('/', file('not a directory'))])).toBe(
      'InputConfigError: input configuration error: failed to mount input "/": an input mounted at "/" must be a directory',
    );
    expect(await refusal([memoryInput('/', directory())], [{ name: '/', path: '/out' }])).toBe(
      'OutputConfigError: output configuration error: output name "/" must name a path below "/"',
    );
    expect(
      await refusal([memoryInput('/', directory()), memoryInput('/a', directory()), memoryInput('/a/b', directory())]),
    ).toMatch(/^InputConfigError: .*"a" and "a\/b" overlap/);
  });
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

  it('the preopen "." is the working directory, the root: relative and absolute paths resolve through it', async () => {
    const files = memoryInput('/inputs', directory({ 'a.txt': file('a\n') }));
    const alone = await run(
      job(fixture('c/preopens.wasm'), {
        inputs: [files],
        parameters: ['inputs/a.txt', '/inputs/a.txt', 'ls:.'],
        brine: { argv0: '', preopens: ['.'], rootPreopen: false },
      }),
    );
    expect(alone.stdout).toBe('fd 3: .\ninputs/a.txt: a\n/inputs/a.txt: a\nls .: inputs main.wasm\n');
    // Beside "/" (fd 3) and a named preopen, in the order given.
    const beside = await run(
      job(fixture('c/preopens.wasm'), {
        inputs: [files],
        parameters: ['inputs/a.txt', 'ls:/'],
        brine: { argv0: '', preopens: ['inputs', './'] },
      }),
    );
    expect(beside.stdout).toBe('fd 3: /\nfd 4: inputs\nfd 5: .\ninputs/a.txt: a\nls /: inputs main.wasm\n');
    // The guest sees the preopen "." whole, but cannot climb out of it.
    const climb = await run(
      job(fixture('c/preopens.wasm'), {
        parameters: ['../main.wasm'],
        brine: { argv0: '', preopens: ['.'], rootPreopen: false },
      }),
    );
    expect(climb.stdout).toBe('fd 3: .\n../main.wasm: Capabilities insufficient\n');
  });

  it('an empty preopen is refused by admission', async () => {
    await expect(run(job(fixture('c/hello.wasm'), { brine: { argv0: '', preopens: [''] } }))).rejects.toMatchObject({
      code: 'SpecError',
      message: 'invalid WASM spec: preopen "" is empty: it must name a directory',
    });
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
