// Every rule of the table with a job it accepts and one it refuses (or warns about), each citing the rule.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkBacalhau } from '../src/bacalhau/check.js';
import { RULES } from '../src/bacalhau/rules.js';
import { directory, file } from '../src/mounts/tree.js';
import { bytesToBase64 } from '../src/spec/base64.js';
import { writeTar } from '../src/spec/tar.js';

const fixture = (path: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
const dataUrl = (bytes: Uint8Array, type = 'application/wasm') => `data:${type};base64,${bytesToBase64(bytes)}`;
const HELLO = dataUrl(fixture('c/hello.wasm'));

// biome-ignore lint/suspicious/noExplicitAny: jobs are edited as plain YAML objects
type Doc = any;

/** A job a default Bacalhau network accepts and starts: hello.wasm inline at main.wasm. */
function base(): Doc {
  return {
    Name: 'hello',
    Type: 'batch',
    Tasks: [
      {
        Name: 'main',
        Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm', Entrypoint: '_start' } },
        InputSources: [{ Target: 'main.wasm', Source: { Type: 'inline', Params: { URL: HELLO } } }],
        Network: { Type: 'None' },
      },
    ],
  };
}

/** The base job edited (job, its task), as YAML. */
function job(edit: (job: Doc, task: Doc) => void = () => {}): string {
  const doc = base();
  edit(doc, doc.Tasks[0]);
  return stringify(doc, { version: '1.1', lineWidth: 0 });
}

const inline = (target: string, url: string) => ({ Target: target, Source: { Type: 'inline', Params: { URL: url } } });
const addInput = (target: string, url: string) => (_: Doc, t: Doc) => t.InputSources.push(inline(target, url));
const results =
  (...names: string[]) =>
  (_: Doc, t: Doc) => {
    t.ResultPaths = names.map((name) => ({ Name: name, Path: `/${name.replace(/\//g, '-')}` }));
    t.Publisher = { Type: 'local' };
  };
const env = (vars: Record<string, string>) => (_: Doc, t: Doc) => {
  t.Env = vars;
};
const params = (set: Record<string, unknown>) => (_: Doc, t: Doc) => Object.assign(t.Engine.Params, set);
const network = (value: unknown) => (_: Doc, t: Doc) => {
  t.Network = value;
};
const resources = (set: Record<string, string>) => (_: Doc, t: Doc) => {
  t.Resources = set;
};
const timeouts = (set: Record<string, number>) => (_: Doc, t: Doc) => {
  t.Timeouts = set;
};
const constraint = (Key: string, Operator: string, Values: string[]) => (j: Doc) => {
  j.Constraints = [{ Key, Operator, Values }];
};
const targz = (tree: Parameters<typeof writeTar>[0]) =>
  dataUrl(gzipSync(writeTar(tree), { mtime: 0 }), 'application/gzip');

/** A job it accepts and one it refuses, for every rule id. */
const CASES: Record<string, { accept: string; refuse: string }> = {
  'cli-empty': { accept: job(), refuse: '' },
  'tmpl-stray': { accept: job((j) => (j.Name = 'a {{"{{"}} b')), refuse: job((j) => (j.Name = 'x {{ y')) },
  'tmpl-undefined': { accept: job((j) => (j.Name = '{{`raw`}}')), refuse: job((j) => (j.Name = '{{.NAME}}')) },
  'tmpl-always': {
    accept: job((j) => (j.Name = '{{"literal"}}')),
    refuse: job((j) => (j.Name = '{{if true}}a{{end}}')),
  },
  'yaml-lib': { accept: job(), refuse: `${job()}Labels: [a\n` },
  'yaml-map-keys': { accept: `${job()}Labels:\n  1: one\n`, refuse: `${job()}Labels:\n  ~: x\n` },
  'yaml-nan-inf': { accept: `${job()}Labels:\n  a: ".nan"\n`, refuse: `${job()}Priority: .nan\n` },
  'yaml-first-doc': { accept: job(), refuse: `${job()}---\nName: other\n` },
  'yaml-dup-keys': { accept: job(), refuse: `${job()}Name: again\n` },
  'yaml-bool-11': { accept: `${job()}Labels:\n  "on": x\n`, refuse: `${job()}Labels:\n  on: x\n` },
  'top-level-null': { accept: job(), refuse: '# only a comment\n' },
  'top-level-map': { accept: job(), refuse: '- Type: batch\n' },
  'top-level-readonly': { accept: job(), refuse: job((j) => (j.createTime = 1)) },
  'top-level-unknown': {
    accept: job((j) => {
      delete j.Name;
      j.name = 'lower-case key';
    }),
    refuse: job((j) => (j.Timeout = 5)),
  },
  'json-type': { accept: `${job()}Priority: 1e3\n`, refuse: job((j) => (j.Name = 5)) },
  'net-type': { accept: job(network({ Type: ' none ' })), refuse: job(network({ Type: 'Internet' })) },
  'nested-keys': { accept: job(), refuse: job((_, t) => (t.Timeout = { ExecutionTimeout: 5 })) },
  'job-type-required': { accept: job(), refuse: job((j) => delete j.Type) },
  'job-type-exact': { accept: job((j) => (j.Type = 'ops')), refuse: job((j) => (j.Type = 'Batch')) },
  'job-count-nonneg': { accept: job((j) => (j.Count = 0)), refuse: job((j) => (j.Count = -1)) },
  'job-count-daemon-ops': {
    accept: job((j) => Object.assign(j, { Type: 'daemon', Count: 1 })),
    refuse: job((j) => Object.assign(j, { Type: 'ops', Count: 2 })),
  },
  'tasks-required': { accept: job(), refuse: job((j) => (j.Tasks = [])) },
  'tasks-nil': { accept: job(), refuse: job((j) => (j.Tasks = [null])) },
  'tasks-single': { accept: job(), refuse: job((j) => j.Tasks.push(base().Tasks[0])) },
  'constr-nil': { accept: job((j) => (j.Constraints = [])), refuse: job((j) => (j.Constraints = [null])) },
  'constr-submit': { accept: job(constraint('os_type', '=', ['linux'])), refuse: job(constraint('os_type', 'in', [])) },
  'task-name': { accept: job((_, t) => (t.Name = 'step 1')), refuse: job((_, t) => (t.Name = '  ')) },
  'engine-required': { accept: job(), refuse: job((_, t) => (t.Engine.Type = ' ')) },
  'env-name-empty': { accept: job(env({ A: 'x' })), refuse: job(env({ '': 'x' })) },
  'env-name-upper': { accept: job(env({ ÄB: 'x' })), refuse: job(env({ Path: 'x' })) },
  'env-name-first': { accept: job(env({ A1: 'x' })), refuse: job(env({ '1A': 'x' })) },
  'env-name-chars': { accept: job(env({ A_B: 'x' })), refuse: job(env({ 'A-B': 'x' })) },
  'env-name-reserved': { accept: job(env({ BACALHAU: 'x' })), refuse: job(env({ BACALHAU_X: 'x' })) },
  'env-value-nonempty': { accept: job(env({ A: ' ' })), refuse: job(env({ A: '' })) },
  'input-nil': { accept: job(), refuse: job((_, t) => t.InputSources.push(null)) },
  'input-target-required': { accept: job(), refuse: job(addInput(' ', 'data:,x')) },
  'input-source-required': { accept: job(), refuse: job((_, t) => t.InputSources.push({ Target: '/x' })) },
  'input-target-unique': {
    accept: job(addInput('/data', 'data:,x')),
    refuse: job((j, t) => {
      addInput('/data', 'data:,x')(j, t);
      addInput('/data', 'data:,y')(j, t);
    }),
  },
  'input-alias-unique': {
    accept: job((_, t) => t.InputSources.push({ ...inline('/a', 'data:,x'), Alias: 'one' })),
    refuse: job((_, t) => {
      t.InputSources[0].Alias = 'one';
      t.InputSources.push({ ...inline('/a', 'data:,x'), Alias: 'one' });
    }),
  },
  'result-nil': {
    accept: job(results('outputs')),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      t.ResultPaths = [null];
    }),
  },
  'result-fields': {
    accept: job(results('outputs')),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      t.ResultPaths[0].Path = 'outputs';
    }),
  },
  'result-unique': { accept: job(results('a', 'b')), refuse: job(results('a', 'a')) },
  'res-cpu': { accept: job(resources({ CPU: '500m' })), refuse: job(resources({ CPU: '1.5m' })) },
  'res-bytes': { accept: job(resources({ Memory: '1,000 Mb' })), refuse: job(resources({ Memory: '1e9' })) },
  'res-gpu': { accept: job(resources({ GPU: '0' })), refuse: job(resources({ GPU: '1.0' })) },
  'net-domains-http': {
    accept: job(network({ Type: 'HTTP', Domains: ['example.com'] })),
    refuse: job(network({ Type: 'Host', Domains: ['example.com'] })),
  },
  'net-domain-format': {
    accept: job(network({ Type: 'HTTP', Domains: ['*.example.com', '10.0.0.1', '::1'] })),
    refuse: job(network({ Type: 'HTTP', Domains: ['EXAMPLE.COM'] })),
  },
  'net-port-nil': {
    accept: job(network({ Type: 'Host', Ports: [{ Name: 'WEB' }] })),
    refuse: job(network({ Type: 'Host', Ports: [null] })),
  },
  'net-ports-mode': {
    accept: job(network({ Type: 'Full', Ports: [{ Name: 'WEB' }] })),
    refuse: job(network({ Type: 'None', Ports: [{ Name: 'WEB' }] })),
  },
  'net-port': {
    accept: job(network({ Type: 'Bridge', Ports: [{ Name: 'WEB', Static: 8080, Target: 80 }] })),
    refuse: job(network({ Type: 'Host', Ports: [{ Name: 'WEB', Static: 80 }] })),
  },
  'timeout-type': {
    accept: job(timeouts({ ExecutionTimeout: 9_223_372_036 })),
    refuse: job(timeouts({ ExecutionTimeout: 9_223_372_037 })),
  },
  'timeout-nonneg': { accept: job(timeouts({ QueueTimeout: 0 })), refuse: job(timeouts({ QueueTimeout: -1 })) },
  'api-body-limit': {
    accept: job(),
    refuse: job((j) => (j.Labels = { blob: 'a'.repeat(10_000_001) })),
  },
  'wasm-params-legacy-error': { accept: job(), refuse: job(params({ EntryModule: '' })) },
  'wasm-legacy': { accept: job(), refuse: job(params({ EntryModule: { Target: '/m.wasm' } })) },
  'job-name-blank': { accept: job((j) => delete j.Name), refuse: job((j) => (j.Name = '   ')) },
  'job-name-nul': { accept: job(), refuse: job((j) => (j.Name = 'a\0b')) },
  'job-namespace': { accept: job((j) => (j.Namespace = 'team')), refuse: job((j) => (j.Namespace = ' ')) },
  'job-meta': {
    accept: job((j) => (j.Meta = { owner: 'ana' })),
    refuse: job((j) => (j.Meta = { 'bacalhau.org/requester.id': 'x' })),
  },
  'publisher-required-results': {
    accept: job(results('outputs')),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      delete t.Publisher;
    }),
  },
  'timeout-total': {
    accept: job(timeouts({ ExecutionTimeout: 10, TotalTimeout: 10 })),
    refuse: job(timeouts({ ExecutionTimeout: 11, TotalTimeout: 10 })),
  },
  'engine-type': {
    accept: job((_, t) => (t.Engine.Type = ' WASM ')),
    refuse: job((_, t) => (t.Engine.Type = 'docker')),
  },
  'input-type-installed': {
    accept: job((_, t) =>
      t.InputSources.push({
        Target: '/dl',
        Source: { Type: 'urlDownload', Params: { URL: 'https://example.com/a.txt' } },
      }),
    ),
    refuse: job((_, t) => t.InputSources.push({ Target: '/ipfs', Source: { Type: 'ipfs', Params: { CID: 'Qm' } } })),
  },
  'input-local': {
    accept: job(),
    refuse: job((_, t) =>
      t.InputSources.push({ Target: '/in', Source: { Type: 'localDirectory', Params: { SourcePath: 'in' } } }),
    ),
  },
  'publisher-type-installed': {
    accept: job((j, t) => {
      results('outputs')(j, t);
      t.Publisher.Type = 'Local';
    }),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      t.Publisher.Type = 'ipfs';
    }),
  },
  'constr-operator': {
    accept: job(constraint('os_type', '!=', ['windows'])),
    refuse: job(constraint('os_type', 'In', ['linux'])),
  },
  'constr-key': {
    accept: job(constraint('example.com/zone', 'notin', ['a'])),
    refuse: job(constraint('bad key', 'notin', ['a'])),
  },
  'constr-values': {
    accept: job(constraint('favour_cores', 'gt', ['5'])),
    refuse: job(constraint('favour_cores', 'gt', ['five'])),
  },
  'constr-match': { accept: job(constraint('zone', 'notin', ['a'])), refuse: job(constraint('zone', '=', ['a'])) },
  'res-capacity': { accept: job(resources({ GPU: '0' })), refuse: job(resources({ GPU: '1' })) },
  'job-count-nodes': { accept: job((j) => (j.Count = 1)), refuse: job((j) => (j.Count = 2)) },
  'job-count-zero': { accept: job((j) => (j.Count = 1)), refuse: job((j) => (j.Count = 0)) },
  'nats-max-payload': {
    accept: job(addInput('/blob', dataUrl(new Uint8Array(600_000), 'application/octet-stream'))),
    refuse: job(addInput('/blob', dataUrl(new Uint8Array(800_000), 'application/octet-stream'))),
  },
  'env-host-ref': { accept: job(env({ HOME_DIR: 'ENV:HOME' })), refuse: job(env({ HOME_DIR: 'env:HOME' })) },
  'inline-url': { accept: job(addInput('/x', 'data:,')), refuse: job(addInput('/x', ' ')) },
  'durl-scheme': { accept: job(addInput('/x', 'data:,x')), refuse: job(addInput('/x', 'DATA:,x')) },
  'durl-mediatype': {
    accept: job(addInput('/x', 'data:x-custom/thing,x')),
    refuse: job(addInput('/x', 'data:Application/wasm;base64,eA==')),
  },
  'durl-params': {
    accept: job(addInput('/x', 'data:text/plain;charset="utf-8",x')),
    refuse: job(addInput('/x', 'data:text/plain;=x,y')),
  },
  'durl-base64-flag': {
    accept: job(addInput('/x', 'data:;base64,eA==')),
    refuse: job(addInput('/x', 'data:;BASE64,eA==')),
  },
  'durl-comma': { accept: job(addInput('/x', 'data:,')), refuse: job(addInput('/x', 'data:')) },
  'durl-base64-alphabet': {
    accept: job(addInput('/x', 'data:;base64,eHl6')),
    refuse: job(addInput('/x', 'data:;base64,eA')),
  },
  'durl-yaml-folding': {
    accept: job(addInput('/x', 'data:;base64,eHl6\nYWJj')),
    refuse: job(addInput('/x', 'data:;base64,eHl6 YWJj')),
  },
  'durl-percent': { accept: job(addInput('/x', 'data:,a%20b')), refuse: job(addInput('/x', 'data:,a b')) },
  'durl-gzip': {
    accept: job(addInput('/dir', targz(directory({ 'a.txt': file('a') })))),
    refuse: job(
      addInput('/dir', targz(directory({ 'a.txt': file('a') })).replace('application/gzip', 'application/x-gzip')),
    ),
  },
  'durl-targz': {
    accept: job(addInput('/dir', targz(directory({ sub: directory({ 'a.txt': file('a') }) })))),
    refuse: job(addInput('/dir', targz(directory({ 'big.bin': file(new Uint8Array(10 * 1024 * 1024 + 1)) })))),
  },
  'url-params': {
    accept: job((_, t) =>
      t.InputSources.push({ Target: '/dl', Source: { Type: 'urlDownload', Params: { URL: 'https://example.com/' } } }),
    ),
    refuse: job((_, t) =>
      t.InputSources.push({ Target: '/dl', Source: { Type: 'urlDownload', Params: { URL: 'ftp://example.com/a' } } }),
    ),
  },
  'url-head': {
    accept: job(),
    refuse: job((_, t) =>
      t.InputSources.push({ Target: '/dl', Source: { Type: 'urlDownload', Params: { URL: 'https://example.com/a' } } }),
    ),
  },
  'res-wasm-memory': { accept: job(resources({ Memory: '4GiB' })), refuse: job(resources({ Memory: '4.3gb' })) },
  'mount-conflict': {
    accept: job((j, t) => {
      addInput('/in/a', 'data:,a')(j, t);
      addInput('/in/b', 'data:,b')(j, t);
    }),
    refuse: job((j, t) => {
      addInput('/data', 'data:,a')(j, t);
      addInput('data', 'data:,b')(j, t);
    }),
  },
  'mount-output-vs-input': {
    accept: job((j, t) => {
      addInput('/inputs', 'data:,a')(j, t);
      results('outputs')(j, t);
    }),
    refuse: job((j, t) => {
      addInput('outputs', 'data:,a')(j, t);
      results('outputs')(j, t);
    }),
  },
  'result-name-component': { accept: job(results('outputs')), refuse: job(results('out/sub')) },
  'wasm-entrymodule-required': { accept: job(), refuse: job((_, t) => delete t.Engine.Params.EntryModule) },
  'brine-extension': { accept: job(), refuse: job(params({ Brine: { Stdin: 'hello' } })) },
  'wasm-params-decode': { accept: job(), refuse: job(params({ Args: ['x'] })) },
  'wasm-nul': { accept: job(params({ Parameters: ['a b'] })), refuse: job(params({ Parameters: ['a\0b'] })) },
  'net-default-host': { accept: job(), refuse: job((_, t) => delete t.Network) },
  'wasm-entrymodule-resolve': {
    accept: job(params({ EntryModule: '/main.wasm' })),
    refuse: job(params({ EntryModule: 'missing.wasm' })),
  },
  'wasm-module-compile': {
    accept: job(),
    refuse: job((_, t) => (t.InputSources[0].Source.Params.URL = dataUrl(fixture('wat/not_wasm.bin')))),
  },
  'wasm-import-resolve': {
    accept: job((j, t) => {
      t.InputSources[0].Source.Params.URL = dataUrl(fixture('c/dynamic.wasm'));
      addInput('input.wasm', dataUrl(fixture('c/easter.wasm')))(j, t);
    }),
    refuse: job((_, t) => (t.InputSources[0].Source.Params.URL = dataUrl(fixture('c/dynamic.wasm')))),
  },
  'wasm-entrypoint-nodefault': { accept: job(), refuse: job((_, t) => delete t.Engine.Params.Entrypoint) },
  'wasm-entrypoint-export': { accept: job(), refuse: job(params({ Entrypoint: 'main' })) },
  'publisher-params-only': {
    accept: job(results('outputs')),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      t.Publisher = { Params: { Bucket: 'b' } };
    }),
  },
  'publisher-s3managed': {
    accept: job(results('outputs')),
    refuse: job((j, t) => {
      results('outputs')(j, t);
      t.Publisher.Type = 's3managed';
    }),
  },
  'result-name-reserved': { accept: job(results('outputs')), refuse: job(results('stdout')) },
};

