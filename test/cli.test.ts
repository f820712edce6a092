// `brine run` end to end: the built CLI (`tsc -b tsconfig.node.json`, run by `npm run build`) on YAML jobs, in a child process.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../src/spec/memory.js';
import { startHttpServer } from './http-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/brine.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/node/brine.cjs'))) throw new Error('run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'brine-cli-'));
  cpSync(join(root, 'fixtures/c'), join(dir, 'wasm'), { recursive: true, filter: (p) => !p.endsWith('.c') });
  cpSync(join(root, 'fixtures/data'), join(dir, 'inputs'), { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function brineWithInput(input: string, ...args: string[]) {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, input });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

const brine = (...args: string[]) => brineWithInput('', ...args);

/** The size of fixtures, as the CLI prints it. */
const kib = (...paths: string[]) =>
  formatBytes(paths.reduce((sum, p) => sum + readFileSync(join(root, 'fixtures', p)).byteLength, 0));

function writeJob(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const csvJob = `Name: wasm-csv-example
Type: batch
Count: 1
Tasks:
  - Name: main
    Engine:
      Type: wasm
      Params:
        EntryModule: /app/csv.wasm
        Entrypoint: _start
        Parameters: [/inputs/horses.csv, /outputs/parents-children.csv]
    InputSources:
      - Target: /app/csv.wasm
        Source: {Type: localDirectory, Params: {SourcePath: wasm/csv.wasm}}
      - Target: /inputs
        Source: {Type: local, Params: {SourcePath: inputs}}
    ResultPaths:
      - {Name: outputs, Path: /outputs}
    Publisher: {Type: local}
    Resources: {Memory: 256Mb}
    Network: {Type: None}
    Timeouts: {ExecutionTimeout: 600}
`;

describe('brine run', () => {
  it('runs a job, streams stdout, writes the results layout and exits with the program status', () => {
    const out = brine('run', writeJob('csv.yaml', csvJob), '--output-dir', 'results');
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('wrote 24 rows\n');
    const results = join(dir, 'results');
    expect(readdirSync(results).sort()).toEqual(['exitCode', 'outputs', 'stderr', 'stdout']);
    expect(readFileSync(join(results, 'stdout'), 'utf8')).toBe('wrote 24 rows\n');
    expect(readFileSync(join(results, 'exitCode'), 'utf8')).toBe('0');
    const csv = readFileSync(join(results, 'outputs/parents-children.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(25);
  });

  it('--json prints the result object', () => {
    const out = brine('run', writeJob('csv.yaml', csvJob), '--json');
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ state: 'completed', exitCode: 0, stdout: 'wrote 24 rows\n', errorMsg: '' });
    expect(result.memory.limitPages).toBe(3907); // 256Mb
    expect(result.outputs).toEqual([{ name: 'outputs', role: 'output' }]);
  });

  it('explains a refused memory.grow on stderr, and the --json result carries the memory story', () => {
    const job = writeJob(
      'big.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}
    Resources: {Memory: 32MiB}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/big_alloc.wasm}}}
`,
    );
    const out = brine('run', job);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /^malloc of 56 MiB failed\nbrine: memory\.grow from \d+ to \d+ pages was refused.*: the limit is 512 pages \(32 MiB\); the program then exited with code 1\n/,
    );
    const { memory } = JSON.parse(brine('run', job, '--json').stdout);
    expect(memory).toMatchObject({ limitPages: 512, lastRefused: { granted: false, maximum: 512 } });
    expect(memory.refusedCount).toBeGreaterThan(0);
    expect(memory.message).toBe(out.stderr.split('\n')[1]!.replace('brine: ', ''));
  });

  it('--json lists the HTTP requests; without it, those refused or failed are said on stderr', async () => {
    const server = await startHttpServer();
    const httpJob = (network: string) =>
      writeJob(
        'http.yaml',
        `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm, Parameters: ["-q", "${server.url('/json')}"]}}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/http_client.wasm}}}
    Network: ${network}
