import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { atMost, type Benchmark, compare, ms } from './lib.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Wall time of `node ARGS` in a new process, from spawn to exit; checks it printed `expected`. */
export async function timedNode(args: string[], expected: string, options: { cwd?: string } = {}): Promise<number> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, args, { cwd: options.cwd ?? ROOT, maxBuffer: 64 << 20 });
  const elapsed = performance.now() - started;
  if (!stdout.includes(expected))
    throw new Error(`node ${args.join(' ')}: printed ${JSON.stringify(stdout.slice(0, 200))}`);
  return elapsed;
}

/**
 * CLI cold start: `brine run` of the hello demo in a new process ÷ a 10-line node:wasi script
 * running the same module (bench/hello-wasi.mjs), both from spawn to exit. The built CLI (dist/node).
 */
export const cli: Benchmark = {
  id: 'CLI',
  async run() {
    const [brine, baseline] = await compare(
      [
        () => timedNode(['bin/brine.js', 'run', 'public/demos/hello/job.yaml'], 'Hello, world!'),
        () => timedNode(['bench/hello-wasi.mjs'], 'Hello, world!'),
      ],
      { reps: 20, warmup: 2 },
    );
    return [
      {
        id: 'CLI',
        measure:
          'cold start: `brine run` of the hello demo, spawn → exit ÷ the same module in a 10-line node:wasi script',
        brine: ms(brine),
        baseline: ms(baseline),
        ratio: brine / baseline,
        target: atMost(1.5),
      },
    ];
  },
};