const findingsOf = (text: string, id: string) =>
  checkBacalhau(text).findings.filter((finding) => finding.rule.startsWith(`bacalhau:${id} (`));

/** Go format strings as one pattern: %s, %q, %d, %v and %.2f match anything. */
const formatPattern = (formats: string | string[]) =>
  new RegExp(
    [formats]
      .flat()
      .map((format) => format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%(\\\.2f|[sqdv])/g, '[\\s\\S]*'))
      .join('|'),
  );

describe('the rule table', () => {
  it('has one accept and one refuse case per rule, and no case without a rule', () => {
    expect(RULES.map((rule) => rule.id).sort()).toEqual(Object.keys(CASES).sort());
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
  });

  it('docs/bacalhau.md lists every rule, with its stage and source', () => {
    const docs = readFileSync(new URL('../docs/bacalhau.md', import.meta.url), 'utf8');
    for (const rule of RULES) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${rule.id}\``));
      expect(row, rule.id).toBeDefined();
      expect(row).toContain(rule.source);
      const section = docs.slice(0, docs.indexOf(row!)).lastIndexOf('### ');
      expect(docs.slice(section, section + 20), rule.id).toContain(`### ${rule.stage}`);
    }
  });

  it('the base job is accepted with no finding at all', () => {
    expect(checkBacalhau(job())).toEqual(expect.objectContaining({ accepted: true, findings: [] }));
  });

  for (const rule of RULES) {
    const cases = CASES[rule.id];
    if (cases === undefined) continue;
    it(`${rule.id} (${rule.source}): ${rule.outcome === 'accepted' ? 'warns about' : 'refuses'} the edited job, not the other`, () => {
      expect(findingsOf(cases.accept, rule.id)).toEqual([]);
      const found = findingsOf(cases.refuse, rule.id);
      expect(found.length).toBeGreaterThan(0);
      for (const finding of found) {
        expect(finding.severity).toBe(
          rule.outcome === 'accepted' ? 'warning' : finding.outcome === 'accepted' ? 'warning' : 'error',
        );
        if (finding.bacalhauMessage) expect(finding.message).toMatch(formatPattern(rule.message!));
      }
    });
  }
});