`,
      );
    try {
      // Async: the server answers from this process while the CLI runs.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, 'run', httpJob('{Type: HTTP, Domains: [127.0.0.1]}'), '--json'],
        { cwd: dir },
      );
      expect(JSON.parse(stdout).http).toEqual([
        expect.objectContaining({ method: 'GET', url: server.url('/json'), result: 'Success', status: 200 }),
      ]);
    } finally {
      await server.close();
    }
    const refused = brine('run', httpJob('{Type: Bridge}'));
    expect(refused.stdout).toMatch(/^rc=4 /);
    expect(refused.stderr).toContain(
      `brine: http: GET ${server.url('/json')}: NotAllowed: Network is Bridge: the HTTP module refuses every host`,
    );
  });

  it('exits with a non-zero program status, still completed', () => {
    const job = writeJob(
      'exit.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}
    Env: {EXIT_CODE: "5"}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/exit_code.wasm}}}
`,
    );
    const out = brine('run', job, '--output-dir', 'exit-results');
    expect(out.status).toBe(5);
    expect(readFileSync(join(dir, 'exit-results/exitCode'), 'utf8')).toBe('5');
  });

  it('a timeout longer than setTimeout takes (over 2,147,483 s) does not fire at once', () => {
    const job = writeJob(
      'long-timeout.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm, Entrypoint: _start}}
    Timeouts: {ExecutionTimeout: 3000000}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/hello.wasm}}}
`,
    );
    const out = brine('run', job);
    expect([out.status, out.stdout]).toEqual([0, 'Hello, world!\n']);
  });

  it('--compat bacalhau: the exitCode file is cut to 4 bytes, and what differs is said on stderr otherwise', () => {
    const job = writeJob(
      'long-exit.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm, Entrypoint: _start}}
    Env: {EXIT_CODE: "12345"}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/exit_code.wasm}}}
`,
    );
    const brineRun = brine('run', job, '--output-dir', 'long-exit');
    expect(brineRun.status).toBe(12345 & 0xff);
    expect(readFileSync(join(dir, 'long-exit/exitCode'), 'utf8')).toBe('12345');
    expect(brineRun.stderr).toContain('brine: on Bacalhau: the exitCode file holds "1234" (cut to 4 bytes)');
    const compat = brine('run', job, '--compat', 'bacalhau', '--output-dir', 'long-exit-compat');
    expect(compat.status).toBe(12345 & 0xff);
    expect(readFileSync(join(dir, 'long-exit-compat/exitCode'), 'utf8')).toBe('1234');
    expect(compat.stderr).not.toContain('on Bacalhau');
    expect(brine('run', job, '--compat', 'docker').stderr).toContain('--compat takes one of bacalhau');
  });

  it('--trace FILE writes every WASI call as JSON lines: the open of a missing file shows its path and noent', () => {
    const job = writeJob(
      'cat-missing.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm, Parameters: [/inputs/missing.csv, /inputs/horses.csv]}}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/cat.wasm}}}
      - {Target: /inputs, Source: {Type: localDirectory, Params: {SourcePath: inputs}}}
`,
    );
    const out = brine('run', job, '--trace', 'cat.jsonl');
    expect(out.status).toBe(1);
    const lines = readFileSync(join(dir, 'cat.jsonl'), 'utf8').trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line));
    expect(out.stderr).toContain(`brine: trace: ${records.length} WASI calls written to cat.jsonl\n`);
    expect(records.map((r) => r.seq)).toEqual([...records.keys()]);
    for (const record of records)
      expect(Object.keys(record)).toEqual(expect.arrayContaining(['fn', 'args', 'errno', 'start', 'dur']));
    const opens = records.filter((r) => r.fn === 'path_open');
    expect(opens[0]).toMatchObject({ args: { fd: { fd: 3, path: '/' }, path: 'inputs/missing.csv' }, errno: 'noent' });
    expect(opens[1]).toMatchObject({
      args: { path: 'inputs/horses.csv' },
      errno: 'success',
      result: { opened_fd: { fd: 4, path: '/inputs/horses.csv' } },
    });
    expect(records.at(-1)).toMatchObject({ fn: 'proc_exit', args: { rval: 1 }, errno: null });
    expect(brine('run', job, '--trace').stderr).toContain('--trace needs a file');
  });

  it('exits 125 when the job fails, with the error and hint on stderr, and still writes results', () => {
    const job = writeJob(
      'trap.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}
    ResultPaths: [{Name: outputs, Path: /outputs}]
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/trap.wasm}}}
`,
    );
    const out = brine('run', job, '--output-dir', 'trap-results');
    expect(out.status).toBe(125);
    expect(out.stderr).toContain('brine: failed: unreachable');
    expect(out.stderr).toContain('hint:');
    expect(readFileSync(join(dir, 'trap-results/stdout'), 'utf8')).toBe('before trap\n');
    expect(readFileSync(join(dir, 'trap-results/outputs/partial.txt'), 'utf8')).toBe('partial');
  });

  it('exits 124 on timeout, with the logs written so far in the results', () => {
    const job = writeJob(
      'spin.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}
    Timeouts: {ExecutionTimeout: 1}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/spin.wasm}}}
