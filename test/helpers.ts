import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import { Executor } from '../src/executor/executor.js';
import type { ExecutionResult, ExecutorOptions } from '../src/executor/types.js';
import { createNodeWorker } from '../src/host/node.js';
import { type FileTree, file, listFiles } from '../src/mounts/tree.js';
import { type InputSource, type Job, newJob } from '../src/spec/types.js';

/** Bytes of a committed fixture, e.g. fixture('c/hello.wasm'). */
export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
}

/** An in-memory input (what the UI gives the executor). */
export function memoryInput(target: string, tree: FileTree | Uint8Array | string, readWrite = false): InputSource {
  const entry = tree instanceof Uint8Array || typeof tree === 'string' ? file(tree) : tree;
  return { target, source: { type: 'memory', tree: entry, readWrite } };
}

/** A job running `module` mounted at main.wasm, with Bacalhau's defaults. */
export function job(module: Uint8Array, overrides: Partial<Job> = {}): Job {
  const { inputs = [], ...rest } = overrides;
  return newJob('main.wasm', {
    name: 'test',
    type: 'batch',
    taskName: 'main',
    entrypoint: '_start',
    network: { type: 'None', domains: [] },
    ...rest,
    inputs: [memoryInput('main.wasm', module), ...inputs],
  });
}

const executors: Executor[] = [];
afterEach(() => {
  for (const executor of executors.splice(0)) executor.dispose();
});

/** An executor on Node worker_threads, disposed after the test. */
export function executor(options: Partial<ExecutorOptions> = {}): Executor {
  const created = new Executor({ createWorker: createNodeWorker, ...options });
  executors.push(created);
  return created;
}

let nextId = 0;
export const newId = () => `exec-${process.pid}-${nextId++}`;

/** Runs a job on a fresh executor and returns its result. */
export async function run(j: Job, options: Partial<ExecutorOptions> = {}): Promise<ExecutionResult> {
  return executor(options).run({ executionId: newId(), job: j });
}

/** The text of one output file, e.g. outputText(result, 'outputs', 'a/b.txt'). */
export function outputText(result: ExecutionResult, name: string, path: string): string | undefined {
  const mount = result.outputs.find((o) => o.name === name);
  const found = mount && listFiles(mount.tree).find((f) => f.path === path);
  return found && new TextDecoder().decode(found.data);
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
