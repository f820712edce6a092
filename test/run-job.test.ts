// runJob (src/executor/run-job.ts) on Node worker_threads: the job as YAML, a Bacalhau object or a
// Job; localDirectory sources from `files` (a file, or a directory as the files below it) and from
// baseDir; compat, cancelling with a signal, each run's own events, and the typed refusals.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isBrineError } from '../src/errors/index.js';
import { jobRunner } from '../src/executor/run-job.js';
import type { ExecutorEvent } from '../src/executor/types.js';
import { createNodeWorker } from '../src/host/node.js';
import { streamText } from '../src/logs/types.js';
import { listFiles } from '../src/mounts/tree.js';
import { runJob } from '../src/package/node.js';
import { parseJob } from '../src/spec/parse.js';

const demo = (path: string) => readFileSync(`public/demos/${path}`);
const csvJob = demo('csv/job.yaml').toString();
const helloJob = demo('hello/job.yaml').toString();
const stdout = (result: { logs: Parameters<typeof streamText>[0] }) => streamText(result.logs, 'stdout');

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!isBrineError(error)) throw new Error(`expected a BrineError, got ${String(error)}`);
  return error;
}

describe('runJob', () => {
  it('reads a file and a directory from files, as bytes, text, Blob or ArrayBuffer', async () => {
    const horses = demo('csv/inputs/horses.csv');
    for (const [wasm, csv] of [
      [demo('csv/csv.wasm'), horses.toString()],
      [new Blob([demo('csv/csv.wasm')]), new Uint8Array(horses).buffer],
    ] as const) {
      const result = await runJob(csvJob, { files: { './csv.wasm': wasm, 'inputs/horses.csv': csv } });
      expect(result).toMatchObject({ state: 'completed', exitCode: 0 });
      expect(result.outputs.map((output) => listFiles(output.tree).map((f) => f.path))).toEqual([
        ['parents-children.csv'],
      ]);
    }
  });

  it('reads the other sources from baseDir; files win over the disk', async () => {
    expect(stdout(await runJob(csvJob, { baseDir: 'public/demos/csv' }))).toBe('wrote 24 rows\n');
    const replaced = await runJob(csvJob, {
      baseDir: 'public/demos/csv',
      files: { 'csv.wasm': demo('hello/hello.wasm') },
    });
    expect(stdout(replaced)).toBe('Hello, world!\n');
    const missing = await refusal(runJob(csvJob, { baseDir: 'public/demos/hello' }));
    expect(missing.code).toBe('InputConfigError');
    expect(missing.message).toContain('input source "csv.wasm" does not exist');
  });

  it('takes a Bacalhau job object or a Job, and runs in the compatibility mode when asked', async () => {
    const files = { 'hello.wasm': demo('hello/hello.wasm') };
    const bacalhauObject = {
      Tasks: [
        {
          Engine: { Type: 'wasm', Params: { EntryModule: 'main.wasm' } },
          InputSources: [
            { Target: 'main.wasm', Source: { Type: 'localDirectory', Params: { SourcePath: 'hello.wasm' } } },
          ],
        },
      ],
    };
    expect(await runJob(bacalhauObject, { files })).toMatchObject({ state: 'completed', exitCode: 0 });
    const job = parseJob(helloJob);
    const compat = await runJob(job, { files, compat: 'bacalhau' });
    expect(compat).toMatchObject({ exitCode: -1, compat: 'bacalhau', onBacalhau: [] });
    expect(job.brine.compat).toBeUndefined(); // the caller's job is left as it was
  });

  it('refuses with typed errors: a bad job, and a source a host without files cannot read', async () => {
    expect((await refusal(runJob('Tasks: [unclosed'))).code).toBe('SpecError');
    const browserLike = jobRunner({ createWorker: createNodeWorker, readLocal: () => undefined });
    const error = await refusal(browserLike(helloJob, { files: { 'other.wasm': 'x' } }));
    expect(error.code).toBe('InputConfigError');
    expect(error.message).toBe('input configuration error: input source "hello.wasm" is not among the files given');
    expect(error.hint).toContain('Give the file in `files` under its SourcePath');
  });

  it('cancels when its signal aborts, also before it starts', async () => {
    const spin = { baseDir: 'public/demos/spin' };
    const spinJob = demo('spin/job.yaml').toString();
    const aborted = new AbortController();
    aborted.abort();
    expect(await runJob(spinJob, { ...spin, signal: aborted.signal })).toMatchObject({ state: 'cancelled' });
    const abort = new AbortController();
    const running = runJob(spinJob, {
      ...spin,
      signal: abort.signal,
      onEvent: (event) => event.type === 'logs' && abort.abort(), // once it printed "spinning"
    });
    const result = await running;
    expect(result).toMatchObject({ state: 'cancelled', errorMsg: 'execution cancelled' });
    expect(stdout(result)).toBe('spinning\n');
  });

  it('gives each run its own events, while runs overlap', async () => {
    const events: Record<string, ExecutorEvent[]> = { hello: [], dynamic: [] };
    const [hello, dynamic] = await Promise.all([
      runJob(helloJob, { baseDir: 'public/demos/hello', onEvent: (event) => events['hello']!.push(event) }),
      runJob(demo('dynamic/job.yaml').toString(), {
        baseDir: 'public/demos/dynamic',
        onEvent: (event) => events['dynamic']!.push(event),
      }),
    ]);
    expect(new Set(events['hello']!.map((event) => event.executionId))).toEqual(new Set([hello.executionId]));
    expect(new Set(events['dynamic']!.map((event) => event.executionId))).toEqual(new Set([dynamic.executionId]));
    const logged = (list: ExecutorEvent[]) => list.flatMap((event) => (event.type === 'logs' ? event.events : []));
    expect(streamText(logged(events['hello']!), 'stdout')).toBe('Hello, world!\n');
    expect(streamText(logged(events['dynamic']!), 'stdout')).toBe('17\n');
    expect(events['dynamic']!.filter((event) => event.type === 'result')).toEqual([
      { executionId: dynamic.executionId, type: 'result', result: dynamic },
    ]);
  });
});
