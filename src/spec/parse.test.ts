import { describe, expect, it } from 'vitest';
import { type ErrorCode, isBrineError } from '../errors/index.js';
import { admit } from './admit.js';
import { parseJob, parseJobDocument, readJob } from './parse.js';
import { entrypointOf, executionTimeoutSeconds, type Job, jobCount, jobType, networkType } from './types.js';

const jobFromObject = (value: unknown): Job => readJob(value).job;

// biome-ignore lint/suspicious/noExplicitAny: specs are edited freely by path in these tests
type Spec = Record<string, any>;

const WASM_URL = 'data:application/wasm;base64,AGFzbQEAAAA=';

/** A minimal valid job object; `task` patches Tasks[0]. */
function spec(task: Spec = {}, top: Spec = {}): Spec {
  return {
    Name: 'job',
    ...top,
    Tasks: [
      {
        Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm' } },
        InputSources: [{ Target: '/main.wasm', Source: { Type: 'inline', Params: { URL: WASM_URL } } }],
        ...task,
      },
    ],
  };
}

const withParams = (params: Spec) =>
  spec({ Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm', ...params } } });
const withInputs = (...inputs: Spec[]) => spec({ InputSources: inputs });
const inline = (target: string, extra: Spec = {}) => ({
  Target: target,
  Source: { Type: 'inline', Params: { URL: WASM_URL } },
  ...extra,
});

function errorOf(fn: () => unknown): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    if (isBrineError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected an error');
}

const specError = (cause: string, field?: string) => ({
  code: 'SpecError',
  message: `invalid WASM spec: ${cause}`,
  details: field === undefined ? undefined : { field },
});

describe('parseJob: Bacalhau examples', () => {
  it('parses the reference example (section 10)', () => {
    const job = parseJob(`
Name: wasm-csv-example
Type: batch
Count: 1
Tasks:
  - Name: main
    Engine:
      Type: wasm
      Params:
        EntryModule: /app/csv.wasm        # urlDownload below puts the file at /app/csv.wasm
        Entrypoint: _start                # no executor default; always set it
        Parameters:                       # guest argv = ["", "/inputs/horses.csv", "/outputs/parents-children.csv"]
          - /inputs/horses.csv
          - /outputs/parents-children.csv
        ImportModules: []                 # e.g. ["/libs/input.wasm"] for modules to pre-instantiate
    Env:
      RUST_BACKTRACE: "1"                 # plus BACALHAU_* system vars added by the node
    InputSources:
      - Target: /app                      # urlDownload: Target is the parent directory
        Source:
          Type: urlDownload
          Params:
            URL: https://example.com/wasm/csv.wasm
      - Target: /inputs
        Source:
          Type: urlDownload
          Params:
            URL: https://example.com/data/horses.csv
    ResultPaths:
      - Name: outputs                     # WASM mounts this at /outputs (uses Name, not Path)
        Path: /outputs
    Publisher:
      Type: local
    Resources:
      Memory: 256Mb                       # 256e6 bytes -> 3907 wasm pages
    Network:
      Type: None                          # omit it and WASM gets Host networking (HTTP host function)
    Timeouts:
      ExecutionTimeout: 600
`);
    expect(job).toEqual<Job>({
      name: 'wasm-csv-example',
      type: 'batch',
      count: 1,
      taskName: 'main',
      entryModule: '/app/csv.wasm',
      entrypoint: '_start',
      parameters: ['/inputs/horses.csv', '/outputs/parents-children.csv'],
      importModules: [],
      env: { RUST_BACKTRACE: '1' },
      inputs: [
        {
          target: '/app',
          source: { type: 'other', sourceType: 'urlDownload', params: { URL: 'https://example.com/wasm/csv.wasm' } },
        },
        {
          target: '/inputs',
          source: { type: 'other', sourceType: 'urlDownload', params: { URL: 'https://example.com/data/horses.csv' } },
        },
      ],
      outputs: [{ name: 'outputs', path: '/outputs' }],
      publisher: { type: 'local', params: {} },
      resources: { memory: '256Mb' },
      timeouts: { executionTimeout: 600 },
      network: { type: 'None', domains: [] },
      constraints: [],
      meta: {},
      labels: {},
      taskMeta: {},
      brine: { argv0: '', preopens: [] },
    });
  });

  it("parses the shape of Bacalhau's testdata/jobs/wasm.yaml (lower-case keys, inline module)", () => {
    const job = parseJob(`
name: Wasm Job
type: batch
count: 1
tasks:
  - name: main
    engine:
      type: wasm
      params:
        EntryModule: wasm.main
        Entrypoint: _start
        Parameters: null
        ImportModules: []
    inputSources:
      - source:
          type: inline
          params:
            URL: |-
              data:application/wasm;base64,AGFzbQEA
              AAAA
        target: /wasm.main
`);
    expect(job.name).toBe('Wasm Job');
    expect(job.entryModule).toBe('wasm.main');
    expect(job.entrypoint).toBe('_start');
    expect(job.parameters).toEqual([]);
    expect(job.inputs).toEqual([
      { target: '/wasm.main', source: { type: 'inline', url: 'data:application/wasm;base64,AGFzbQEA\nAAAA' } },
    ]);
    expect(job.publisher).toBeUndefined();
    expect(job.network).toEqual({ type: '', domains: [] });
  });
});

describe('parseJob: keys and defaults', () => {
  it('matches keys case-insensitively at every level, and warns about unknown keys with the closest known one', () => {
    const { job, warnings } = parseJobDocument(`
NAME: x
TASKS:
  - ENGINE:
      tYpE: " WASM "
      PARAMS:
        entrymodule: a.wasm
        EntryPoint: run
        parameters: [p]
        importmodules: [lib.wasm]
        brine: { stdin: hi, ARGV0: prog }
        Unknown: 1
    inputsources:
      - TARGET: a.wasm
        ALIAS: mod
        source: { TYPE: INLINE, params: { url: "data:,x" } }
    resultpaths: [{ name: out, path: /out }]
    resources: { memory: 1 kB }
    timeouts: { executiontimeout: 5 }
    network: { type: none }
    Whatever: { Deep: true }
Extra: 7
`);
    expect(job).toMatchObject({
      name: 'x',
      entryModule: 'a.wasm',
      entrypoint: 'run',
      parameters: ['p'],
      importModules: ['lib.wasm'],
      inputs: [{ target: 'a.wasm', alias: 'mod', source: { type: 'inline', url: 'data:,x' } }],
      outputs: [{ name: 'out', path: '/out' }],
      resources: { memory: '1 kB' },
      timeouts: { executionTimeout: 5 },
      network: { type: 'none', domains: [] },
      brine: { stdin: new TextEncoder().encode('hi'), argv0: 'prog', preopens: [] },
    });
    expect(warnings.map((w) => [w.field, w.message])).toEqual([
      ['Extra', 'unknown key "Extra" at the top level'],
      ['Tasks[0].Whatever', 'unknown key "Whatever" in Tasks[0]'],
      ['Tasks[0].Engine.Params.Unknown', 'unknown key "Unknown" in Tasks[0].Engine.Params'],
    ]);
    expect(warnings.every((w) => w.severity === 'warning' && w.rule === 'brine:unknown-key')).toBe(true);
  });

  it('suggests the known key a typo was meant to be, at every level', () => {
    const { warnings } = parseJobDocument(`
Nmae: x
Tasks:
  - Engine: { Type: wasm, Params: { EntryModule: m, Entrypiont: run } }
    Envv: { A: b }
    InputSources: [{ Target: /m, Soruce: { Type: inline } }]
    Timeouts: { ExecutionTimeOut: 5, Totaltimeout: 6, QueueTimeotu: 7 }
`);
    expect(warnings.map((w) => w.message)).toEqual([
      'unknown key "Nmae" at the top level: did you mean "Name"?',
      'unknown key "Envv" in Tasks[0]: did you mean "Env"?',
      'unknown key "Entrypiont" in Tasks[0].Engine.Params: did you mean "Entrypoint"?',
      'unknown key "QueueTimeotu" in Tasks[0].Timeouts: did you mean "QueueTimeout"?',
      'unknown key "Soruce" in Tasks[0].InputSources[0]: did you mean "Source"?',
    ]);
  });

  it('keeps every field Bacalhau knows, including those Brine does not use', () => {
    const job = parseJob(`
Name: all
Namespace: team
Type: ops
Priority: 3
Count: 2
Constraints: [{ Key: region, Operator: "=", Values: [eu] }]
Meta: { owner: me }
Labels: { app: demo }
Tasks:
  - Name: t
    Meta: { step: one }
    Engine: { Type: wasm, Params: { EntryModule: m } }
    Publisher: { Type: s3, Params: { Bucket: b, Key: k } }
    Resources: { CPU: 500m, Memory: 1Gb, Disk: 2Gb, GPU: "1" }
    Network: { Type: HTTP, Domains: [example.com] }
    Timeouts: { ExecutionTimeout: 5, QueueTimeout: 6, TotalTimeout: 7 }
`);
    expect(job).toMatchObject({
      namespace: 'team',
      type: 'ops',
      priority: 3,
      count: 2,
      constraints: [{ key: 'region', operator: '=', values: ['eu'] }],
      meta: { owner: 'me' },
      labels: { app: 'demo' },
      taskName: 't',
      taskMeta: { step: 'one' },
      publisher: { type: 's3', params: { Bucket: 'b', Key: 'k' } },
      resources: { cpu: '500m', memory: '1Gb', disk: '2Gb', gpu: '1' },
      network: { type: 'HTTP', domains: ['example.com'] },
      timeouts: { executionTimeout: 5, queueTimeout: 6, totalTimeout: 7 },
    });
  });

  it('prefers an exact key over case-insensitive ones', () => {
    expect(jobFromObject(withParams({ entrypoint: 'lower', Entrypoint: 'exact' })).entrypoint).toBe('exact');
  });

  it('leaves absent fields absent (the defaults are applied where they are used)', () => {
    const job = jobFromObject(spec());
    expect(job).toEqual<Job>({
      name: 'job',
      type: '',
      constraints: [],
      meta: {},
      labels: {},
      taskName: '',
      taskMeta: {},
      entryModule: 'main.wasm',
      entrypoint: '',
      parameters: [],
      importModules: [],
      env: {},
      inputs: [{ target: '/main.wasm', source: { type: 'inline', url: WASM_URL } }],
      outputs: [],
      resources: {},
      timeouts: {},
      network: { type: '', domains: [] },
      brine: { argv0: '', preopens: [] },
    });
    expect(jobType(job)).toBe('batch');
    expect(jobCount(job)).toBe(1);
    expect(entrypointOf(job)).toBe('_start');
    expect(networkType(job)).toBe('Default');
    expect(executionTimeoutSeconds(job)).toBe(0);
  });

  it('treats null values as absent', () => {
    const job = jobFromObject(
      spec({ Env: null, Resources: { Memory: null }, Network: null, Timeouts: null }, { Count: null }),
    );
    expect(job).toMatchObject({ env: {}, resources: {}, network: { type: '', domains: [] }, timeouts: {} });
    expect(job.count).toBeUndefined();
  });

  it('runs to ExecutionTimeout, falling back to TotalTimeout; long-running job types get no deadline', () => {
    expect(executionTimeoutSeconds(jobFromObject(spec({ Timeouts: { TotalTimeout: 30 } })))).toBe(30);
    expect(executionTimeoutSeconds(jobFromObject(spec({ Timeouts: { ExecutionTimeout: 10, TotalTimeout: 30 } })))).toBe(
      10,
    );
    expect(
      executionTimeoutSeconds(jobFromObject(spec({ Timeouts: { ExecutionTimeout: 10 } }, { Type: 'daemon' }))),
    ).toBe(0);
  });

  it('reads the publisher of the task as written (a job-level Publisher is an unknown key)', () => {
    expect(jobFromObject(spec({ Publisher: { Type: 'ipfs' } })).publisher).toEqual({ type: 'ipfs', params: {} });
    const { job, warnings } = readJob(
      spec({ ResultPaths: [{ Name: 'o', Path: '/o' }] }, { Publisher: { Type: 's3' } }),
    );
    expect(job.publisher).toBeUndefined();
    expect(warnings.map((w) => w.field)).toEqual(['Publisher']);
  });

  it('reads local and localDirectory sources', () => {
    const job = jobFromObject(
      withInputs(
        inline('/main.wasm'),
        { Target: '/a', Source: { Type: 'local', Params: { SourcePath: '/host/a' } } },
        { Target: '/b', Source: { Type: 'localDirectory', Params: { SourcePath: '/host/b', ReadWrite: true } } },
      ),
    );
    expect(job.inputs.slice(1).map((input) => input.source)).toEqual([
      { type: 'localDirectory', sourcePath: '/host/a', readWrite: false },
      { type: 'localDirectory', sourcePath: '/host/b', readWrite: true },
    ]);
  });

  it('keeps other source types as written for a later refusal', () => {
    const job = jobFromObject(
      withInputs(inline('/main.wasm'), { Target: '/d', Source: { Type: 'ipfs', Params: { CID: 'Qm' } } }),
    );
    expect(job.inputs[1]!.source).toEqual({ type: 'other', sourceType: 'ipfs', params: { CID: 'Qm' } });
  });

  it('keeps env values such as env:HOST literally', () => {
    expect(jobFromObject(spec({ Env: { HOST: 'env:HOST', A_1: 'x' } })).env).toEqual({ HOST: 'env:HOST', A_1: 'x' });
  });

  it('reads the Brine extensions', () => {
    const job = jobFromObject(
      withParams({
        Brine: { StdinBase64: 'AAH/', Argv0: 'prog', Preopens: ['//fs-tests.dir/', 'a/./b'], Seed: 42, Trace: true },
      }),
    );
    expect(job.brine).toEqual({
      stdin: new Uint8Array([0, 1, 255]),
      argv0: 'prog',
      preopens: ['fs-tests.dir', 'a/b'],
      seed: 42,
      trace: true,
    });
  });
});

describe('parseJob: malformed documents and wrong types', () => {
  it('reports malformed YAML with its message and line', () => {
    const error = errorOf(() => parseJob('Name: x\nTasks: [\n'));
    expect(error.code).toBe('SpecError');
    expect(error.message).toBe(
      'invalid WASM spec: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1',
    );
    expect(errorOf(() => parseJob('Name: "open')).message).toMatch(/malformed YAML: Missing closing "quote at line 1/);
  });

  it.each([
    ['- a\n- b\n', 'a list'],
    ['just text', 'string'],
    ['', 'null'],
    ['42', 'number'],
  ])('rejects a non-map top level (%j)', (text, kind) => {
    expect(errorOf(() => parseJob(text))).toEqual(specError(`a job spec must be a map, got ${kind}`));
  });

  it.each<[string, Spec, string, string]>([
    ['Name', spec({}, { Name: 5 }), 'Name', 'a string'],
    ['Count', spec({}, { Count: '1' }), 'Count', 'an integer'],
    ['Count (fraction)', spec({}, { Count: 1.5 }), 'Count', 'an integer'],
    ['Tasks', { Tasks: { Engine: {} } }, 'Tasks', 'a list'],
    ['a task', { Tasks: ['main'] }, 'Tasks[0]', 'a map'],
    ['Engine', spec({ Engine: 'wasm' }), 'Tasks[0].Engine', 'a map'],
    ['Params', spec({ Engine: { Type: 'wasm', Params: [] } }), 'Tasks[0].Engine.Params', 'a map'],
    ['EntryModule', withParams({ EntryModule: 1 }), 'Tasks[0].Engine.Params.EntryModule', 'a string'],
    ['Parameters', withParams({ Parameters: 'x' }), 'Tasks[0].Engine.Params.Parameters', 'a list'],
    ['a parameter', withParams({ Parameters: ['a', 2] }), 'Tasks[0].Engine.Params.Parameters[1]', 'a string'],
    ['an import module', withParams({ ImportModules: [true] }), 'Tasks[0].Engine.Params.ImportModules[0]', 'a string'],
    ['Env', spec({ Env: ['A=1'] }), 'Tasks[0].Env', 'a map'],
    ['an env value', spec({ Env: { A: 1 } }), 'Tasks[0].Env.A', 'a string'],
    ['an input', withInputs('x' as unknown as Spec), 'Tasks[0].InputSources[0]', 'a map'],
    ['a target', withInputs(inline('/a'), { Target: 3 }, {}), 'Tasks[0].InputSources[1].Target', 'a string'],
    [
      'ReadWrite',
      withInputs({ Target: '/a', Source: { Type: 'local', Params: { SourcePath: '/a', ReadWrite: 'yes' } } }),
      'Tasks[0].InputSources[0].Source.Params.ReadWrite',
      'a boolean',
    ],
    ['an output name', spec({ ResultPaths: [{ Name: 1, Path: '/o' }] }), 'Tasks[0].ResultPaths[0].Name', 'a string'],
    ['Memory', spec({ Resources: { Memory: 512 } }), 'Tasks[0].Resources.Memory', 'a string'],
    [
      'ExecutionTimeout',
      spec({ Timeouts: { ExecutionTimeout: '10s' } }),
      'Tasks[0].Timeouts.ExecutionTimeout',
      'an integer',
    ],
    ['Network.Type', spec({ Network: { Type: false } }), 'Tasks[0].Network.Type', 'a string'],
    ['Brine.Seed', withParams({ Brine: { Seed: '1' } }), 'Tasks[0].Engine.Params.Brine.Seed', 'an integer'],
    ['Brine.Preopens', withParams({ Brine: { Preopens: 'dir' } }), 'Tasks[0].Engine.Params.Brine.Preopens', 'a list'],
    ['Brine.Compat', withParams({ Brine: { Compat: true } }), 'Tasks[0].Engine.Params.Brine.Compat', 'a string'],
    ['Brine.Trace', withParams({ Brine: { Trace: 'yes' } }), 'Tasks[0].Engine.Params.Brine.Trace', 'a boolean'],
  ])('rejects a wrongly typed %s', (_, value, field, expected) => {
    expect(errorOf(() => jobFromObject(value))).toEqual(specError(`${field}: expected ${expected}`, field));
  });

  it('reads YAML 1.1 booleans as Bacalhau does, so yes/on are not strings', () => {
    const yaml = (value: string) =>
      `Tasks:\n  - Engine: { Type: wasm, Params: { EntryModule: m, Parameters: [${value}] } }\n`;
    expect(errorOf(() => parseJob(yaml('on')))).toEqual(
      specError('Tasks[0].Engine.Params.Parameters[0]: expected a string', 'Tasks[0].Engine.Params.Parameters[0]'),
    );
    expect(errorOf(() => parseJob(yaml('7'))).message).toContain('expected a string');
    expect(parseJob(yaml('"yes", 2001-12-14, 12:30, ok')).parameters).toEqual(['yes', '2001-12-14', '12:30', 'ok']);
    // go-yaml resolves plain keys too: Env key Y is the boolean true, which JSON turns into "true".
    const env = 'Tasks:\n  - Engine: { Type: wasm, Params: { EntryModule: m } }\n    Env: { Y: "1" }\n';
    expect(parseJob(env).env).toEqual({ true: '1' });
    expect(admit(parseJob(env)).findings.find((f) => f.severity === 'error')?.message).toBe(
      "invalid WASM spec: environment variable 'true' must be uppercase",
    );
  });
});

describe('parseJob: what makes a document unreadable', () => {
  it.each<[string, Spec, ReturnType<typeof specError>]>([
    ['zero tasks', { Tasks: [] }, specError('the job has no tasks', 'Tasks')],
    [
      'more than one task',
      { Tasks: [spec().Tasks[0], spec().Tasks[0]] },
      specError('only one task is supported', 'Tasks'),
    ],
    ['a missing engine', spec({ Engine: null }), specError('the task has no engine', 'Tasks[0].Engine')],
    [
      'an engine type other than wasm',
      spec({ Engine: { Type: 'docker', Params: { EntryModule: 'm' } } }),
      specError('invalid wasm engine type. expected wasm, but received: docker', 'Tasks[0].Engine.Type'),
    ],
    [
      'both Stdin and StdinBase64',
      withParams({ Brine: { Stdin: 'a', StdinBase64: 'YQ==' } }),
      specError('set Stdin or StdinBase64, not both', 'Tasks[0].Engine.Params.Brine'),
    ],
    [
      'an unknown compatibility mode',
      withParams({ Brine: { Compat: 'docker' } }),
      specError('Compat must be one of bacalhau, got "docker"', 'Tasks[0].Engine.Params.Brine.Compat'),
    ],
    [
      'invalid StdinBase64',
      withParams({ Brine: { StdinBase64: '%%%' } }),
      specError('StdinBase64 is not valid base64', 'Tasks[0].Engine.Params.Brine.StdinBase64'),
    ],
  ])('rejects %s', (_, value, expected) => {
    expect(errorOf(() => jobFromObject(value))).toEqual(expected);
  });

  it('reads a job that breaks the rules, so it can be shown and fixed (admission refuses it)', () => {
    const job = jobFromObject(spec({ Env: { lower: 'x' }, ResultPaths: [{ Name: 'o', Path: 'o' }] }, { Type: 'cron' }));
    expect(job).toMatchObject({ type: 'cron', env: { lower: 'x' }, outputs: [{ name: 'o', path: 'o' }] });
  });

  it('keeps a memory over 4 GiB as written (admission refuses it)', () => {
    expect(jobFromObject(spec({ Resources: { Memory: '5GiB' } })).resources.memory).toBe('5GiB');
  });
});
