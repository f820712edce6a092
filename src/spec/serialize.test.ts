import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { directory, file } from '../mounts/tree.js';
import { decodeInline } from './inline.js';
import { parseJob } from './parse.js';
import { jobToObject, jobToYaml } from './serialize.js';
import type { Job } from './types.js';

const FULL = `
Name: everything
Namespace: research
Type: ops
Priority: 50
Count: 3
Constraints: [{ Key: region, Operator: in, Values: [eu-west, eu-north] }]
Meta: { owner: ana }
Labels: { team: data }
Tasks:
  - Name: step
    Meta: { stage: one }
    Engine:
      Type: WASM
      Params:
        EntryModule: /app/main.wasm
        Entrypoint: run
        Parameters: ["yes", "0600", "12:30", "", "two words", "null"]
        ImportModules: [lib/a.wasm]
        Brine:
          Stdin: "line 1\\nline 2\\r\\n\\u0000"
          Argv0: prog
          Preopens: [/fs-tests.dir]
          Seed: 7
          Compat: bacalhau
          Trace: true
    Env: { HOST: "env:HOST", DEBUG: "true", NUM: "1" }
    InputSources:
      - Target: /app/main.wasm
        Alias: entry
        Source: { Type: inline, Params: { URL: "data:application/wasm;base64,AGFzbQEAAAA=" } }
      - Target: data
        Source: { Type: local, Params: { SourcePath: /host/data, ReadWrite: true } }
      - Target: /remote
        Source: { Type: s3, Params: { Bucket: b, Key: "k/*", Filter: { Depth: 2, Tags: [x, z] }, Anonymous: false } }
    ResultPaths: [{ Name: outputs, Path: /outputs }, { Name: logs, Path: /var/logs }]
    Publisher: { Type: s3, Params: { Bucket: results, Key: "out/{date}/", Endpoint: "http://minio:9000" } }
    Resources: { CPU: 250m, Memory: 1.5 GiB, Disk: 10GB, GPU: "0" }
    Timeouts: { ExecutionTimeout: 90, QueueTimeout: 30, TotalTimeout: 120 }
    Network: { Type: none, Domains: [example.com] }
`;

