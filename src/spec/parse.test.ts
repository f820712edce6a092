import { describe, expect, it } from 'vitest';
import { type ErrorCode, isBrineError } from '../errors/index.js';
import { jobFromObject, parseJob } from './parse.js';
import type { Job } from './types.js';
import { validateJob } from './validate.js';

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
      publisher: 'local',
      memory: '256Mb',
      timeoutSeconds: 600,
      network: 'None',
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
    expect(job.network).toBe('Default');
  });
});

describe('parseJob: keys and defaults', () => {
  it('matches keys case-insensitively at every level and ignores unknown keys', () => {
    const job = parseJob(`
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
      memory: '1 kB',
      timeoutSeconds: 5,
      network: 'none',
      brine: { stdin: new TextEncoder().encode('hi'), argv0: 'prog', preopens: [] },
    });
  });

  it('prefers an exact key over case-insensitive ones', () => {
    expect(jobFromObject(withParams({ entrypoint: 'lower', Entrypoint: 'exact' })).entrypoint).toBe('exact');
  });

  it('applies the defaults: batch, count 1, task main, _start, Default network, no timeout', () => {
    const job = jobFromObject(spec());
    expect(job).toEqual<Job>({
      name: 'job',
      type: 'batch',
      count: 1,
      taskName: 'main',
      entryModule: 'main.wasm',
      entrypoint: '_start',
      parameters: [],
      importModules: [],
      env: {},
      inputs: [{ target: '/main.wasm', source: { type: 'inline', url: WASM_URL } }],
      outputs: [],
      timeoutSeconds: 0,
      network: 'Default',
      brine: { argv0: '', preopens: [] },
    });
    expect(jobFromObject(withParams({ Entrypoint: '' })).entrypoint).toBe('_start');
    expect(jobFromObject(withParams({ Entrypoint: null })).entrypoint).toBe('_start');
  });

  it('treats null values as absent', () => {
    const job = jobFromObject(
      spec({ Env: null, Resources: { Memory: null }, Network: null, Timeouts: null }, { Count: null }),
    );
    expect(job).toMatchObject({ env: {}, count: 1, network: 'Default', timeoutSeconds: 0 });
    expect(job.memory).toBeUndefined();
  });

  it('falls back to Timeouts.TotalTimeout', () => {
    expect(jobFromObject(spec({ Timeouts: { TotalTimeout: 30 } })).timeoutSeconds).toBe(30);
    expect(jobFromObject(spec({ Timeouts: { ExecutionTimeout: 10, TotalTimeout: 30 } })).timeoutSeconds).toBe(10);
  });

  it('reads the publisher from the task or the job, defaulting to local when there are outputs', () => {
    expect(jobFromObject(spec({ Publisher: { Type: 'ipfs' } })).publisher).toBe('ipfs');
    expect(jobFromObject(spec({}, { Publisher: { Type: 's3' } })).publisher).toBe('s3');
    expect(jobFromObject(spec({ ResultPaths: [{ Name: 'o', Path: '/o' }] })).publisher).toBe('local');
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
      withParams({ Brine: { StdinBase64: 'AAH/', Argv0: 'prog', Preopens: ['//fs-tests.dir/', 'a/./b'], Seed: 42 } }),
    );
    expect(job.brine).toEqual({
      stdin: new Uint8Array([0, 1, 255]),
      argv0: 'prog',
      preopens: ['fs-tests.dir', 'a/b'],
      seed: 42,
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
    expect(errorOf(() => parseJob(env)).message).toBe(
      "invalid WASM spec: environment variable 'true' must be uppercase",
    );
  });
});

describe('validation rules', () => {
  const cases: [string, Spec, ReturnType<typeof specError> | { code: string; message: string; details?: unknown }][] = [
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
      'an empty entry module',
      withParams({ EntryModule: '  ' }),
      specError('invalid wasm engine entry module. target path cannot be empty', 'Tasks[0].Engine.Params.EntryModule'),
    ],
    [
      'missing params',
      spec({ Engine: { Type: 'wasm' } }),
      specError('invalid wasm engine entry module. target path cannot be empty', 'Tasks[0].Engine.Params.EntryModule'),
    ],
    ['an unknown job type', spec({}, { Type: 'cron' }), specError('invalid job type: "cron"', 'Type')],
    ['a negative count', spec({}, { Count: -1 }), specError('job count must be >= 0', 'Count')],
    [
      'an empty env name',
      spec({ Env: { '': 'x' } }),
      specError('environment variable name cannot be empty', 'Tasks[0].Env.'),
    ],
    [
      'a lower-case env name',
      spec({ Env: { Path: 'x' } }),
      specError("environment variable 'Path' must be uppercase", 'Tasks[0].Env.Path'),
    ],
    [
      'an env name not starting with a letter',
      spec({ Env: { _X: 'x' } }),
      specError("environment variable '_X' must start with a letter", 'Tasks[0].Env._X'),
    ],
    [
      'an env name with other characters',
      spec({ Env: { 'A-B': 'x' } }),
      specError("environment variable 'A-B' can only contain letters, numbers, and underscores", 'Tasks[0].Env.A-B'),
    ],
    [
      'an env name starting with BACALHAU_',
      spec({ Env: { BACALHAU_JOB_ID: 'x' } }),
      specError("environment variable 'BACALHAU_JOB_ID' cannot start with BACALHAU_", 'Tasks[0].Env.BACALHAU_JOB_ID'),
    ],
    [
      'an empty env value',
      spec({ Env: { A: '' } }),
      specError("environment variable 'A' cannot have empty value", 'Tasks[0].Env.A'),
    ],
    [
      'a null env value',
      spec({ Env: { A: null } }),
      specError("environment variable 'A' cannot have empty value", 'Tasks[0].Env.A'),
    ],
    [
      'an input without a target',
      withInputs(inline('/main.wasm'), inline(' ')),
      {
        code: 'InputConfigError',
        message: 'input configuration error: input source has no target path',
        details: { index: 1 },
      },
    ],
    [
      'duplicate input targets (after cleaning)',
      withInputs(inline('/main.wasm'), inline('/d/x'), inline('d//./x/')),
      {
        code: 'InputConfigError',
        message: 'input configuration error: duplicate input target "d//./x/"',
        details: { index: 2 },
      },
    ],
    [
      'duplicate aliases',
      withInputs(inline('/main.wasm', { Alias: 'm' }), inline('/b', { Alias: '' }), inline('/c', { Alias: 'm' })),
      {
        code: 'InputConfigError',
        message: 'input configuration error: duplicate input alias "m"',
        details: { index: 2 },
      },
    ],
    [
      'an inline source without a URL',
      withInputs({ Target: '/main.wasm', Source: { Type: 'inline' } }),
      {
        code: 'InputConfigError',
        message: 'input configuration error: inline input source has no URL',
        details: { index: 0 },
      },
    ],
    [
      'an inline source that is not a data: URL',
      withInputs({ Target: '/main.wasm', Source: { Type: 'inline', Params: { URL: 'https://x/m.wasm' } } }),
      {
        code: 'InputConfigError',
        message: 'input configuration error: inline input source URL must be a data: URL',
        details: { index: 0 },
      },
    ],
    [
      'a local source without SourcePath',
      withInputs({ Target: '/main.wasm', Source: { Type: 'localDirectory', Params: {} } }),
      {
        code: 'InputConfigError',
        message: 'input configuration error: input source has no source path',
        details: { index: 0 },
      },
    ],
    [
      'a source without a type',
      withInputs({ Target: '/main.wasm', Source: { Params: { URL: WASM_URL } } }),
      {
        code: 'InputConfigError',
        message: 'input configuration error: input source has no type',
        details: { index: 0 },
      },
    ],
    [
      'an output without a name',
      spec({ ResultPaths: [{ Path: '/o' }] }),
      {
        code: 'OutputConfigError',
        message: 'output configuration error: output volume has no name',
        details: { index: 0 },
      },
    ],
    [
      'an output without a path',
      spec({ ResultPaths: [{ Name: 'o' }] }),
      {
        code: 'OutputConfigError',
        message: 'output configuration error: output volume has no path',
        details: { index: 0 },
      },
    ],
    [
      'a relative output path',
      spec({ ResultPaths: [{ Name: 'o', Path: 'o' }] }),
      {
        code: 'OutputConfigError',
        message: 'output configuration error: output path "o" must be absolute',
        details: { index: 0 },
      },
    ],
    [
      'duplicate output names',
      spec({
        ResultPaths: [
          { Name: 'o', Path: '/a' },
          { Name: 'o', Path: '/b' },
        ],
      }),
      {
        code: 'OutputConfigError',
        message: 'output configuration error: duplicate output name "o"',
        details: { index: 1 },
      },
    ],
    [
      'duplicate output paths',
      spec({
        ResultPaths: [
          { Name: 'a', Path: '/o' },
          { Name: 'b', Path: '/o/' },
        ],
      }),
      {
        code: 'OutputConfigError',
        message: 'output configuration error: duplicate output path "/o/"',
        details: { index: 1 },
      },
    ],
    [
      'an invalid memory value',
      spec({ Resources: { Memory: '12 parsecs' } }),
      specError('invalid memory "12 parsecs": unhandled size name: parsecs', 'Tasks[0].Resources.Memory'),
    ],
    [
      'a negative timeout',
      spec({ Timeouts: { ExecutionTimeout: -5 } }),
      specError(
        'execution timeout must be a whole number of seconds >= 0, got -5',
        'Tasks[0].Timeouts.ExecutionTimeout',
      ),
    ],
    [
      'an unknown network type',
      spec({ Network: { Type: 'wifi' } }),
      specError(
        'invalid network type "wifi"; expected one of Default, None, Host, Full, HTTP, Bridge',
        'Tasks[0].Network.Type',
      ),
    ],
    [
      'both Stdin and StdinBase64',
      withParams({ Brine: { Stdin: 'a', StdinBase64: 'YQ==' } }),
      specError('set Stdin or StdinBase64, not both', 'Tasks[0].Engine.Params.Brine'),
    ],
    [
      'invalid StdinBase64',
      withParams({ Brine: { StdinBase64: '%%%' } }),
      specError('StdinBase64 is not valid base64', 'Tasks[0].Engine.Params.Brine.StdinBase64'),
    ],
    [
      'an empty preopen',
      withParams({ Brine: { Preopens: ['ok', '/'] } }),
      specError('preopen "" must name a directory below /', 'Tasks[0].Engine.Params.Brine.Preopens[1]'),
    ],
    [
      'a seed out of range',
      withParams({ Brine: { Seed: 2 ** 32 } }),
      specError('seed must be an integer from 0 to 4294967295, got 4294967296', 'Tasks[0].Engine.Params.Brine.Seed'),
    ],
  ];

  it.each(cases)('rejects %s', (_, value, expected) => {
    expect(errorOf(() => jobFromObject(value))).toEqual(expected);
  });

  it('accepts every network name case-insensitively, and the limits of the seed', () => {
    for (const type of ['default', 'NONE', 'Host', 'full', 'http', 'Bridge']) {
      expect(jobFromObject(spec({ Network: { Type: type } })).network).toBe(type);
    }
    expect(jobFromObject(withParams({ Brine: { Seed: 0 } })).brine.seed).toBe(0);
    expect(jobFromObject(withParams({ Brine: { Seed: 4294967295 } })).brine.seed).toBe(4294967295);
  });

  it('does not check the 4 GiB limit (the executor does, at start)', () => {
    expect(jobFromObject(spec({ Resources: { Memory: '5GiB' } })).memory).toBe('5GiB');
  });
});

describe('validateJob on API-built jobs', () => {
  const base = (): Job => jobFromObject(spec());

  it('accepts a valid job, including in-memory sources', () => {
    const job = base();
    job.inputs.push({
      target: 'data',
      source: { type: 'memory', tree: { kind: 'directory', entries: {} }, readWrite: true },
    });
    expect(() => validateJob(job)).not.toThrow();
  });

  it('applies the same rules', () => {
    const job = base();
    job.env = { lower: 'x' };
    expect(errorOf(() => validateJob(job))).toEqual(
      specError("environment variable 'lower' must be uppercase", 'Tasks[0].Env.lower'),
    );
    const memory = { ...base(), memory: 'lots' };
    expect(errorOf(() => validateJob(memory)).message).toMatch(/^invalid WASM spec: invalid memory "lots"/);
    const target = base();
    target.inputs.push({
      target: 'main.wasm',
      source: { type: 'memory', tree: { kind: 'file', data: new Uint8Array() }, readWrite: false },
    });
    expect(errorOf(() => validateJob(target)).message).toBe(
      'input configuration error: duplicate input target "main.wasm"',
    );
    expect(errorOf(() => validateJob({ ...base(), entryModule: '' })).code).toBe('SpecError');
    expect(errorOf(() => validateJob({ ...base(), timeoutSeconds: 1.5 })).code).toBe('SpecError');
    expect(errorOf(() => validateJob({ ...base(), outputs: [{ name: 'o', path: 'rel' }] })).code).toBe(
      'OutputConfigError',
    );
  });
});
