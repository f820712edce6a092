// The executor's side of the log pipe, with a scripted worker: batches posted by the worker and
// bytes read from its shared staging must end up in the log once each, in the order written.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, job } from '../../test/helpers.js';
import type { WorkerHandle } from '../host/types.js';
import { LogStaging } from '../protocol/log-staging.js';
import type { RunEvent, RunOutcome, RunRequest } from '../protocol/messages.js';
import { Executor } from './executor.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** A worker the test drives: it captures the request, posts what the test says, and ends when told. */
function scriptedWorker() {
  const worker = {
    request: null as RunRequest | null,
    post: (_event: RunEvent) => {},
    end: (_outcome: RunOutcome) => {},
    crash: (_reason: string) => {},
  };
  const handle: WorkerHandle = {
    api: {
      run: (request: RunRequest) => {
        worker.request = request;
        return new Promise<RunOutcome>((resolve) => (worker.end = resolve));
      },
    } as unknown as WorkerHandle['api'],
    terminate: () => {},
    onCrash: (listener) => {
      worker.crash = listener;
      return () => {};
    },
    onEvent: (listener) => {
      worker.post = listener;
      return () => {};
    },
    setIdle: () => {},
  };
  return { worker, handle };
}

/** An executor running hello.wasm as execution "x" on a scripted worker, once the worker has the request. */
async function started() {
  const { worker, handle } = scriptedWorker();
  const executor = new Executor({ createWorker: () => handle });
  await executor.start({ executionId: 'x', job: job(fixture('c/hello.wasm')) });
  await vi.waitFor(() => expect(worker.request).not.toBeNull(), { interval: 1 });
  return { executor, worker, staging: new LogStaging(worker.request!.logStaging!) };
}

describe('logs read from the shared staging', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('are kept when the execution is cancelled or its worker crashes before posting them', async () => {
    for (const stop of ['cancel', 'crash'] as const) {
      const { executor, worker, staging } = await started();
      worker.post({
        type: 'logs',
        events: [{ stream: 'stdout', data: enc('one\n'), timestamp: Date.now() }],
        offsets: [0],
        memoryPages: 1,
      });
      staging.stage('stdout', enc('two\n'), Date.now(), 4);
      staging.stage('stderr', enc('last words\n'), Date.now(), 8);
      if (stop === 'cancel') await executor.cancel('x');
      else worker.crash('the worker exited with code 1');
      const result = await executor.wait('x');
      expect(result.state).toBe(stop === 'cancel' ? 'cancelled' : 'failed');
      expect([result.stdout, result.stderr]).toEqual(['one\ntwo\n', 'last words\n']);
    }
  });

  it('wait for batches still on their way, and are kept once when the worker posts them too', async () => {
    const { executor, worker, staging } = await started();

    // The worker sent "one\n" (stderr, bytes 0-3) in a batch the host has not received yet, and
    // staged "two\n" (stdout, bytes 4-7). Taking "two" now would put it before "one".
    staging.stage('stdout', enc('two\n'), Date.now(), 4);
    vi.advanceTimersByTime(100);
    const logs = () => executor.getLogStream('x');
    const texts = async () => {
      const out: string[] = [];
      for await (const event of logs()) out.push(`${event.stream}:${new TextDecoder().decode(event.data)}`);
      return out;
    };
    expect(await texts()).toEqual([]);

    worker.post({
      type: 'logs',
      events: [{ stream: 'stderr', data: enc('one\n'), timestamp: Date.now() }],
      offsets: [0],
      memoryPages: 1,
    });
    vi.advanceTimersByTime(100);
    expect(await texts()).toEqual(['stderr:one\n', 'stdout:two\n']);

    // The worker goes on: "two\n" grows to "two\nthree\n" and is posted whole.
    staging.stage('stdout', enc('three\n'), Date.now(), 8);
    worker.post({ type: 'logs', ...staging.drain()!, memoryPages: 1 });
    worker.end({
      end: { kind: 'return' },
      outputs: [],
      memoryPages: [1],
      droppedLogBytes: { stdout: 0, stderr: 0 },
      httpOmitted: 0,
      linkMs: 0,
      runMs: 0,
      heldFiles: [],
      heldModules: [],
      bacalhauNotes: [],
    });
    const result = await executor.wait('x');
    expect(result.stdout).toBe('two\nthree\n');
    expect(result.stderr).toBe('one\n');
    expect(await texts()).toEqual(['stderr:one\n', 'stdout:two\n', 'stdout:three\n']);
  });
});
