// The job is the UI's model: the form and the YAML view show it and read it back without losing
// anything. Pure store tests (no DOM): every action a control calls, on real demos and modules.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { file } from '../../src/mounts/tree';
import { parseJob, parseJobDocument } from '../../src/spec/parse';
import { jobToYaml } from '../../src/spec/serialize';
import type { Job } from '../../src/spec/types';
import { type DemoIndex, demoFiles } from '../lib/demos';
import { type JobFiles, runnableJob } from '../lib/jobFiles';
import { inputRows, TEXT_FIELD_NAMES, TEXT_FIELDS } from '../lib/jobForm';
import { jobYaml } from '../lib/jobYaml';
import {
  addModules,
  addMounts,
  dropYamlDraft,
  editYaml,
  endYamlEdit,
  invalidEdit,
  loadJob,
  newJob,
  renameOutput,
  setEntryModule,
  setField,
  setInputTarget,
  setInputWritable,
  setTrace,
} from './job';
import { store } from './store';

const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const dataUrl = (path: string, type = 'application/wasm') =>
  `data:${type};base64,${Buffer.from(read(path)).toString('base64')}`;
const state = () => store.getState();

const demoIndex = JSON.parse(readFileSync('public/demos/index.json', 'utf8')) as DemoIndex;

/** A demo's job.yaml and the files it reads, from public/demos. */
async function readDemo(id: string): Promise<{ yaml: string; files: JobFiles }> {
  const demo = demoIndex.demos.find((d) => d.id === id)!;
  const yaml = readFileSync(`public/${demo.job}`, 'utf8');
  const folder = `public/${demo.job.replace(/[^/]+$/, '')}`;
  return { yaml, files: await demoFiles(parseJob(yaml), demo, async (path) => read(folder + path)) };
}

async function loadDemo(id: string): Promise<void> {
  const { yaml, files } = await readDemo(id);
  loadJob(parseJob(yaml), files, id);
}

/** Writes back, through the form's own actions, everything the form shows: it must change nothing. */
function typeBackTheForm(): void {
  for (const field of TEXT_FIELD_NAMES) {
    const shown = state().drafts[field]?.text ?? TEXT_FIELDS[field].format(state().job);
    if (shown !== null) setField(field, shown);
  }
  for (const row of inputRows(state().job, state().files)) {
    setInputTarget(row.index, row.target);
    setInputWritable(row.index, row.readWrite);
  }
  for (const [index, output] of state().job.outputs.entries()) renameOutput(index, output.name);
  setEntryModule(state().job.entryModule);
}

/** YAML → job → form → job → YAML view → job: each step gives back the job it started from. */
function expectRoundTrip(yaml: string, files: JobFiles = {}): void {
  const { job, warnings } = parseJobDocument(yaml);
  expect(warnings).toEqual([]);
  loadJob(job, files);
  typeBackTheForm();
  expect(state().job).toEqual(job);
  expect(invalidEdit(state())).toBeNull();
  expect(jobToYaml(state().job)).toBe(jobToYaml(job));

  const view = jobYaml(state().job, state().files).yaml;
  editYaml(view);
  endYamlEdit();
  expect(state().yamlDraft).toBeNull();
  expect(state().job).toEqual(job);
  expect(state().files).toEqual(files);
  expect(jobYaml(state().job, state().files).yaml).toBe(view);
}

