// P9's program: Yosys built for WASI, as YoWASP publishes it on npm (@yowasp/yosys), fetched at
// bench time into a cache outside the repository (BRINE_BENCH_CACHE, default ~/.cache/brine-bench)
// and never committed. From its package: yosys.core.wasm (30 MB, 23 imports of
// wasi_snapshot_preview1, _start) and the share/ tree Yosys reads (techmap libraries), which
// the package ships as a JS object of file contents.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PACKAGE = '@yowasp/yosys';
const VERSION = '0.55.944';

export const YOSYS_SCRIPT = 'read_verilog /in/design.v; synth -top top -noabc; stat';
/** An 8-bit multiply-accumulate: synth maps it to gates in about a second. */
const DESIGN = `module top(input clk, input [7:0] a, b, output reg [15:0] y);
  always @(posedge clk) y <= a * b + y;
endmodule
`;

export interface Yosys {
  dir: string;
  /** The job for `brine run`, its sources beside it. */
  job: string;
}

type Tree = { [name: string]: string | Uint8Array | Tree };

function writeTree(dir: string, tree: Tree): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(join(dir, name), value);
    else writeTree(join(dir, name), value);
  }
}

/** The program, its files and the job, fetched and laid out once. */
export async function yosys(): Promise<Yosys> {
  const cache = process.env.BRINE_BENCH_CACHE ?? join(homedir(), '.cache', 'brine-bench');
  const dir = join(cache, `yowasp-yosys-${VERSION}`);
  const job = join(dir, 'job.yaml');
  if (existsSync(job)) return { dir, job };
  const unpacked = `${dir}.${process.pid}`;
  mkdirSync(unpacked, { recursive: true });
  execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', unpacked], { stdio: 'ignore' });
  execFileSync('tar', ['xzf', `yowasp-yosys-${VERSION}.tgz`], { cwd: unpacked });
  const gen = join(unpacked, 'package', 'gen');
  const { filesystem } = (await import(pathToFileURL(join(gen, 'resources-yosys.js')).href)) as { filesystem: Tree };
  writeTree(unpacked, filesystem);
  renameSync(join(gen, 'yosys.core.wasm'), join(unpacked, 'yosys.wasm'));
  writeTree(join(unpacked, 'in'), { 'design.v': DESIGN });
  writeFileSync(
    join(unpacked, 'job.yaml'),
    `Name: yosys
Type: batch
Count: 1
Tasks:
  - Name: main
    Engine:
      Type: wasm
      Params:
        EntryModule: yosys.wasm
        Parameters: ["-p", ${JSON.stringify(YOSYS_SCRIPT)}]
    InputSources:
      - { Target: yosys.wasm, Source: { Type: localDirectory, Params: { SourcePath: yosys.wasm } } }
      - { Target: /in, Source: { Type: localDirectory, Params: { SourcePath: in } } }
      - { Target: /share, Source: { Type: localDirectory, Params: { SourcePath: share } } }
`,
  );
  renameSync(unpacked, dir);
  return { dir, job };
}