`,
    );
    const out = brine('run', job, '--output-dir', 'spin-results');
    expect(out.status).toBe(124);
    expect(out.stderr).toContain('timedOut');
    expect(readFileSync(join(dir, 'spin-results/stdout'), 'utf8')).toBe('spinning\n');
  });

  it('a ReadWrite local mount is copy-on-write: host files unchanged, final state in the results', () => {
    const job = writeJob(
      'rw.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm, Parameters: [/work/new.txt, "1", "1024"]}}
    InputSources:
      - {Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/write_file.wasm}}}
      - {Target: /work, Source: {Type: localDirectory, Params: {SourcePath: inputs, ReadWrite: true}}}
`,
    );
    const before = readdirSync(join(dir, 'inputs')).sort();
    const out = brine('run', job, '--output-dir', 'rw-results');
    expect(out.status).toBe(0);
    expect(readdirSync(join(dir, 'inputs')).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'rw-results/work/new.txt')).byteLength).toBe(1024 * 1024);
    expect(readFileSync(join(dir, 'rw-results/work/horses.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'inputs/horses.csv'), 'utf8'),
    );
  });

  it('a ReadWrite input at / comes back in the results as rootfs, without the mounts inside it', () => {
    const job = writeJob(
      'rw-root.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: /app/write_file.wasm, Parameters: [new.txt, "1", "1024"]}}
    InputSources:
      - {Target: /, Source: {Type: localDirectory, Params: {SourcePath: inputs, ReadWrite: true}}}
      - {Target: /app/write_file.wasm, Source: {Type: localDirectory, Params: {SourcePath: wasm/write_file.wasm}}}
    ResultPaths: [{Name: outputs, Path: /outputs}]
    Publisher: {Type: local}
`,
    );
    const out = brine('run', job, '--output-dir', 'rw-root-results');
    expect(out.status).toBe(0);
    expect(readdirSync(join(dir, 'rw-root-results')).sort()).toEqual([
      'exitCode',
      'outputs',
      'rootfs',
      'stderr',
      'stdout',
    ]);
    expect(readdirSync(join(dir, 'rw-root-results/rootfs')).sort()).toEqual(
      [...readdirSync(join(dir, 'inputs')), 'new.txt'].sort(),
    );
    expect(readFileSync(join(dir, 'rw-root-results/rootfs/new.txt')).byteLength).toBe(1024 * 1024);
  });

  it('rejects a bad job with the typed error and exit 125', () => {
    const out = brine('run', writeJob('bad.yaml', 'Tasks:\n  - Engine: {Type: docker}\n'));
    expect(out.status).toBe(125);
    expect(out.stderr).toContain(
      'SpecError: invalid WASM spec: invalid wasm engine type. expected wasm, but received: docker',
    );
  });

  it('reads the job from standard input with -, local paths relative to the working directory', () => {
    const out = brineWithInput(readFileSync(writeJob('csv.yaml', csvJob), 'utf8'), 'run', '-');
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('wrote 24 rows\n');
  });

  it('prints usage for bad arguments', () => {
    const out = brine('frobnicate');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('usage: brine run JOB.yaml');
  });

  it("keeps V8's code cache of the CLI per user and command, and starts from it", () => {
    const tmp = mkdtempSync(join(tmpdir(), 'brine-cache-'));
    const env = { ...process.env, TMPDIR: tmp };
    const runCsv = () =>
      spawnSync(process.execPath, [bin, 'run', writeJob('csv.yaml', csvJob)], { cwd: dir, encoding: 'utf8', env });
    try {
      expect(runCsv()).toMatchObject({ status: 0, stdout: 'wrote 24 rows\n' });
      const [cacheDir] = readdirSync(tmp);
      expect(cacheDir).toMatch(/^brine-compile-cache-/);
      const cached = readdirSync(join(tmp, cacheDir!));
      expect(cached).toEqual([expect.stringMatching(/^run-v\d+\.\d+\.\d+-/)]);
      const written = statSync(join(tmp, cacheDir!, cached[0]!)).mtimeMs;
      expect(runCsv()).toMatchObject({ status: 0, stdout: 'wrote 24 rows\n' });
      // Accepted, so not written again.
      expect(statSync(join(tmp, cacheDir!, cached[0]!)).mtimeMs).toBe(written);
      expect(readdirSync(join(tmp, cacheDir!))).toEqual(cached);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('never starts from the code cache of another build of the same length', () => {
    // V8 checks only a cached script's length: a build differing in one character, same length.
    const tmp = mkdtempSync(join(tmpdir(), 'brine-builds-'));
    const env = { ...process.env, TMPDIR: tmp };
    try {
      const builds = ['usage: brine run', 'usagE: brine run'].map((text, i) => {
        const build = join(tmp, `build-${i}`);
        cpSync(join(root, 'bin'), join(build, 'bin'), { recursive: true });
        cpSync(join(root, 'dist/node'), join(build, 'dist/node'), { recursive: true });
        const cli = join(build, 'dist/node/brine.cjs');
        writeFileSync(cli, readFileSync(cli, 'utf8').replace('usage: brine run', text));
        return join(build, 'bin/brine.js');
      });
      const usage = (bin: string) => spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8', env }).stderr;
      expect(usage(builds[0]!)).toContain('usage: brine run');
      expect(usage(builds[1]!)).toContain('usagE: brine run');
      expect(usage(builds[0]!)).toContain('usage: brine run');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('brine validate', () => {
  it('checks a job as run would and summarises it, without running it', () => {
    const out = brine('validate', writeJob('csv.yaml', csvJob));
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(
      [
        'valid: /app/csv.wasm, entrypoint _start, parameters ["/inputs/horses.csv","/outputs/parents-children.csv"]',
        'imports: none',
        'inputs: /app/csv.wasm (localDirectory), /inputs (localDirectory)',
        'outputs: /outputs',
        'memory: 3907 pages per memory; timeout: 600 s',
        'network: None (no HTTP module)',
        'filesystem, as the guest will see it:',
        '  /  (preopened as fd 3 "/")',
        '  ├── app/',
        `  │   └── csv.wasm  (read-only, local path ${join(dir, 'wasm/csv.wasm')}, ${kib('c/csv.wasm')})`,
        `  ├── inputs/  (read-only, local path ${join(dir, 'inputs')}, 2 files, ${kib('data/cosmic.txt', 'data/horses.csv')})`,
        `  │   ├── cosmic.txt  (${kib('data/cosmic.txt')})`,
        `  │   └── horses.csv  (${kib('data/horses.csv')})`,
        '  └── outputs/  (writable, output "outputs", empty)',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 with the typed error and hint that start would give', () => {
    const cases: [string, string][] = [
      [
        'Tasks: [{Engine: {Type: wasm, Params: {EntryModule: m.wasm}}, Network: {Type: Full, Domains: [example.com]}}]',
        'SpecError: invalid WASM spec: invalid network: domains can only be set for HTTP network mode',
      ],
      ['Tasks: [{Engine: {Type: wasm, Params: {EntryModule: m.wasm}}, Resources: {Memory: 5GiB}}]', 'MemoryLimitError'],
      [
        'Tasks: [{Engine: {Type: wasm, Params: {EntryModule: m.wasm}}, InputSources: [{Target: /d, Source: {Type: ipfs, Params: {CID: x}}}]}]',
        'InputConfigError: input configuration error: input source type "ipfs" needs the network',
      ],
    ];
    for (const [yaml, message] of cases) {
      const out = brineWithInput(yaml, 'validate', '-');
      expect(out.status, yaml).toBe(1);
      expect(out.stderr).toContain(message);
      expect(out.stderr).toContain('hint: ');
    }
  });

  it('never says valid where run refuses: inputs mounted inside one another, a missing host file', () => {
    const inside = csvJob.replace(
      '      - Target: /inputs\n',
      '      - Target: /app\n        Source: {Type: local, Params: {SourcePath: wasm}}\n      - Target: /inputs\n',
    );
    const missing = csvJob.replace('SourcePath: inputs}', 'SourcePath: no-such-dir}');
    for (const [name, yaml, message] of [
      ['inside.yaml', inside, '"app/csv.wasm" and "app" overlap'],
      ['missing.yaml', missing, 'does not exist'],
    ] as const) {
      const path = writeJob(name, yaml);
      const validated = brine('validate', path);
      const ran = brine('run', path);
      expect([validated.status, ran.status], name).toEqual([1, 125]);
      expect(validated.stderr).toContain(message);
      expect(ran.stderr).toContain(message);
    }
  });

  it('warns about unknown keys with the closest known one, and still validates', () => {
    const out = brineWithInput(csvJob.replace('Entrypoint: _start', 'Entrypiont: _start'), 'validate', '-');
    expect(out.stderr).toContain(
      'warning: unknown key "Entrypiont" in Tasks[0].Engine.Params: did you mean "Entrypoint"?',
    );
    expect(out.stderr).toContain('warning: Entrypoint is not set: Brine calls _start');
  });
});