describe('round trips', () => {
  it.each(demoIndex.demos.map((demo) => demo.id))('the %s demo, as written', async (id) => {
    const { yaml, files } = await readDemo(id);
    expect(Object.keys(files).length).toBeGreaterThan(0);
    expectRoundTrip(yaml, files);
    // The job kept is the demo's job.yaml itself, its localDirectory sources included.
    expect(state().job).toEqual(parseJob(yaml));
  });

  const everyField = [
    'Name: every-field',
    'Namespace: research',
    'Type: batch',
    'Priority: 50',
    'Count: 2',
    'Constraints:',
    '  - Key: arch',
    '    Operator: in',
    '    Values: [wasm32, wasm64]',
    'Meta: {owner: ana, purpose: "round trip"}',
    'Labels: {team: wasm, tier: "1"}',
    'Tasks:',
    '  - Name: main-task',
    '    Meta: {step: one}',
    '    Engine:',
    '      Type: wasm',
    '      Params:',
    '        EntryModule: /app/hello.wasm',
    '        Entrypoint: _start',
    '        Parameters: [first, "second arg", ""]',
    '        ImportModules: [/app/lib.wasm]',
    '        Brine:',
    '          Stdin: "line one\\nline two\\n"',
    '          Argv0: hello',
    '          Env: {greeting: hi, PATH_LIKE: "a=b"}',
    '          Preopens: [data]',
    '          Seed: 42',
    '          RootPreopen: false',
    '          SystemEnv: false',
    '          Compat: bacalhau',
    '    Publisher:',
    '      Type: s3',
    '      Params: {Bucket: results, Key: "jobs/{jobID}", Region: eu-west-1}',
    '    Env: {GREETING: hello, EMPTY_LOOKING: " "}',
    '    InputSources:',
    `      - {Target: /app/hello.wasm, Source: {Type: inline, Params: {URL: "${dataUrl('fixtures/c/hello.wasm')}"}}}`,
    `      - {Target: /app/lib.wasm, Source: {Type: inline, Params: {URL: "${dataUrl('fixtures/c/easter.wasm')}"}}}`,
    '      - Target: /data',
    '        Alias: dataset',
    '        Source: {Type: localDirectory, Params: {SourcePath: data, ReadWrite: true}}',
    '      - Target: /remote',
    '        Source: {Type: urlDownload, Params: {URL: "https://example.com/x"}}',
    '    ResultPaths:',
    '      - {Name: outputs, Path: /outputs}',
    '    Resources: {CPU: 500m, Memory: 64MiB, Disk: 1Gb, GPU: "1"}',
    '    Timeouts: {ExecutionTimeout: 30, QueueTimeout: 60, TotalTimeout: 120}',
    '    Network: {Type: HTTP, Domains: [example.com, .bacalhau.org]}',
    '',
  ].join('\n');

  it('a job that sets every field', () => {
    const data = { data: file('rows\n') } as const;
    expectRoundTrip(everyField, data);
    // Every field was read (a field the parser skipped would round-trip as absent, and prove nothing).
    const job = state().job;
    expect(job).toMatchObject({
      namespace: 'research',
      priority: 50,
      count: 2,
      constraints: [{ key: 'arch', operator: 'in', values: ['wasm32', 'wasm64'] }],
      meta: { owner: 'ana', purpose: 'round trip' },
      labels: { team: 'wasm', tier: '1' },
      taskName: 'main-task',
      taskMeta: { step: 'one' },
      parameters: ['first', 'second arg', ''],
      importModules: ['/app/lib.wasm'],
      env: { GREETING: 'hello', EMPTY_LOOKING: ' ' },
      publisher: { type: 's3', params: { Bucket: 'results', Key: 'jobs/{jobID}', Region: 'eu-west-1' } },
      resources: { cpu: '500m', memory: '64MiB', disk: '1Gb', gpu: '1' },
      timeouts: { executionTimeout: 30, queueTimeout: 60, totalTimeout: 120 },
      network: { type: 'HTTP', domains: ['example.com', '.bacalhau.org'] },
      brine: {
        argv0: 'hello',
        env: { greeting: 'hi', PATH_LIKE: 'a=b' },
        preopens: ['data'],
        seed: 42,
        rootPreopen: false,
        systemEnv: false,
        compat: 'bacalhau',
      },
    });
    expect(new TextDecoder().decode(job.brine.stdin)).toBe('line one\nline two\n');
    expect(job.inputs.map((input) => input.source.type)).toEqual(['inline', 'inline', 'localDirectory', 'other']);
    // The form shows the writable folder and the network source, which it cannot read.
    expect(inputRows(job, data).map((row) => [row.kind, row.readWrite, 'tree' in row.content])).toEqual([
      ['module', false, true],
      ['module', false, true],
      ['mount', true, true],
      ['mount', false, false],
    ]);
  });

  it('an absent field stays absent: no Entrypoint, no Memory, no timeout, no stdin', () => {
    const yaml = [
      'Tasks:',
      '  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}',
      `    InputSources: [{Target: main.wasm, Source: {Type: inline, Params: {URL: "${dataUrl('fixtures/c/hello.wasm')}"}}}]`,
      '',
    ].join('\n');
    expectRoundTrip(yaml);
    expect(jobToYaml(state().job)).not.toMatch(/Entrypoint|Memory|Timeouts|Brine|Name:/);
  });
});

