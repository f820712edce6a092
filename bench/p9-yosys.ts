import { fileURLToPath } from 'node:url';
import { timedNode } from './cli.js';
import { atMost, type Benchmark, compare, ms } from './lib.js';
import { YOSYS_SCRIPT, yosys } from './yosys.js';

const BIN = fileURLToPath(new URL('../bin/brine.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./yosys-wasi.mjs', import.meta.url));
/** What `stat` prints once synth is done. */
const EXPECTED = 'Number of cells';

/**
 * P9: a large real program end to end through the CLI ÷ node:wasi on the same input, each a new
 * process: Yosys (30 MB of code, bench/yosys.ts) synthesising a small design to gates.
 */
export const p9: Benchmark = {
  id: 'P9',
  async run() {
    const { dir, job } = await yosys();
    const [brine, baseline] = await compare(
      [
        () => timedNode([BIN, 'run', job], EXPECTED, { cwd: dir }),
        // node:wasi needs this flag with memory-heavy guests in Node 20.
        () => timedNode(['--no-turbo-fast-api-calls', '--no-warnings', BASELINE, YOSYS_SCRIPT], EXPECTED, { cwd: dir }),
      ],
      { reps: 5, warmup: 1 },
    );
    return [
      {
        id: 'P9',
        measure:
          'Yosys (30 MB of code) synthesising a small design: `brine run`, spawn → exit ÷ node:wasi on the same input',
        brine: ms(brine),
        baseline: ms(baseline),
        ratio: brine / baseline,
        target: atMost(1.2),
      },
    ];
  },
};
