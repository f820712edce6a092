// `brine validate --bacalhau` and `brine export` end to end: the built CLI in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/brine.js');
const demos = join(root, 'public/demos');
let dir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/node/brine.cjs'))) throw new Error('run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'brine-bacalhau-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function brine(args: string[], input = '') {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, input });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const hello = readFileSync(join(root, 'fixtures/c/hello.wasm')).toString('base64');
const inlineJob = (extra = '') => `Type: batch
Tasks:
  - Name: main
    Engine: {Type: wasm, Params: {EntryModule: main.wasm, Entrypoint: _start}}
    InputSources:
      - {Target: main.wasm, Source: {Type: inline, Params: {URL: "data:application/wasm;base64,${hello}"}}}
    Network: {Type: None}
${extra}`;

describe('brine validate --bacalhau', () => {
  it('exits 0 when a default network would accept and start the job', () => {
    const out = brine(['validate', '--bacalhau', write('ok.yaml', inlineJob())]);
    expect(out).toMatchObject({ status: 0, stderr: '' });
    expect(out.stdout).toBe('bacalhau: a default network would accept and start this job (0 warnings)\n');
  });

  it('exits 0 with warnings, each with its field, what Bacalhau does and the rule', () => {
    const out = brine(['validate', '--bacalhau', '-'], inlineJob().replace('    Network: {Type: None}\n', ''));
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('bacalhau: a default network would accept and start this job (1 warning)\n');
    expect(out.stderr).toContain(
      'warning Tasks[0].Network.Type: Network is not set (Default): Bacalhau runs the job with Host networking',
    );
    expect(out.stderr).toContain(
      '  a compute node accepts it\n  rule: bacalhau:net-default-host (pkg/executor/wasm/handler.go: loadModules',
    );
  });

  it("exits 1 when it would be refused, printing Bacalhau's messages and the source rules", () => {
    const job = inlineJob('    Env: {path: /bin}\n').replace('Type: batch', 'Type: Batch');
    const out = brine(['validate', '--bacalhau', write('refused.yaml', job)]);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('bacalhau: refused (2 errors, 0 warnings)\n');
    expect(out.stderr).toBe(
      [
        'error Type: invalid job type: "Batch"',
        "  Bacalhau's CLI refuses the job (the message is Bacalhau's)",
        '  rule: bacalhau:job-type-exact (pkg/models/job.go: (*Job).ValidateSubmission; pkg/models/constants.go)',
        '  hint: Type is exactly batch, ops, service or daemon: lower case, no spaces.',
        "error Tasks[0].Env.path: task main validation failed: environment variable 'path' must be uppercase",
        "  Bacalhau's CLI refuses the job (the message is Bacalhau's)",
        '  rule: bacalhau:env-name-upper (pkg/models/env_var.go: ValidateEnvVars)',
        '  hint: Write Task.Env names in upper case (Brine.Env takes any name, in Brine only).',
        '',
      ].join('\n'),
    );
  });

  it('refuses every demo as written: its files are host paths a default node does not serve', () => {
    const out = brine(['validate', '--bacalhau', join(demos, 'hello/job.yaml')]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      'error Tasks[0].InputSources[0].Source.Type: does not support localDirectory, only inline, urldownload',
    );
    expect(out.stderr).toContain('`brine export` turns local files into inline data URLs');
  });

  it('bad input: a clear message and exit 1 (Bacalhau refuses it) or 2 (it cannot be read), never a stack trace', () => {
    const huge = write('huge.yaml', '');
    truncateSync(huge, 65 * 1024 * 1024);
    mkdirSync(join(dir, 'a-directory'), { recursive: true });
    const cases: [string[], string, number, string][] = [
      [
        ['validate', '--bacalhau', write('bad.yaml', 'Type: [batch\n')],
        '',
        1,
        'error (job): converting yaml to json: yaml: line',
      ],
      [
        ['validate', '--bacalhau', write('list.yaml', '- Type: batch\n')],
        '',
        1,
        'json: cannot unmarshal array into Go value of type map[string]interface {}',
      ],
      [['validate', '--bacalhau', write('empty.yaml', '')], '', 1, 'error (job): no content provided'],
      [['validate', '--bacalhau', write('comment.yaml', '# nothing\n')], '', 1, 'error (job): empty/nil job'],
      [
        ['validate', '--bacalhau', write('binary.yaml', new Uint8Array([0, 1, 2, 255]))],
        '',
        1,
        'converting yaml to json',
      ],
      [['validate', '--bacalhau', '-'], '{{ .X', 1, 'failed to parse template: template: :1: unclosed action'],
      [
        ['validate', '--bacalhau', join(dir, 'missing.yaml')],
        '',
        2,
        `brine: cannot read ${join(dir, 'missing.yaml')}: ENOENT`,
      ],
      [['validate', '--bacalhau', join(dir, 'a-directory')], '', 2, 'not a file'],
      [['validate', '--bacalhau', huge], '', 2, 'too large to check'],
      [['validate', '--bacalhau'], '', 2, 'brine: missing JOB.yaml'],
      [['validate', '--bacalhau', '--json', 'x.yaml'], '', 2, 'brine: unknown option "--json"'],
      [['export', 'x.yaml', '-o'], '', 2, 'brine: -o needs a file'],
      [
        ['export', write('bad-export.yaml', 'Tasks: [\n')],
        '',
        1,
        'brine: SpecError: invalid WASM spec: malformed YAML',
      ],
      [['export', write('list-export.yaml', '- a\n')], '', 1, 'a job spec must be a map'],
      [['export', huge], '', 2, 'too large to check'],
    ];
    for (const [args, input, status, message] of cases) {
      const out = brine(args, input);
      expect(out.status, args.join(' ')).toBe(status);
      expect(out.stderr, args.join(' ')).toContain(message);
      expect(out.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });
});

/** Runs a job through the CLI; with `interrupt`, sends SIGINT once that text is on stdout. */
function run(job: string, interrupt?: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, 'run', job], { cwd: dir });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (interrupt !== undefined && stdout.includes(interrupt)) child.kill('SIGINT');
    });
    child.on('close', (status) => done({ status, stdout }));
  });
}

