import { describe, expect, it } from 'vitest';
import type { RunOutcome } from './messages.js';
import { LANE_DATA_BYTES, type LaneRequest, LaneState, RunLane } from './run-lane.js';

const request = (data: Uint8Array): LaneRequest => ({
  executionId: 'e1',
  modules: [{ name: 'main.wasm', key: 'k:1', providers: { wasi_snapshot_preview1: 'wasi', $bytes: 0 } }],
  entry: 0,
  entrypoint: '_start',
  args: ['', 'ü'],
  env: ['A=1'],
  stdin: new Uint8Array([1, 2, 3]),
  mounts: [
    {
      target: 'in',
      writable: false,
      role: 'input',
      tree: { kind: 'directory', entries: { $bytes: { kind: 'file', data }, link: { kind: 'symlink', target: 'x' } } },
    },
  ],
  rootPreopen: true,
  preopens: ['.'],
  fsQuotaBytes: 1,
  fsMaxNodes: 2,
  logs: { batchBytes: 3, flushMs: 4, capBytes: 5 },
});

const outcome = (data: Uint8Array): RunOutcome => ({
  end: { kind: 'exit', code: 3 },
  outputs: [{ target: 'out', role: 'output', tree: { kind: 'file', data } }],
  memoryPages: [2],
  droppedLogBytes: { stdout: 0, stderr: 1 },
  linkMs: 0.5,
  runMs: 1.5,
  httpOmitted: 0,
  heldFiles: [],
  heldModules: ['k:1'],
  bacalhauNotes: ['note'],
});

describe('the fast lane control block', () => {
  it('carries a request, byte arrays included, to the worker as copies in unshared memory', () => {
    const host = RunLane.create();
    const worker = new RunLane(host.buffer);
    const sent = request(new Uint8Array(1000).map((_, i) => i));
    expect(host.send(sent)).toBe(true);
    expect(host.state).toBe(LaneState.request);
    const received = worker.next();
    expect(received).toEqual(sent);
    const tree = received!.mounts[0]!.tree as unknown as { entries: { $bytes: { data: Uint8Array } } };
    expect(tree.entries.$bytes.data.buffer).toBeInstanceOf(ArrayBuffer);
    host.yieldToMessages();
    expect(worker.next()).toBeNull();
  });

  it('hands the outcome back, or has it posted when it does not fit', () => {
    const host = RunLane.create();
    const worker = new RunLane(host.buffer);
    host.send(request(new Uint8Array(1)));
    worker.next();
    worker.markRunning();
    const small = outcome(new Uint8Array([7, 8]));
    let postedOutcome = false;
    worker.complete({ outcome: small }, 2, () => {
      postedOutcome = true;
    });
    expect([host.state, host.entered, host.posted, postedOutcome]).toEqual([LaneState.done, true, 2, false]);
    expect(host.result()).toEqual({ outcome: small });

    host.send(request(new Uint8Array(1)));
    worker.next();
    worker.complete({ outcome: outcome(new Uint8Array(LANE_DATA_BYTES)) }, 0, () => {
      postedOutcome = true;
    });
    // The outcome went as a message, counted with the others.
    expect([host.entered, host.posted, postedOutcome, host.result()]).toEqual([false, 1, true, null]);
  });

  it('refuses a request larger than its data region', () => {
    expect(RunLane.create().send(request(new Uint8Array(LANE_DATA_BYTES)))).toBe(false);
  });
});
