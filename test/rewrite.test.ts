// The memory.grow rewrite changes nothing a guest can see: every fixture that loads runs twice in
// this thread with the worker's own code (runExecution), once as rewritten (the grows call the
// host) and once compiled as it is, seeded, and both runs must end the same way with the same
// stdout, stderr, outputs and final memory sizes.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runRequest } from '../src/executor/run-request.js';
import { mountJob } from '../src/executor/sources.js';
import { CompileCache } from '../src/loader/compile-cache.js';
import { instrumentGrows } from '../src/loader/grow-hooks.js';
import { loadModules } from '../src/loader/loader.js';
import { capMemories } from '../src/loader/wasm-binary.js';
import { directory, file } from '../src/mounts/tree.js';
import { DEFAULT_FS_QUOTA_BYTES, type RunEvent } from '../src/protocol/messages.js';
import { runExecution } from '../src/runtime/run.js';
import { jobMemoryLimitPages } from '../src/spec/memory.js';
import { httpAccessOf } from '../src/spec/network.js';
import { entrypointOf, type Job } from '../src/spec/types.js';
import { fixture, job, memoryInput } from './helpers.js';

const out = { outputs: [{ name: 'out', path: '/out' }] };
const inputs = {
  inputs: [
    memoryInput(
      'inputs',
      directory({ 'data.txt': file('hello data\n'), 'horses.csv': file(fixture('data/horses.csv')) }),
    ),
    memoryInput('cosmic.txt', fixture('data/cosmic.txt')),
  ],
};
const withStdin = (text: string) => ({ brine: { argv0: '', preopens: [], stdin: new TextEncoder().encode(text) } });
/** The HTTP host module, refusing every host: the guest's requests end without leaving the process. */
const refusingHttp = (url: string) => ({ network: { type: 'Bridge', domains: [] }, parameters: [url] });

/** How to run each fixture (a fixture not listed runs with no arguments). */
const CASES: Record<string, Partial<Job>> = {
  'c/bench_hash': { parameters: ['1'] },
  'c/big_alloc': { resources: { memory: '32MiB' } },
  'c/big_write': { parameters: ['1'] },
  'c/cat': { ...inputs, parameters: ['/inputs/data.txt', '/inputs/missing.txt'] },
  'c/csv': { ...inputs, ...out, parameters: ['/inputs/horses.csv', '/out/edges.csv'] },
  'c/dynamic': { inputs: [memoryInput('input.wasm', fixture('c/easter.wasm'))] },
  'c/easter': { entrypoint: 'easter2022' },
  'c/exit_code': { env: { EXIT_CODE: '42' } },
  'c/flood': { parameters: ['1'] },
  'c/http_client': refusingHttp('http://127.0.0.1:9/json'),
  'c/http_stations': refusingHttp('http://127.0.0.1:9/stations.json'),
  'wat/http_no_memory': refusingHttp(''),
  'c/fs_probe': { ...inputs, ...out, parameters: ['/inputs', '/inputs/data.txt', '/out'] },
  'c/logtest': { ...inputs, parameters: ['/cosmic.txt'] },
  'c/malloc_loop': { resources: { memory: '16MiB' } },
  'c/many_files': { ...out, parameters: ['/out'] },
  'c/printf_lines': { parameters: ['1000'] },
  'c/stdin_echo': withStdin('abc\0def'),
  'c/touchfs_probe': { ...out, parameters: ['/out'] },
  'c/trap': { outputs: [{ name: 'outputs', path: '/outputs' }] },
  'c/wasi_errnos': { ...out, parameters: ['/out'] },
  'c/wasi_paths': { ...out, parameters: ['/out'] },
  'c/wasi_poll': { ...out, parameters: ['/out'], ...withStdin('hello') },
  'c/wasi_rights_flags': { ...out, parameters: ['/out'] },
  'c/wasi_symlinks': { ...out, parameters: ['/out'] },
  'c/wasi_times': { ...out, parameters: ['/out'] },
  'c/write_file': { ...out, parameters: ['/out/file', '1', '4096'] },
  'wat/grow_imported': { inputs: [memoryInput('mem.wasm', fixture('wat/mem.wasm'))] },
  'wat/grow_loop': { resources: { memory: '1MiB' } },
  'wat/grow_steps': { resources: { memory: '640KiB' } },
  'wat/grow_trap': { resources: { memory: '1MiB' } },
  'wat/imports_memory': { inputs: [memoryInput('mem.wasm', fixture('wat/mem_big.wasm'))] },
  'wat/max_big': { resources: { memory: '320KiB' } },
  'wat/no_start': { entrypoint: 'run' },
};
/**
 * Fixtures that never end (a run in this thread cannot be stopped) or fail to load (nothing runs);
 * the rewrite leaves them unchanged anyway.
 */
