// Bacalhau's WASM scenario tests (pkg/test/scenario), as Brine's own programs.
import { describe, expect, it } from 'vitest';
import { streamText } from '../src/logs/types.js';
import { directory, file } from '../src/mounts/tree.js';
import { fixture, job, memoryInput, outputText, run } from './helpers.js';

describe('Bacalhau scenarios', () => {
  it('wasm_hello_world: prints Hello, world!', async () => {
    const result = await run(job(fixture('c/hello.wasm')));
    expect(result).toMatchObject({ state: 'completed', exitCode: 0, errorMsg: '', error: null });
    expect(result.stdout).toBe('Hello, world!\n');
    expect(result.stdoutTruncated).toBe(false);
    expect(result.stderr).toBe('');
  });

  it('wasm_exit_code: the exit code comes from the environment', async () => {
    const result = await run(job(fixture('c/exit_code.wasm'), { env: { EXIT_CODE: '5' } }));
    // A non-zero exit is still a completed job, as in Bacalhau.
    expect(result).toMatchObject({ state: 'completed', exitCode: 5, errorMsg: '' });
  });

  it('wasm_env_vars: the guest sees Task.Env plus the system variables, sorted', async () => {
    const result = await run(job(fixture('c/env.wasm'), { env: { TEST: 'yes', AWESOME: 'definitely' } }));
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('AWESOME=definitely');
    expect(lines).toContain('TEST=yes');
    expect(lines).toContain('BACALHAU_PARTITION_INDEX=0');
    expect(lines).toContain('BACALHAU_PARTITION_COUNT=1');
    expect(lines).toContain('BACALHAU_JOB_TYPE=batch');
    expect(lines.map((l) => l.split('=')[0])).toEqual(lines.map((l) => l.split('=')[0]).sort());
  });

  it('wasm_csv_transform: reads an input mount and writes an output mount', async () => {
    const horses = new TextDecoder().decode(fixture('data/horses.csv'));
    const result = await run(
      job(fixture('c/csv.wasm'), {
        inputs: [memoryInput('/inputs', directory({ 'horses.csv': file(horses) }))],
        outputs: [{ name: 'outputs', path: '/outputs' }],
        parameters: ['inputs/horses.csv', 'outputs/parents-children.csv'],
      }),
    );
    expect(result.state).toBe('completed');
    const rows = horses.trim().split('\n').slice(1);
    expect(result.stdout).toBe(`wrote ${rows.length * 2} rows\n`);
    const csv = outputText(result, 'outputs', 'parents-children.csv')!;
    const [name, sire, dam] = rows[0]!.split(',');
    expect(csv.split('\n')[0]).toBe('parent,child,role');
    expect(csv).toContain(`${sire},${name},sire\n${dam},${name},dam\n`);
    expect(csv.trim().split('\n')).toHaveLength(rows.length * 2 + 1);
  });

  it('wasm_dynamic_link: an import module is found by its name in the mounts', async () => {
    const result = await run(
      job(fixture('c/dynamic.wasm'), {
        inputs: [
          memoryInput('input.wasm', fixture('c/easter.wasm')),
          memoryInput('/data', directory({ 'x.txt': file('unused') })),
        ],
      }),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 0, stdout: '17\n' });
    const graph = result.graph;
    expect(graph.nodes.map((n) => [n.id, n.kind, n.status])).toEqual(
      expect.arrayContaining([
        ['main.wasm', 'entry', 'ready'],
        ['input.wasm', 'import', 'ready'],
        ['wasi_snapshot_preview1', 'wasi', 'ready'],
      ]),
    );
    expect(graph.edges).toContainEqual({
      from: 'main.wasm',
      to: 'input.wasm',
      imports: [{ name: 'easter', kind: 'function', type: '(i32) -> (i32)' }],
    });
  });

  it('logtest: stdout and stderr interleave in write order, with ANSI colours', async () => {
    const text = new TextDecoder().decode(fixture('data/cosmic.txt'));
    const result = await run(
      job(fixture('c/logtest.wasm'), {
        inputs: [memoryInput('/inputs', directory({ 'cosmic.txt': file(text) }))],
        parameters: ['inputs/cosmic.txt'],
      }),
    );
    expect(result.state).toBe('completed');
    expect(streamText(result.logs, 'stdout') + streamText(result.logs, 'stderr')).toContain(
      'https://www.gutenberg.org',
    );
    // Every line, in file order, on the stream its length picks.
    const lines = text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    const received = result.logs.flatMap((e) =>
      new TextDecoder()
        .decode(e.data)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => ({ stream: e.stream, line: l })),
    );
    expect(received).toEqual(
      lines.map((line) =>
        line.length % 2 === 0
          ? { stream: 'stdout', line: `\x1b[32m${line}\x1b[0m` }
          : { stream: 'stderr', line: `\x1b[31m${line}\x1b[0m` },
      ),
    );
  });

  it('publish_on_error: cat exits 1 on a missing file and the job still completes', async () => {
    const result = await run(
      job(fixture('c/cat.wasm'), {
        inputs: [memoryInput('data/hello.txt', 'hello\n')],
        parameters: ['data/hello.txt', 'does/not/exist.txt'],
      }),
    );
    expect(result).toMatchObject({ state: 'completed', exitCode: 1, stdout: 'hello\n', errorMsg: '' });
    expect(result.stderr).toContain('does/not/exist.txt');
  });

  it('multiple_input_files: absolute paths to two mounted files', async () => {
    const result = await run(
      job(fixture('c/cat.wasm'), {
        inputs: [
          memoryInput('/input-1/hello-cid-1.txt', 'file1\n'),
          memoryInput('/input-2/hello-cid-2.txt', 'file2\n'),
        ],
        parameters: ['/input-1/hello-cid-1.txt', '/input-2/hello-cid-2.txt'],
      }),
    );
    expect(result.stdout).toBe('file1\nfile2\n');
  });
});
