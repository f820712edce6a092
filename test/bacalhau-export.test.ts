// exportJob: what it changes, what it keeps, and the content too big for Bacalhau.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBacalhau } from '../src/bacalhau/check.js';
import { exportJob } from '../src/bacalhau/export.js';
import { templatePass } from '../src/bacalhau/template.js';
import { isBrineError } from '../src/errors/index.js';
import { directory, type FileTree, file } from '../src/mounts/tree.js';
import { bytesToBase64 } from '../src/spec/base64.js';
import { decodeInline, encodeInline } from '../src/spec/inline.js';
import { parseJobDocument } from '../src/spec/parse.js';
import { jobToYaml } from '../src/spec/serialize.js';
import { type Job, newJob } from '../src/spec/types.js';

const hello = new Uint8Array(readFileSync(new URL('../fixtures/c/hello.wasm', import.meta.url)));

/** What the UI gives: a job whose files are in memory, nothing Bacalhau requires filled in. */
function uiJob(fields: Partial<Job> = {}): Job {
  return newJob('main.wasm', {
    inputs: [{ target: 'main.wasm', source: { type: 'memory', tree: file(hello), readWrite: false } }],
    network: { type: 'None', domains: [] },
    ...fields,
  });
}

const random = (size: number) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('exportJob', () => {
  it('inlines the files, fills in what Bacalhau requires, and the result is accepted', async () => {
    const { yaml, job, notes, check } = await exportJob(uiJob({ outputs: [{ name: 'outputs', path: '/outputs' }] }));
    expect(check.accepted).toBe(true);
    expect(checkBacalhau(yaml).findings).toEqual(check.findings);
    expect(job).toMatchObject({ type: 'batch', taskName: 'main', entrypoint: '_start', publisher: { type: 'local' } });
    expect(notes).toEqual([
      'InputSources[0] (main.wasm): its files inlined as a data URL',
      'Type: batch added (Bacalhau requires a job type)',
      'Tasks[0].Name: main added (Bacalhau requires a task name)',
      'Entrypoint: _start added (what Brine calls when it is not set; Bacalhau has no default)',
      'Publisher: local added (Bacalhau requires one with ResultPaths; a default node serves results itself)',
    ]);
    for (const note of notes) expect(yaml).toContain(`# ${note}\n`);
    // The YAML is the job: Brine reads back what was exported, and the module's bytes.
    const read = parseJobDocument(yaml).job;
    expect(read).toEqual(job);
    expect(job.inputs[0]!.source.type === 'inline' && decodeInline(job.inputs[0]!.source.url)).toEqual(file(hello));
  });

  it("removes Brine's extensions with a comment each; Brine.Env names Bacalhau allows move to Task.Env", async () => {
    const { yaml, job, check } = await exportJob(
      uiJob({
        env: { KEEP: '1' },
        brine: {
          argv0: 'prog',
          preopens: ['data'],
          stdin: new TextEncoder().encode('hi'),
          seed: 7,
          env: { MOVED: 'x', lower: 'y', KEEP: '2' },
        },
      }),
    );
    expect(check.accepted).toBe(true);
    expect(job.env).toEqual({ KEEP: '1', MOVED: 'x' });
    expect(job.brine).toEqual({ argv0: '', preopens: [] });
    expect(yaml).not.toContain('Brine:');
    for (const line of [
      '# Brine.Stdin removed: in Brine the program read 2 B on stdin; on Bacalhau stdin is empty (Brine.Stdin is not given)',
      '# Brine.Argv0 removed: in Brine argv[0] was "prog"; on Bacalhau argv[0] is "" (Brine.Argv0 is ignored)',
      '# Brine.Preopens removed:',
      '# Brine.Seed removed:',
      '# Brine.Env.MOVED moved to Task.Env',
      '# Brine.Env.lower removed: the program saw it in Brine; Bacalhau does not set it',
      '# Brine.Env.KEEP removed:',
    ]) {
      expect(yaml).toContain(line);
    }
  });

  it('reads local sources through the reader it is given, by their SourcePath as written', async () => {
    const asked: string[] = [];
    const tree: FileTree = directory({ 'horses.csv': file('a,b\n') });
    const job = uiJob();
    job.inputs.push({ target: '/inputs', source: { type: 'localDirectory', sourcePath: 'inputs', readWrite: true } });
    const {
      job: exported,
      notes,
      check,
    } = await exportJob(job, async (path) => {
      asked.push(path);
      return tree;
    });
    expect(asked).toEqual(['inputs']);
    expect(check.accepted).toBe(true);
    expect(exported.inputs[1]!.source.type === 'inline' && decodeInline(exported.inputs[1]!.source.url)).toEqual(tree);
    expect(notes).toContain(
      'InputSources[1] (/inputs) was ReadWrite: Brine returned its final state with the results; on Bacalhau it is read-only',
    );
    const error = await rejection(exportJob(job));
    expect(error.message).toContain('InputSources[1] (/inputs) is a host path');
  });

  it("re-encodes data URLs Bacalhau's parser would refuse or read differently, keeping what Brine reads", async () => {
    const unpadded = bytesToBase64(hello).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const dir = directory({ 'a.txt': file('a') });
    const xgzip = encodeInline(dir).replace('application/gzip', 'application/x-gzip');
    const job = uiJob({
      inputs: [
        { target: 'main.wasm', source: { type: 'inline', url: `data:Application/WASM;base64,${unpadded}` } },
        { target: '/dir', source: { type: 'inline', url: xgzip } },
        { target: '/note.txt', source: { type: 'inline', url: 'data:,kept%20as%20written' } },
      ],
    });
    expect(checkBacalhau(jobToYaml(job)).accepted).toBe(false);
    const { job: exported, notes, check } = await exportJob(job);
    expect(check.accepted).toBe(true);
    expect(notes.filter((note) => note.includes('re-encoded'))).toHaveLength(2);
    const urls = exported.inputs.map((input) => (input.source.type === 'inline' ? input.source.url : ''));
    expect(urls[1]).toMatch(/^data:application\/gzip;base64,/);
    expect(urls[2]).toBe('data:,kept%20as%20written');
    expect(urls.map(decodeInline)).toEqual(
      job.inputs.map((input) => input.source.type === 'inline' && decodeInline(input.source.url)),
    );
  });

  it('writes "{{" so that the template pass of bacalhau job run gives it back', async () => {
    const { yaml, check } = await exportJob(uiJob({ parameters: ['{{.NAME}}', 'a}}b'] }));
    expect(check.accepted).toBe(true);
    expect(yaml).toContain('{{`{{`}}.NAME}}');
    expect(parseJobDocument(templatePass(yaml).output).job.parameters).toEqual(['{{.NAME}}', 'a}}b']);
  });

  it('a file over 10 MiB in a directory is an error naming it, its size and the limit', async () => {
    const job = uiJob();
    job.inputs.push({
      target: '/data',
      source: {
        type: 'memory',
        tree: directory({ sub: directory({ 'big.bin': file(new Uint8Array(11 * 1024 * 1024)) }) }),
        readWrite: false,
      },
    });
    const error = await rejection(exportJob(job));
    expect(isBrineError(error, 'InputConfigError')).toBe(true);
    expect(error.message).toBe(
      'input configuration error: /data/sub/big.bin is 11 MiB: Bacalhau unpacks at most 10 MiB per file from an inline archive',
    );
    expect((error as { hint?: string }).hint).toContain('urlDownload');
  });

  it('a job over what a node receives is an error naming the biggest source', async () => {
    const job = uiJob();
    job.inputs.push({
      target: '/data/blob.bin',
      source: { type: 'memory', tree: file(random(900_000)), readWrite: false },
    });
    const error = await rejection(exportJob(job));
    expect(error.message).toMatch(
      /^input configuration error: \/data\/blob\.bin is 900 kB: 1\.14 MiB as a data URL makes the job 1\.15 MiB as JSON, and a Bacalhau node receives the whole job, inline data included, in one NATS message of at most 1 MiB$/,
    );
    expect((error as { hint?: string }).hint).toBe(
      'Serve it from a URL (a urlDownload source), IPFS or S3 instead of inlining it in the job.',
    );
  });

  it('returns the findings of what it cannot fix; the job is then not accepted', async () => {
    const { check } = await exportJob(uiJob({ env: { lower: 'x' } }));
    expect(check.accepted).toBe(false);
    expect(check.findings.map((f) => f.message)).toEqual([
      "task main validation failed: environment variable 'lower' must be uppercase",
    ]);
  });
});