describe('the form fields', () => {
  beforeEach(() => loadDemo('hello'));

  it('each field reads back what it shows', () => {
    const samples: Partial<Record<keyof typeof TEXT_FIELDS, Partial<Job>[]>> = {
      parameters: [{ parameters: [] }, { parameters: [''] }, { parameters: ['a', ''] }, { parameters: ['', ''] }],
      env: [{ env: {} }, { env: { A: '', B: '=x=' } }],
      timeout: [{ timeouts: {} }, { timeouts: { executionTimeout: 0 } }, { timeouts: { executionTimeout: -5 } }],
      memory: [{ resources: {} }, { resources: { memory: ' 1 GiB' } }],
      stdin: [{ brine: { argv0: '', preopens: [] } }, { brine: { argv0: '', preopens: [], stdin: file('é\n').data } }],
    };
    for (const [field, values] of Object.entries(samples) as [keyof typeof TEXT_FIELDS, Partial<Job>[]][]) {
      for (const value of values) {
        const job = { ...state().job, ...value };
        const spec = TEXT_FIELDS[field];
        expect(spec.read(job, spec.format(job)!), `${field} ${JSON.stringify(value)}`).toEqual(job);
      }
    }
  });

  it('a value a field cannot write leaves the field to the YAML', () => {
    const job = state().job;
    expect(TEXT_FIELDS.env.format({ ...job, env: { A: 'two\nlines' } })).toBeNull();
    expect(TEXT_FIELDS.parameters.format({ ...job, parameters: ['two\nlines'] })).toBeNull();
    expect(
      TEXT_FIELDS.stdin.format({ ...job, brine: { ...job.brine, stdin: new Uint8Array([0xff, 0xfe]) } }),
    ).toBeNull();
  });

  it('text that does not parse stays as typed with its error, the job keeps its value, and Run is refused', () => {
    const before = state().job;
    setField('env', 'GREETING');
    expect(state().job).toBe(before);
    expect(state().drafts.env).toMatchObject({ text: 'GREETING', error: { code: 'SpecError' } });
    const refusal = invalidEdit(state());
    expect(refusal?.message).toBe('invalid WASM spec: environment line 1 "GREETING" must be NAME=value');
    expect(refusal?.details).toEqual({ field: 'Tasks[0].Env' });
    expect(refusal?.hint).toMatch(/^Write one variable per line as NAME=value/);
    // A YAML edit elsewhere keeps the draft; one that sets Env replaces it.
    editYaml(jobYaml(state().job, state().files).yaml.replace('Entrypoint: _start', 'Entrypoint: main'));
    expect(state().drafts.env?.text).toBe('GREETING');
    editYaml(`${jobYaml(state().job, state().files).yaml.replace(/\s+Env:[^\n]*\n/, '')}    Env: {X: "1"}\n`);
    expect(state().drafts.env).toBeUndefined();
    expect(state().job.env).toEqual({ X: '1' });
    expect(invalidEdit(state())).toBeNull();
  });

  it('text being typed stays as typed while it parses to the same value', () => {
    setField('parameters', 'a\n');
    expect(state().job.parameters).toEqual(['a']);
    expect(state().drafts.parameters?.text).toBe('a\n');
    setField('timeout', '007');
    expect(state().job.timeouts.executionTimeout).toBe(7);
    setField('timeout', 'soon');
    expect(state().job.timeouts.executionTimeout).toBe(7);
    expect(invalidEdit(state())?.details).toEqual({ field: 'Tasks[0].Timeouts.ExecutionTimeout' });
  });
});

describe('the YAML view', () => {
  beforeEach(() => loadDemo('hello'));

  it('YAML that does not parse leaves the job alone, refuses Run, and is dropped by a form edit', () => {
    const before = state().job;
    editYaml('Tasks: [');
    expect(state().job).toBe(before);
    expect(invalidEdit(state())?.message).toMatch(/^invalid WASM spec: malformed YAML/);
    endYamlEdit();
    expect(state().yamlDraft?.text).toBe('Tasks: [');
    setField('parameters', 'x');
    expect(state().yamlDraft).toBeNull();
    expect(invalidEdit(state())).toBeNull();
  });

  it('unknown keys are warned about with the closest key, and their text kept until dropped', () => {
    const yaml = jobYaml(state().job, state().files).yaml.replace('Entrypoint:', 'Entrypont:');
    editYaml(yaml);
    expect(state().yamlDraft?.warnings.map((w) => w.message)).toEqual([
      'unknown key "Entrypont" in Tasks[0].Engine.Params: did you mean "Entrypoint"?',
    ]);
    expect(state().job.entrypoint).toBe('');
    endYamlEdit();
    expect(state().yamlDraft?.text).toBe(yaml);
    dropYamlDraft();
    expect(state().yamlDraft).toBeNull();
    expect(jobYaml(state().job, state().files).yaml).not.toContain('Entrypont');
  });

  it('files too large to inline are placeholders that still find their file when the YAML is edited', () => {
    const big = new Uint8Array(1536 * 1024).fill(120);
    addMounts([{ name: 'big.txt', kind: 'file', tree: file(big) }]);
    const { yaml, placeholders } = jobYaml(state().job, state().files);
    expect(placeholders).toEqual([
      { target: '/inputs/big.txt', sourcePath: 'big.txt', bytes: big.byteLength, reason: 'size' },
    ]);
    editYaml(yaml.replace('Entrypoint: _start', 'Entrypoint: _start\n        Parameters: [/inputs/big.txt]'));
    endYamlEdit();
    const runnable = runnableJob(state().job, state().files);
    expect(runnable.parameters).toEqual(['/inputs/big.txt']);
    expect(runnable.inputs.map((input) => input.source.type)).toEqual(['memory', 'memory']);
    const source = runnable.inputs[1]!.source;
    expect(source.type === 'memory' && source.tree.kind === 'file' && source.tree.data).toBe(big);
  });

  it('a writable mount is a placeholder too (inline sources are read-only), and keeps its flag', () => {
    addMounts([{ name: 'notes.txt', kind: 'file', tree: file('x') }]);
    setInputWritable(1, true);
    const { yaml, placeholders } = jobYaml(state().job, state().files);
    expect(placeholders.map((p) => p.reason)).toEqual(['writable']);
    editYaml(yaml);
    expect(state().job.inputs[1]!.source).toEqual({ type: 'localDirectory', sourcePath: 'notes.txt', readWrite: true });
  });

  it("a pasted inline source made writable becomes one of the job's files", () => {
    const { job, files } = state();
    loadJob(
      { ...job, inputs: [...job.inputs, { target: '/in.txt', source: { type: 'inline', url: 'data:,hello' } }] },
      files,
    );
    setInputWritable(1, true);
    expect(state().job.inputs[1]!.source).toEqual({ type: 'localDirectory', sourcePath: 'in.txt', readWrite: true });
    expect(state().files['in.txt']).toEqual(file('hello'));
  });
});