describe('jobToYaml', () => {
  it('writes the Bacalhau current format', () => {
    expect(jobToObject(parseJob(FULL))).toEqual({
      Name: 'everything',
      Namespace: 'research',
      Type: 'ops',
      Priority: 50,
      Count: 3,
      Constraints: [{ Key: 'region', Operator: 'in', Values: ['eu-west', 'eu-north'] }],
      Meta: { owner: 'ana' },
      Labels: { team: 'data' },
      Tasks: [
        {
          Name: 'step',
          Meta: { stage: 'one' },
          Engine: {
            Type: 'wasm',
            Params: {
              EntryModule: '/app/main.wasm',
              Entrypoint: 'run',
              Parameters: ['yes', '0600', '12:30', '', 'two words', 'null'],
              ImportModules: ['lib/a.wasm'],
              Brine: {
                Stdin: 'line 1\nline 2\r\n\0',
                Argv0: 'prog',
                Preopens: ['fs-tests.dir'],
                Seed: 7,
                Compat: 'bacalhau',
                Trace: true,
              },
            },
          },
          Env: { HOST: 'env:HOST', DEBUG: 'true', NUM: '1' },
          InputSources: [
            {
              Target: '/app/main.wasm',
              Alias: 'entry',
              Source: { Type: 'inline', Params: { URL: 'data:application/wasm;base64,AGFzbQEAAAA=' } },
            },
            {
              Target: 'data',
              Source: { Type: 'localDirectory', Params: { SourcePath: '/host/data', ReadWrite: true } },
            },
            {
              Target: '/remote',
              Source: {
                Type: 's3',
                Params: { Bucket: 'b', Key: 'k/*', Filter: { Depth: 2, Tags: ['x', 'z'] }, Anonymous: false },
              },
            },
          ],
          ResultPaths: [
            { Name: 'outputs', Path: '/outputs' },
            { Name: 'logs', Path: '/var/logs' },
          ],
          Publisher: { Type: 's3', Params: { Bucket: 'results', Key: 'out/{date}/', Endpoint: 'http://minio:9000' } },
          Resources: { CPU: '250m', Memory: '1.5 GiB', Disk: '10GB', GPU: '0' },
          Timeouts: { ExecutionTimeout: 90, QueueTimeout: 30, TotalTimeout: 120 },
          Network: { Type: 'none', Domains: ['example.com'] },
        },
      ],
    });
  });

  it.each([
    ['a full job', FULL],
    ['a minimal job', 'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m.wasm } } }]'],
    [
      'a job with outputs and no publisher',
      'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m } }, ResultPaths: [{ Name: o, Path: /o }] }]',
    ],
    [
      'a job with a publisher and no outputs',
      'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m } }, Publisher: { Type: s3 } }]',
    ],
    [
      'a job with TotalTimeout',
      'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m } }, Timeouts: { TotalTimeout: 4 } }]',
    ],
    ['binary stdin', 'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m, Brine: { StdinBase64: "/wAB" } } } }]'],
    ['empty stdin', 'Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m, Brine: { Stdin: "" } } } }]'],
  ])('round-trips %s: parse → serialise → parse', (_, text) => {
    const job = parseJob(text);
    const yaml = jobToYaml(job);
    expect(parseJob(yaml)).toEqual(job);
    expect(jobToYaml(parseJob(yaml))).toBe(yaml);
  });

  it('writes binary stdin as StdinBase64 and text stdin as Stdin', () => {
    const params = (job: Job) =>
      (jobToObject(job).Tasks as { Engine: { Params: Record<string, unknown> } }[])[0]!.Engine.Params;
    const job = parseJob('Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m } } }]');
    expect(params(job).Brine).toBeUndefined();
    expect(params({ ...job, brine: { ...job.brine, stdin: new Uint8Array([0xff, 0]) } }).Brine).toEqual({
      StdinBase64: '/wA=',
    });
    expect(params({ ...job, brine: { ...job.brine, stdin: new TextEncoder().encode('\ufeffé') } }).Brine).toEqual({
      Stdin: '\ufeffé',
    });
  });

  it('quotes strings that YAML 1.1 (go-yaml) would read as other types', () => {
    const yaml = jobToYaml(parseJob(FULL));
    expect(yaml).toContain('- "yes"');
    expect(yaml).toContain('- "0600"');
    expect(yaml).toContain('DEBUG: "true"');
    expect(jobToYaml({ ...parseJob(FULL), env: { N: 'no' } })).toContain('"N": "no"');
    expect(parse(yaml, { version: '1.1' }).Tasks[0].Engine.Params.Parameters[0]).toBe('yes');
  });

  it('writes the Publisher as set, with its params, and invents none', () => {
    const job = parseJob('Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: m } } }]');
    job.outputs = [{ name: 'o', path: '/o' }];
    const task = () => (jobToObject(job).Tasks as Record<string, unknown>[])[0]!;
    expect(task().Publisher).toBeUndefined();
    expect(task().ResultPaths).toEqual([{ Name: 'o', Path: '/o' }]);
    job.publisher = { type: 's3', params: { Bucket: 'b' } };
    expect(task().Publisher).toEqual({ Type: 's3', Params: { Bucket: 'b' } });
  });

  it('serialises in-memory sources as inline data URLs that decode to the same trees', () => {
    const tree = directory({
      'input.csv': file('a,b\n1,2\n'),
      lib: directory({ 'x.wasm': file(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), empty: directory() }),
      current: { kind: 'symlink', target: 'lib/x.wasm' },
    });
    const job = parseJob('Tasks: [{ Engine: { Type: wasm, Params: { EntryModule: main.wasm } } }]');
    job.inputs = [
      { target: '/data', source: { type: 'memory', tree, readWrite: true } },
      { target: 'main.wasm', source: { type: 'memory', tree: file('\0asm'), readWrite: false } },
    ];
    const parsed = parseJob(jobToYaml(job));
    const [dir, single] = parsed.inputs.map((input) => input.source);
    expect(dir!.type).toBe('inline');
    expect(single!.type).toBe('inline');
    if (dir!.type !== 'inline' || single!.type !== 'inline') return;
    expect(dir!.url).toMatch(/^data:application\/gzip;base64,/);
    expect(single!.url).toBe('data:application/octet-stream;base64,AGFzbQ==');
    expect(decodeInline(dir!.url)).toEqual(tree);
    expect(decodeInline(single!.url)).toEqual(file('\0asm'));
  });
});
