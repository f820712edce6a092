// The pipeline around the rules: where it stops, the order of findings, Bacalhau's exact texts, YAML 1.1 and Go decoding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkBacalhau } from '../src/bacalhau/check.js';
import { decodeDataUrl } from '../src/bacalhau/dataurl.js';
import { exportJob } from '../src/bacalhau/export.js';
import { goClean, goDuration, goQuote } from '../src/bacalhau/go.js';
import { templatePass } from '../src/bacalhau/template.js';
import { readYaml } from '../src/bacalhau/yaml.js';
import { bytesToBase64 } from '../src/spec/base64.js';
import { parseJobDocument } from '../src/spec/parse.js';
import { prng } from './helpers.js';

const hello = bytesToBase64(new Uint8Array(readFileSync(new URL('../fixtures/c/hello.wasm', import.meta.url))));

/** A valid job with `task` lines added under the task (indented by 4) and `top` lines at the top. */
function job(task = '', top = ''): string {
  return `Name: hello
Type: batch
${top}Tasks:
  - Name: main
    Engine:
      Type: wasm
      Params:
        EntryModule: main.wasm
        Entrypoint: _start
    InputSources:
      - Target: main.wasm
        Source:
          Type: inline
          Params:
            URL: data:application/wasm;base64,${hello}
    Network:
      Type: None
${task}`;
}

const ids = (text: string) => checkBacalhau(text).findings.map((f) => /^bacalhau:([\w-]+)/.exec(f.rule)![1]);
const messages = (text: string) => checkBacalhau(text).findings.map((f) => f.message);

