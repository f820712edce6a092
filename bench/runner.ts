// What each host (Node, or the bench page in Chromium) offers the benchmarks: Brine runs through
// the Executor, and the bare shim on the calling thread or in a worker (new per run, or warm).
// Host-agnostic: bench/browser.ts bundles it into the page, bench/node-host.ts uses it directly.
import { Executor } from '../src/executor/executor.js';
import type { WorkerFactory } from '../src/host/types.js';
import { file } from '../src/mounts/tree.js';
import { type Job, type Network, newJob } from '../src/spec/types.js';
import { runShim, type ShimResult } from './shim.mjs';

/** Executors get room for every log byte the benchmarks write (P3a: 256 MiB) and P4's files. */
const LOG_CAP_BYTES = 512 * 2 ** 20;
const FS_QUOTA_BYTES = 1024 * 2 ** 20;

export interface BrineSpec {
  /** Executors are made on first use of a key and kept until `dispose(key)`: a warm executor. */
  executor: string;
  /** A file of the bench's registry (see files.ts), e.g. "c/hello.wasm". */
  module: string;
  args?: string[];
  /** Mounts an output directory at /out. */
  output?: boolean;
  /** Network None by default. */
  network?: Network;
}

export interface BrineSample {
  /** start → result, as the caller sees it. */
  ms: number;
  /** start → the guest's first instruction (the 'running' state). */
  startMs: number;
  stdoutKept: number;
  /** Bytes of all output files. */
  outputBytes: number;
  /** The start of the result's stdout summary. */
  stdoutHead: string;
}

export interface ShimSpec {
  module: string;
  args?: string[];
  /** Instantiate a module compiled beforehand (otherwise WebAssembly.instantiate compiles the bytes). */
  precompiled?: boolean;
  /** stdout keeps the chunks it receives instead of only counting them. */
  keep?: boolean;
}

export interface WorkerSpec extends ShimSpec {
  warm?: string;
}

export interface FetchSpec {
  url: string;
  count: number;
}

export interface ShimSample extends ShimResult {
  ms: number;
}

/** What a benchmark runs on: Node (in this process) or Chromium (the bench page). */
export interface Host {
  readonly name: 'node' | 'chromium';
  brine(spec: BrineSpec): Promise<BrineSample>;
  shim(spec: ShimSpec): Promise<ShimSample>;
  /**
   * The shim in a worker: by default a new worker that compiles the module (the naive way; it is
   * terminated after the run); with a `warm` key, a worker kept until `dispose(key)`, given a
   * precompiled module.
   */
  worker(spec: WorkerSpec): Promise<ShimSample>;
  /** `count` GETs of `url` one after another with fetch on the calling thread, each body read; the time they took. */
  fetchLoop(spec: FetchSpec): Promise<{ ms: number }>;
  /** Ends the executor and the warm worker made for `key`. */
  dispose(key: string): Promise<void>;
  close(): Promise<void>;
}

/** A worker running `runShim` for each message (see naive-worker.*.mjs). */
export interface ShimWorker {
  run(source: WebAssembly.Module | Uint8Array, args: string[]): Promise<ShimResult>;
  terminate(): Promise<void>;
}

/** A job running `module` as main.wasm, with Bacalhau's defaults. */
function benchJob(module: Uint8Array, spec: BrineSpec): Job {
  return newJob('main.wasm', {
    name: 'bench',
    type: 'batch',
    taskName: 'main',
    entrypoint: '_start',
    parameters: spec.args ?? [],
    inputs: [{ target: 'main.wasm', source: { type: 'memory', tree: file(module), readWrite: false } }],
    outputs: spec.output ? [{ name: 'out', path: '/out' }] : [],
    network: spec.network ?? { type: 'None', domains: [] },
  });
}

export class Runner implements Host {
  private readonly executors = new Map<string, Executor>();
  private readonly runningAt = new Map<string, number>();
  private readonly compiled = new Map<string, Promise<WebAssembly.Module>>();
  private readonly warmWorkers = new Map<string, ShimWorker>();
  private next = 0;