describe('adding files', () => {
  it("a module dropped at a taken target replaces the module there (the demo's main.wasm), and its old file goes", async () => {
    await loadDemo('csv');
    const hello = read('fixtures/c/hello.wasm');
    addModules([{ name: 'main.wasm', data: hello }]);
    expect(state().notice).toBe('Replaced the module at main.wasm with your main.wasm.');
    expect(state().job.inputs.map((input) => input.target)).toEqual(['main.wasm', '/inputs']);
    expect(state().job.inputs[0]!.source).toEqual({
      type: 'localDirectory',
      sourcePath: 'main.wasm',
      readWrite: false,
    });
    expect(Object.keys(state().files).sort()).toEqual(['inputs', 'main.wasm']);
    expect(state().demoId).toBe('');
    const source = runnableJob(state().job, state().files).inputs[0]!.source;
    expect(source.type === 'memory' && source.tree.kind === 'file' && source.tree.data).toBe(hello);
  });

  it('files with the same name are kept apart', () => {
    loadJob(parseJob('Tasks: [{Engine: {Type: wasm, Params: {EntryModule: ""}}}]'));
    addModules([
      { name: 'a.wasm', data: read('fixtures/c/hello.wasm') },
      { name: 'a.wasm', data: read('fixtures/c/easter.wasm') },
    ]);
    expect(state().job.inputs.map(({ target, source }) => [target, source])).toEqual([
      ['main.wasm', { type: 'localDirectory', sourcePath: 'a.wasm', readWrite: false }],
      ['a.wasm', { type: 'localDirectory', sourcePath: 'a-2.wasm', readWrite: false }],
    ]);
  });

  it('"__proto__" is a file name like any other', () => {
    loadJob(
      parseJob(
        'Tasks: [{Engine: {Type: wasm, Params: {EntryModule: main.wasm}}, InputSources: [{Target: /x, Source: {Type: localDirectory, Params: {SourcePath: __proto__}}}]}]',
      ),
    );
    expect(inputRows(state().job, state().files)[0]!.content).toEqual({
      missing: '"__proto__" is not among the job\'s files',
    });
    expect(() => runnableJob(state().job, state().files)).toThrow("is not among the job's files");
    addMounts([{ name: '__proto__', kind: 'file', tree: file('mine') }]);
    expect(Object.hasOwn(state().files, '__proto__')).toBe(true);
    const source = runnableJob(state().job, state().files).inputs[1]!.source;
    expect(source).toEqual({ type: 'memory', tree: file('mine'), readWrite: false });
  });
});

describe('the demo a job began as', () => {
  it('is kept through edits such as turning the trace on (its note stays), and forgotten with a new job', async () => {
    await loadDemo('csv');
    expect(state()).toMatchObject({ demoId: 'csv', startedFromDemo: 'csv' });
    setTrace(true);
    expect(state().job.brine.trace).toBe(true);
    expect(state()).toMatchObject({ demoId: '', startedFromDemo: 'csv' });
    setField('parameters', '/inputs/horses.csv');
    expect(state().startedFromDemo).toBe('csv');
    newJob();
    expect(state()).toMatchObject({ demoId: '', startedFromDemo: '' });
  });
});