const NOT_RUN = [
  'c/spin',
  'wat/spin',
  'wat/start_spin',
  'wat/write_then_spin',
  'wat/mem',
  'wat/mem_big',
  'wat/bad_wasi_name',
  'wat/cycle_a',
  'wat/cycle_b',
  'wat/cycle_self',
  'wat/easter_sig_mismatch',
  'wat/http_bad_sig',
  'wat/min_over',
  'wat/missing_import',
  'wat/wasi_unstable',
];

const fixtures = ['c', 'wat'].flatMap((dir) =>
  readdirSync(new URL(`../fixtures/${dir}/`, import.meta.url))
    .filter((name) => name.endsWith('.wasm'))
    .map((name) => `${dir}/${name.slice(0, -'.wasm'.length)}`),
);

interface Run {
  end: unknown;
  stdout: string;
  stderr: string;
  outputs: unknown;
  memoryPages: number[];
  /** Batches of grows the run sent (none without the rewrite). */
  grows: number;
}

/** Runs the job's modules in this thread: rewritten as the loader plans them, or compiled as they are. */
async function runHere(j: Job, rewritten: boolean): Promise<Run> {
  const mounts = await mountJob(j, undefined);
  const limitPages = jobMemoryLimitPages(j.resources.memory);
  const access = httpAccessOf(j.network, j.brine.compat);
  const loaded = await loadModules({
    mounts,
    entryModule: j.entryModule,
    importModules: j.importModules,
    entrypoint: entrypointOf(j),
    limitPages,
    cache: new CompileCache(),
    http: access !== null,
  });
  if (!rewritten) {
    loaded.modules = loaded.modules.map(({ name, providers }) => {
      const bytes = (mounts.lookup(name) as { data: Uint8Array<ArrayBuffer> }).data;
      return { name, providers, module: new WebAssembly.Module(capMemories(bytes, limitPages)) };
    });
  }
  const request = runRequest({
    executionId: 'e',
    jobId: 'j',
    job: j,
    loaded,
    mounts: mounts.mounts,
    logs: { batchBytes: 64 * 1024, flushMs: 5, capBytes: 64 * 1024 * 1024 },
    logStaging: undefined,
    fsQuotaBytes: DEFAULT_FS_QUOTA_BYTES,
    fsMaxNodes: 500,
    http: access === null ? undefined : { access, timeoutMs: 1000 },
    trace: undefined,
  });
  const text = { stdout: '', stderr: '' };
  let grows = 0;
  const decoder = new TextDecoder();
  const post = (event: RunEvent) => {
    if (event.type === 'logs') for (const e of event.events) text[e.stream] += decoder.decode(e.data);
    if (event.type === 'grows') grows++;
  };
  const outcome = runExecution({ ...request, mounts: mounts.mounts }, post);
  return { end: outcome.end, ...text, outputs: outcome.outputs, memoryPages: outcome.memoryPages, grows };
}

/** What the guest did: how it ended, its output and files. */
const guestSide = ({ memoryPages: _pages, grows: _grows, ...seen }: Run) => seen;

describe('every fixture behaves the same after the memory.grow rewrite', () => {
  it('lists every fixture: run, or not run for a reason', () => {
    expect(fixtures.filter((f) => !NOT_RUN.includes(f)).length).toBeGreaterThan(40);
    for (const name of NOT_RUN) {
      expect(fixtures).toContain(name);
      expect(instrumentGrows(fixture(`${name}.wasm`)).kind, name).toBe('unchanged');
    }
  });

  it('rewrites every fixture that grows memory into a module that validates', () => {
    const rewrites = fixtures.filter((name) => {
      const result = instrumentGrows(fixture(`${name}.wasm`));
      if (result.kind === 'rewritten') expect(WebAssembly.validate(result.bytes), name).toBe(true);
      expect(result.kind, name).not.toBe('unobservable');
      return result.kind === 'rewritten';
    });
    expect(rewrites).toEqual(expect.arrayContaining(['c/malloc_loop', 'c/csv', 'wat/grow_loop', 'wat/grow_calls']));
  });

  it.each(fixtures.filter((f) => !NOT_RUN.includes(f)))('%s', async (name) => {
    const j = job(fixture(`${name}.wasm`), { ...CASES[name] });
    j.brine = { ...j.brine, seed: 7 };
    const plain = await runHere(j, false);
    const hooked = await runHere(j, true);
    expect(plain.grows).toBe(0);
    expect(guestSide(hooked)).toEqual(guestSide(plain));
    // The host makes the memories of a rewritten module: it also sees those no module exports.
    expect(hooked.memoryPages.slice(0, plain.memoryPages.length)).toEqual(plain.memoryPages);
  });
});