describe('the pipeline', () => {
  it('stops at the template pass: nothing after it is judged', () => {
    expect(ids(job('    Env: {path: x}\n', 'Count: {{.COUNT}}\n'))).toEqual(['tmpl-undefined']);
  });

  it('stops at YAML errors and at the top-level keys, as the CLI does', () => {
    expect(ids(job('    Env: {path: x}\n', 'Type: [batch\n'))).toEqual(['yaml-lib']);
    expect(ids(job('    Env: {path: x}\n', 'Timeout: 5\n'))).toEqual(['top-level-unknown']);
  });

  it('reports every refusal of the decoded job, the CLI first, then the orchestrator, then a compute node', () => {
    const found = checkBacalhau(
      job('    Env: {path: x, B: "env:HOME"}\n    ResultPaths: [{Name: out, Path: /out}]\n', 'Count: 2\n'),
    ).findings;
    expect(found.map((f) => [f.stage, /^bacalhau:([\w-]+)/.exec(f.rule)![1]])).toEqual([
      ['cli', 'env-name-upper'],
      ['orchestrator', 'publisher-required-results'],
      ['orchestrator', 'job-count-nodes'],
      ['compute', 'env-host-ref'],
    ]);
    expect(found.every((f) => f.severity === 'error')).toBe(true);
  });

  it('a legacy job (EntryModule as an input source) is converted as the orchestrator does, then checked', () => {
    const legacy = `Type: batch
Tasks:
  - Name: main
    Engine:
      Type: wasm
      Params:
        EntryModule:
          Source: {Type: inline, Params: {URL: "data:application/wasm;base64,${hello}"}}
        EntryPoint: _start
    Network: {Type: None}
`;
    const result = checkBacalhau(legacy);
    expect(result.accepted).toBe(true);
    expect(ids(legacy)).toEqual(['wasm-legacy']);
    expect(result.job?.entryModule).toBe('/wasm/entry.wasm');
    expect(ids(legacy.replace('EntryPoint: _start', 'EntryPoint: main'))).toContain('wasm-entrypoint-export');
  });

  it('never throws: garbage, deep nesting and alias bombs are findings', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from(
      { length: 9 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ).join('\n')}\n`;
    for (const text of ['\u0000\u0001\u0002', '['.repeat(5000), '{a: [}', bomb, ':\n', '\t- a\n']) {
      const result = checkBacalhau(text);
      expect(result.accepted, JSON.stringify(text.slice(0, 20))).toBe(false);
    }
    expect(messages(bomb)).toEqual(['converting yaml to json: yaml: document contains excessive aliasing']);
  });
});

describe('edited jobs (seeded)', () => {
  /** Values of every kind, including the ones rules single out. */
  const VALUES = [
    null,
    0,
    -1,
    1.5,
    1e30,
    true,
    'yes',
    '',
    ' ',
    'env:X',
    '{{',
    'data:,x',
    [],
    [null],
    [1, 'a'],
    {},
    { Type: 'inline' },
    '\u0000',
  ];
  const FULL = job(
    `    Env: {A: b}
    ResultPaths: [{Name: o, Path: /o}]
    Publisher: {Type: local, Params: {}}
    Resources: {CPU: "1", Memory: 1Gb, Disk: 1gb, GPU: "0"}
    Timeouts: {ExecutionTimeout: 1, TotalTimeout: 5}
`,
    'Count: 1\nConstraints: [{Key: a, Operator: in, Values: [b]}]\nMeta: {a: b}\n',
  );
  // biome-ignore lint/suspicious/noExplicitAny: the job is edited as plain YAML data
  const paths = (value: any, prefix: string[] = []): string[][] =>
    value !== null && typeof value === 'object'
      ? [prefix, ...Object.keys(value).flatMap((key) => paths(value[key], [...prefix, key]))]
      : [prefix];

  it('never make the check or the export throw: every problem is a finding or a typed error', async () => {
    const random = prng(20260819);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    for (let n = 0; n < 300; n++) {
      const doc = parse(FULL);
      for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
        const path = pick(paths(doc).filter((p) => p.length > 0));
        const parent = path.slice(0, -1).reduce((node, key) => node[key], doc);
        if (random() < 0.2) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = structuredClone(pick(VALUES));
      }
      let text = stringify(doc, { version: '1.1', lineWidth: 0 });
      if (random() < 0.2) {
        const at = Math.floor(random() * text.length);
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
      }
      expect(() => checkBacalhau(text), text).not.toThrow();
      try {
        await exportJob(parseJobDocument(text).job, async () => ({ kind: 'file', data: new Uint8Array(1) }));
      } catch (error) {
        expect((error as { code?: string }).code, text).toMatch(/Error$/);
      }
    }
  });
});

describe("Bacalhau's texts", () => {
  it('task errors are wrapped as Bacalhau wraps them', () => {
    expect(messages(job('    Env: {Path: x}\n'))).toEqual([
      "task main validation failed: environment variable 'Path' must be uppercase",
    ]);
  });

  it('timeouts print as Go durations, the execution timeout falling back to the total one', () => {
    expect(messages(job('    Timeouts: {ExecutionTimeout: -5}\n'))).toEqual([
      'task main validation failed: invalid timeouts: invalid execution timeout value: 0s',
    ]);
    expect(messages(job('    Timeouts: {QueueTimeout: 100, TotalTimeout: 90}\n'))).toEqual([
      'task main validation failed: task timeouts validation failed: execution timeout 1m30s and queue timeout 1m40s should be less than total timeout 1m30s',
    ]);
  });

  it('a type error names the Go field and type; YAML 1.1 words and numbers are never strings', () => {
    expect(messages(job('', 'Namespace: yes\n'))).toEqual([
      "field: 'Namespace' in 'job' is invalid type: 'bool' expected: 'string'",
    ]);
    expect(messages(job('    Env: {MODE: 0755}\n'))).toEqual([
      "field: 'Tasks.Env' in 'Task' is invalid type: 'number' expected: 'models.EnvVarValue'",
    ]);
    expect(messages(job('', 'Count: 1.5\n'))).toEqual([
      "field: 'Count' in 'job' is invalid type: 'number 1.5' expected: 'int'",
    ]);
    expect(checkBacalhau(job('', 'Count: 1.0\nPriority: 0x10\n')).accepted).toBe(true);
  });

  it("the data-URL parser's own messages, with where the node reports them", () => {
    const url = (u: string) => job(`    Env: {}\n`).replace(`data:application/wasm;base64,${hello}`, u);
    expect(messages(url('data:application/wasm;base64,AGFzbQ-_'))).toEqual([
      'calculating resource usage of job: error getting job disk space requirements: invalid data character',
    ]);
    expect(messages(url('data:application/wasm;base64,AGFzbQ'))).toEqual([
      'calculating resource usage of job: error getting job disk space requirements: illegal base64 data at input byte 4',
    ]);
  });
});

describe('Go helpers', () => {
  it('format as Go does', () => {
    expect([0, 59, 60, 90, 3600, 3661, -1].map(goDuration)).toEqual([
      '0s',
      '59s',
      '1m0s',
      '1m30s',
      '1h0m0s',
      '1h1m1s',
      '-1s',
    ]);
    expect(goQuote('a"b\n\u0001é')).toBe('"a\\"b\\n\\x01é"');
    expect(['', '/', 'a/../b', '/x/./y/', '../a', 'a//b'].map(goClean)).toEqual(['.', '/', 'b', '/x/y', '../a', 'a/b']);
  });

  it('go-yaml v2 scalars: YAML 1.1 booleans, Go integers, timestamps as strings, float keys as float32', () => {
    expect(readYaml('a: [y, Off, 0755, 08, 1_000, 0o17, -0x1F, 1e3, 2001-02-03, 1:30, "yes"]\n1e7: x\n').value).toEqual(
      {
        a: [true, false, 493, 8, 1000, 15, -31, 1000, '2001-02-03', '1:30', 'yes'],
        '1e+07': 'x',
      },
    );
  });

  it('the Go template pass: literals, comments and trim markers evaluated; unknown functions refused', () => {
    expect(templatePass('a {{- "b" -}} c {{/* note */}}{{`{{`}}').output).toBe('abc {{');
    expect(templatePass('x: {{ nope }}').error?.message).toBe(
      'failed to parse template: template: :1: function "nope" not defined',
    );
    expect(templatePass('x: {{').error?.message).toBe('failed to parse template: template: :1: unclosed action');
  });

  it('the data-URL parser: case-sensitive scheme and base64 flag, media types, padding', () => {
    expect(decodeDataUrl('data:,a%20b')).toMatchObject({
      contentType: 'text/plain',
      data: new TextEncoder().encode('a b'),
    });
    expect(decodeDataUrl('data:;base64,eA==').data).toEqual(new Uint8Array([0x78]));
    expect(decodeDataUrl('data:application/gzip;name=x;base64,').contentType).toBe('application/gzip');
    for (const [url, message] of [
      ['Data:,x', 'missing data prefix'],
      ['data:wasm/x,', 'invalid media type'],
      ['data:;Base64,eA==', 'expected base64, got Base64'],
      ['data:;base64,eA=', 'illegal base64 data at input byte 3'],
      ['data:;base64,eA==eA==', 'illegal base64 data at input byte 4'],
    ]) {
      expect(() => decodeDataUrl(url!), url).toThrow(message!);
    }
  });
});