  constructor(
    readonly name: Host['name'],
    private readonly createWorker: WorkerFactory,
    /** The same bytes object for the same name, every time (as a UI re-running a job). */
    private readonly load: (name: string) => Promise<Uint8Array>,
    private readonly spawn: () => ShimWorker,
  ) {}

  async brine(spec: BrineSpec): Promise<BrineSample> {
    const executor = this.executor(spec.executor);
    const job = benchJob(await this.load(spec.module), spec);
    const executionId = `bench-${this.next++}`;
    const started = performance.now();
    const result = await executor.run({ executionId, job });
    const ms = performance.now() - started;
    executor.release(executionId);
    const runningAt = this.runningAt.get(executionId) ?? Number.NaN;
    this.runningAt.delete(executionId);
    if (result.state !== 'completed' || result.exitCode !== 0) {
      throw new Error(
        `${spec.module}: ${result.state}, exit code ${result.exitCode}: ${result.errorMsg}${result.stderr}`,
      );
    }
    let outputBytes = 0;
    const count = (tree: (typeof result.outputs)[number]['tree']): void => {
      if (tree.kind === 'file') outputBytes += tree.data.byteLength;
      else if (tree.kind === 'directory') Object.values(tree.entries).forEach(count);
    };
    for (const output of result.outputs) count(output.tree);
    return {
      ms,
      startMs: runningAt - started,
      stdoutKept: result.logStats.stdout.kept,
      outputBytes,
      stdoutHead: result.stdout.slice(0, 200),
    };
  }

  async shim(spec: ShimSpec): Promise<ShimSample> {
    const source = spec.precompiled ? await this.compile(spec.module) : await this.load(spec.module);
    const started = performance.now();
    const result = await runShim(source, spec.args ?? [], spec.keep);
    return { ms: performance.now() - started, ...checked(spec, result) };
  }

  async worker(spec: WorkerSpec): Promise<ShimSample> {
    const warm = spec.warm;
    const source = warm === undefined ? await this.load(spec.module) : await this.compile(spec.module);
    const started = performance.now();
    const worker = warm === undefined ? this.spawn() : this.warmWorker(warm);
    const result = await worker.run(source, spec.args ?? []);
    const ms = performance.now() - started;
    if (warm === undefined) await worker.terminate();
    return { ms, ...checked(spec, result) };
  }

  async fetchLoop({ url, count }: FetchSpec): Promise<{ ms: number }> {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    }
    return { ms: performance.now() - started };
  }

  async dispose(key: string): Promise<void> {
    this.executors.get(key)?.dispose();
    this.executors.delete(key);
    await this.warmWorkers.get(key)?.terminate();
    this.warmWorkers.delete(key);
  }

  async close(): Promise<void> {
    for (const key of new Set([...this.executors.keys(), ...this.warmWorkers.keys()])) await this.dispose(key);
  }

  private executor(key: string): Executor {
    let executor = this.executors.get(key);
    if (executor === undefined) {
      executor = new Executor({
        createWorker: this.createWorker,
        maxWorkers: 1,
        logCapBytes: LOG_CAP_BYTES,
        fsQuotaBytes: FS_QUOTA_BYTES,
        onEvent: (event) => {
          if (event.type === 'state' && event.state === 'running')
            this.runningAt.set(event.executionId, performance.now());
        },
      });
      this.executors.set(key, executor);
    }
    return executor;
  }

  private warmWorker(key: string): ShimWorker {
    let worker = this.warmWorkers.get(key);
    if (worker === undefined) {
      worker = this.spawn();
      this.warmWorkers.set(key, worker);
    }
    return worker;
  }

  private compile(name: string): Promise<WebAssembly.Module> {
    let module = this.compiled.get(name);
    if (module === undefined) {
      module = this.load(name).then((bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
      this.compiled.set(name, module);
    }
    return module;
  }
}

function checked(spec: ShimSpec, result: ShimResult): ShimResult {
  if (result.exitCode !== 0) throw new Error(`${spec.module}: the shim baseline exited with ${result.exitCode}`);
  return result;
}
