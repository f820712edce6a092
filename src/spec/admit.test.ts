import { describe, expect, it } from 'vitest';
import { type Admission, admit, admitted } from './admit.js';
import { readJob } from './parse.js';
import type { Job } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are edited freely by path in these tests
type Spec = Record<string, any>;

const WASM_URL = 'data:application/wasm;base64,AGFzbQEAAAA=';

/** A job that passes admission; `task` patches Tasks[0], `top` the job. */
function spec(task: Spec = {}, top: Spec = {}): Spec {
  return {
    Name: 'job',
    Type: 'batch',
    ...top,
    Tasks: [
      {
        Name: 'main',
        Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm', Entrypoint: '_start' } },
        InputSources: [{ Target: '/main.wasm', Source: { Type: 'inline', Params: { URL: WASM_URL } } }],
        Network: { Type: 'None' },
        ...task,
      },
    ],
  };
}

const withParams = (params: Spec) =>
  spec({ Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm', Entrypoint: '_start', ...params } } });
const withInputs = (...inputs: Spec[]) => spec({ InputSources: inputs });
const inline = (target: string, extra: Spec = {}) => ({
  Target: target,
  Source: { Type: 'inline', Params: { URL: WASM_URL } },
  ...extra,
});

const admitSpec = (value: Spec): Admission => admit(readJob(value).job);
const errorsOf = (admission: Admission) =>
  admission.findings
    .filter((finding) => finding.severity === 'error')
    .map(({ code, field, message }) => ({ code, field, message }));
const specError = (cause: string, field: string) => ({
  code: 'SpecError',
  field,
  message: `invalid WASM spec: ${cause}`,
});
const inputError = (cause: string, field: string) => ({
  code: 'InputConfigError',
  field,
  message: `input configuration error: ${cause}`,
});
const outputError = (cause: string, field: string) => ({
  code: 'OutputConfigError',
  field,
  message: `output configuration error: ${cause}`,
});

describe('admit', () => {
  it('admits a valid job with no findings, and gives its memory limit in pages', () => {
    const admission = admitSpec(spec({ Resources: { Memory: '1MiB' } }));
    expect(admission).toEqual({ findings: [], limitPages: 16 });
    expect(admitted(admission)).toBe(true);
  });

  it.each<[string, Spec, { code: string; field: string; message: string }]>([
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
      inputError('input source has no target path', 'Tasks[0].InputSources[1].Target'),
    ],
    [
      'duplicate input targets (after cleaning)',
      withInputs(inline('/main.wasm'), inline('/d/x'), inline('d//./x/')),
      inputError('duplicate input target "d//./x/"', 'Tasks[0].InputSources[2].Target'),
    ],
    [
      'duplicate aliases',
      withInputs(inline('/main.wasm', { Alias: 'm' }), inline('/b', { Alias: '' }), inline('/c', { Alias: 'm' })),
      inputError('duplicate input alias "m"', 'Tasks[0].InputSources[2].Alias'),
    ],
    [
      'an inline source without a URL',
      withInputs({ Target: '/main.wasm', Source: { Type: 'inline' } }),
      inputError('inline input source has no URL', 'Tasks[0].InputSources[0].Source'),
    ],
    [
      'an inline source that is not a data: URL',
      withInputs({ Target: '/main.wasm', Source: { Type: 'inline', Params: { URL: 'https://x/m.wasm' } } }),
      inputError('inline input source URL must be a data: URL', 'Tasks[0].InputSources[0].Source'),
    ],
    [
      'a local source without SourcePath',
      withInputs({ Target: '/main.wasm', Source: { Type: 'localDirectory', Params: {} } }),
      inputError('input source has no source path', 'Tasks[0].InputSources[0].Source'),
    ],
    [
      'a source without a type',
      withInputs({ Target: '/main.wasm', Source: { Params: { URL: WASM_URL } } }),
      inputError('input source has no type', 'Tasks[0].InputSources[0].Source'),
    ],
    [
      'a source that needs the network',
      withInputs(inline('/main.wasm'), { Target: '/d', Source: { Type: 'ipfs', Params: { CID: 'Qm' } } }),
      inputError(
        'input source type "ipfs" needs the network, and the sandbox is offline',
        'Tasks[0].InputSources[1].Source',
      ),
    ],
    [
      'an input mounted inside another',
      withInputs(inline('/app'), inline('/app/hello.wasm')),
      inputError(
        'failed to mount input "/app/hello.wasm": "app" and "app/hello.wasm" overlap: a mount cannot sit inside another',
        'Tasks[0].InputSources[1].Target',
      ),
    ],
    [
      'a second input at /',
      withInputs(inline('/main.wasm'), inline('/'), inline('.')),
      inputError('duplicate input target "."', 'Tasks[0].InputSources[2].Target'),
    ],
    [
      'an input mounted inside another beside an input at /',
      withInputs(inline('/'), inline('/app'), inline('/app/main.wasm')),
      inputError(
        'failed to mount input "/app/main.wasm": "app" and "app/main.wasm" overlap: a mount cannot sit inside another',
        'Tasks[0].InputSources[2].Target',
      ),
    ],
    [
      'an output at /',
      spec({
        InputSources: [inline('/'), inline('/main.wasm')],
        ResultPaths: [{ Name: '/', Path: '/o' }],
        Publisher: { Type: 'local' },
      }),
      outputError('output name "/" must name a path below "/"', 'Tasks[0].ResultPaths[0].Name'),
    ],
    [
      'an output without a name',
      spec({ ResultPaths: [{ Path: '/o' }], Publisher: { Type: 'local' } }),
      outputError('output volume has no name', 'Tasks[0].ResultPaths[0].Name'),
    ],
    [
      'an output without a path',
      spec({ ResultPaths: [{ Name: 'o' }], Publisher: { Type: 'local' } }),
      outputError('output volume has no path', 'Tasks[0].ResultPaths[0].Path'),
    ],
    [
      'a relative output path',
      spec({ ResultPaths: [{ Name: 'o', Path: 'o' }], Publisher: { Type: 'local' } }),
      outputError('output path "o" must be absolute', 'Tasks[0].ResultPaths[0].Path'),
    ],
    [
      'an output named as an input target',
      spec({ ResultPaths: [{ Name: 'main.wasm', Path: '/main.wasm' }], Publisher: { Type: 'local' } }),
      outputError('output name "main.wasm" conflicts with input target', 'Tasks[0].ResultPaths[0].Name'),
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
        'Tasks[0].Timeouts.ExecutionTimeout must be a whole number of seconds >= 0, got -5',
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
      'Domains on a network other than HTTP',
      spec({ Network: { Type: 'Host', Domains: ['example.com'] } }),
      specError('invalid network: domains can only be set for HTTP network mode', 'Tasks[0].Network.Domains'),
    ],
    [
      'an empty preopen',
      withParams({ Brine: { Preopens: ['ok', ''] } }),
      specError('preopen "" is empty: it must name a directory', 'Tasks[0].Engine.Params.Brine.Preopens[1]'),
    ],
    [
      'a seed out of range',
      withParams({ Brine: { Seed: 2 ** 32 } }),
      specError('seed must be an integer from 0 to 4294967295, got 4294967296', 'Tasks[0].Engine.Params.Brine.Seed'),
    ],
  ])('refuses %s', (_, value, expected) => {
    const admission = admitSpec(value);
    expect(admitted(admission)).toBe(false);
    expect(errorsOf(admission)).toEqual([expected]);
  });

  it('refuses a memory over 4 GiB first, as Bacalhau does', () => {
    const admission = admitSpec(spec({ Resources: { Memory: '5GiB' }, Env: { lower: 'x' } }));
    expect(errorsOf(admission).map((e) => e.code)).toEqual(['MemoryLimitError', 'SpecError']);
  });

  it('accepts every network name case-insensitively, and the limits of the seed', () => {
    for (const type of ['default', 'NONE', ''])
      expect(errorsOf(admitSpec(spec({ Network: { Type: type } })))).toEqual([]);
    expect(errorsOf(admitSpec(withParams({ Brine: { Seed: 0 } })))).toEqual([]);
    expect(errorsOf(admitSpec(withParams({ Brine: { Seed: 4294967295 } })))).toEqual([]);
  });

  it('admits an input at / beside other inputs and outputs, and the preopens "/" and "."', () => {
    const job = spec({
      InputSources: [inline('/'), inline('/main.wasm'), inline('/inputs/data')],
      ResultPaths: [{ Name: 'outputs', Path: '/outputs' }],
      Publisher: { Type: 'local' },
      Engine: {
        Type: 'wasm',
        Params: { EntryModule: 'main.wasm', Entrypoint: '_start', Brine: { Preopens: ['.', '/', './', 'inputs'] } },
      },
    });
    expect(admitSpec(job).findings).toEqual([]);
    expect(readJob(job).job.brine.preopens).toEqual(['.', '/', '.', 'inputs']);
  });

  it('gives each cause its own hint', () => {
    const hintOf = (value: Spec) => admitSpec(value).findings.find((f) => f.severity === 'error')?.hint;
    const hints = [
      hintOf(withInputs(inline('/main.wasm'), inline('/main.wasm'))),
      hintOf(withInputs(inline('/app'), inline('/app/hello.wasm'))),
      hintOf(withInputs({ Target: '/main.wasm', Source: { Type: 'inline', Params: { URL: 'https://x' } } })),
      hintOf(withInputs(inline('/main.wasm'), { Target: '/d', Source: { Type: 's3', Params: {} } })),
    ];
    expect(new Set(hints).size).toBe(hints.length);
    expect(hints[1]).toMatch(/inside one another/);
  });

  it('warns, without refusing, where Brine fills in what Bacalhau would refuse or do differently', () => {
    const job = readJob(spec({ ResultPaths: [{ Name: 'o', Path: '/o' }] })).job;
    const noEntrypoint: Job = { ...job, entrypoint: '' };
    const admission = admit(noEntrypoint);
    expect(admitted(admission)).toBe(true);
    expect(admission.findings.map((f) => [f.severity, f.rule])).toEqual([
      ['warning', 'brine:entrypoint-default'],
      ['warning', 'brine:publisher'],
    ]);
  });

  it('admits every network type; HTTP without Domains is a warning (every request will be refused)', () => {
    for (const Type of ['Default', 'none', 'Host', 'Full', 'Bridge']) {
      expect(admitSpec(spec({ Network: { Type } })).findings).toEqual([]);
    }
    expect(admitSpec(spec({ Network: { Type: 'HTTP', Domains: ['example.com'] } })).findings).toEqual([]);
    expect(admitSpec(spec({ Network: { Type: 'http' } })).findings.map((f) => [f.severity, f.rule])).toEqual([
      ['warning', 'brine:network-no-domains'],
    ]);
  });

  it('applies the same rules to jobs built through the API, including in-memory sources', () => {
    const job = readJob(spec()).job;
    job.inputs.push({
      target: 'data',
      source: { type: 'memory', tree: { kind: 'directory', entries: {} }, readWrite: true },
    });
    expect(errorsOf(admit(job))).toEqual([]);
    job.inputs.push({
      target: 'main.wasm',
      source: { type: 'memory', tree: { kind: 'file', data: new Uint8Array() }, readWrite: false },
    });
    expect(errorsOf(admit(job))[0]?.message).toBe('input configuration error: duplicate input target "main.wasm"');
    expect(errorsOf(admit({ ...readJob(spec()).job, timeouts: { executionTimeout: 1.5 } }))[0]?.code).toBe('SpecError');
  });
});
