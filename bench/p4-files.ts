import { mkdtempSync, rmSync } from 'node:fs';
import { atMost, type Benchmark, compare, expectEqual, MiB, ms, type Row } from './lib.js';

const SIZES = [64, 256];
const CHUNK = 4096;

/** P4: an output file written in 4 KiB appends ÷ node:wasi on tmpfs, at 64 and 256 MiB. */
export const p4: Benchmark = {
  id: 'P4',
  async run(ctx) {
    const node = await ctx.node();
    const nodeWasi = await ctx.nodeWasi();
    const dir = mkdtempSync('/dev/shm/brine-bench-');
    const rows: Row[] = [];
    const measured: { brine: number; reference: number }[] = [];
    try {
      for (const mib of SIZES) {
        const module = 'c/write_file.wasm';
        const args = ['/out/file', String(mib), String(CHUNK)];
        const [brine, reference] = await compare([
          async () => {
            const sample = await node.brine({ executor: 'p4', module, args, output: true });
            expectEqual('output file bytes', sample.outputBytes, mib * MiB);
            return sample.ms;
          },
          () => nodeWasi.run({ name: module, bytes: ctx.files.get(module), args, preopens: { '/out': dir } }),
        ]);
        measured.push({ brine, reference });
        rows.push({
          id: `P4 ${mib} MiB`,
          measure: `output file, ${mib} MiB in 4 KiB appends, start → result with the file ÷ node:wasi on tmpfs`,
          brine: ms(brine),
          baseline: ms(reference),
          ratio: brine / reference,
          target: atMost(2),
        });
      }
    } finally {
      await node.dispose('p4');
      rmSync(dir, { recursive: true, force: true });
    }
    const [small, large] = measured;
    rows.push({
      id: 'P4 linearity',
      measure: `time at ${SIZES[1]} MiB ÷ at ${SIZES[0]} MiB (Brine; baseline column: node:wasi's)`,
      brine: (large.brine / small.brine).toFixed(2),
      baseline: (large.reference / small.reference).toFixed(2),
      ratio: large.brine / small.brine,
      target: atMost(4.5),
    });
    return rows;
  },
};