describe('brine export', () => {
  // Every demo but those that need the page serving them (their job has the page's address filled in).
  const index: { demos: { id: string; pageOnly?: string }[] } = JSON.parse(
    readFileSync(join(demos, 'index.json'), 'utf8'),
  );
  const DEMOS = index.demos.filter((demo) => demo.pageOnly === undefined).map((demo) => demo.id);
  it('covers every demo the CLI can run', () => {
    expect(DEMOS).toEqual(expect.arrayContaining(['hello', 'csv', 'dynamic', 'memory', 'colors', 'lines', 'spin']));
    expect(index.demos.filter((demo) => demo.pageOnly !== undefined).map((demo) => demo.id)).toEqual(['http']);
  });
  for (const demo of DEMOS) {
    it(`${demo}: the export is accepted by validate --bacalhau and runs as the original does`, async () => {
      const exported = join(dir, `${demo}.bacalhau.yaml`);
      const out = brine(['export', join(demos, demo, 'job.yaml'), '-o', exported]);
      expect(out).toMatchObject({ status: 0, stdout: '', stderr: '' });
      const yaml = readFileSync(exported, 'utf8');
      expect(yaml).toMatch(/^# Exported by brine export for a Bacalhau network: bacalhau job run FILE\n/);
      expect(yaml).not.toContain('localDirectory');
      expect(brine(['validate', '--bacalhau', exported]).status).toBe(0);
      const interrupt = demo === 'spin' ? 'spinning' : undefined;
      const [original, copy] = await Promise.all([
        run(join(demos, demo, 'job.yaml'), interrupt),
        run(exported, interrupt),
      ]);
      expect(copy).toEqual(original);
      expect(original.stdout.length).toBeGreaterThan(0);
    });
  }

  it('writes to stdout without -o, a directory as a gzip tar', () => {
    const out = brine(['export', join(demos, 'csv/job.yaml')]);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("# InputSources[1] (/inputs): inputs inlined as a data URL (a gzip'd tar)\n");
    expect(out.stdout).toMatch(/URL: data:application\/gzip;base64,H4sI/);
  });

  it('a file too big for Bacalhau: exit 1 naming it, its size and the limit, suggesting a URL, IPFS or S3; nothing written', () => {
    mkdirSync(join(dir, 'big'), { recursive: true });
    write('big/huge.bin', new Uint8Array(11 * 1024 * 1024));
    write('big/main.wasm', readFileSync(join(root, 'fixtures/c/hello.wasm')));
    const job = write(
      'big.yaml',
      `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: /app/main.wasm}}
    InputSources:
      - {Target: /app, Source: {Type: localDirectory, Params: {SourcePath: big}}}
`,
    );
    const out = brine(['export', job, '-o', join(dir, 'big.out.yaml')]);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(
      'brine: InputConfigError: input configuration error: big/huge.bin is 11 MiB: Bacalhau unpacks at most 10 MiB per file from an inline archive\n' +
        'hint: Serve it from a URL (a urlDownload source), IPFS or S3 instead of inlining it in the job.\n',
    );
    expect(existsSync(join(dir, 'big.out.yaml'))).toBe(false);
  });

  it('a source far over any limit is refused without being read', () => {
    mkdirSync(join(dir, 'sparse'), { recursive: true });
    const blob = write('sparse/blob.bin', '');
    truncateSync(blob, 70 * 1024 * 1024);
    const job = write(
      'sparse.yaml',
      inlineJob('')
        .replace('    Network:', '    Network:')
        .replace(
          '    InputSources:\n',
          '    InputSources:\n      - {Target: /data, Source: {Type: localDirectory, Params: {SourcePath: sparse}}}\n',
        ),
    );
    const out = brine(['export', job]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('input configuration error: sparse is 70 MiB: far more than a job can hold');
  });

  it('a job export cannot make acceptable: exit 1 with the findings, nothing written; a missing source is an error', () => {
    const out = brine([
      'export',
      write('lower.yaml', inlineJob('    Env: {lower: x}\n')),
      '-o',
      join(dir, 'lower.out.yaml'),
    ]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      "error Tasks[0].Env.lower: task main validation failed: environment variable 'lower' must be uppercase",
    );
    expect(out.stderr).toContain(
      'brine: Bacalhau would still refuse the exported job: fix the job file (nothing written)',
    );
    expect(existsSync(join(dir, 'lower.out.yaml'))).toBe(false);
    const missing = write(
      'missing-source.yaml',
      inlineJob().replace(
        `Type: inline, Params: {URL: "data:application/wasm;base64,${hello}"}`,
        'Type: localDirectory, Params: {SourcePath: nowhere.wasm}',
      ),
    );
    const gone = brine(['export', missing]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain('input configuration error: input source "nowhere.wasm" does not exist');
  });
});
