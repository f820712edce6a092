// npx tsx bench/ab.ts OTHER_TREE [ROUNDS]
// Brine's side of P1, P3a and P3b in this tree ÷ in OTHER_TREE (another checkout, built with
// `npm run build && vite build --mode bench`, e.g. `git archive <commit> | tar -x -C DIR` with
// node_modules linked), run in alternating rounds in one process: a change's cost measured under
// the same load on both sides, which separate `npm run bench` runs on a shared machine cannot give.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Context, compare, median, ms, rate } from './lib.js';
import type { BrineSpec, Host } from './runner.js';

const [otherTree, roundsArg] = process.argv.slice(2);
if (otherTree === undefined) {
  console.error('usage: npx tsx bench/ab.ts OTHER_TREE [ROUNDS]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 9);

type HostModules = {
  nodeHost: (files: Context['files']) => Promise<Host>;
  chromiumHost: (files: Context['files']) => Promise<Host>;
};

async function hostsOf(tree: string): Promise<HostModules> {
  const at = (file: string) => pathToFileURL(resolve(tree, 'bench', file)).href;
  const [{ nodeHost }, { chromiumHost }] = await Promise.all([import(at('node-host.ts')), import(at('chromium.ts'))]);
  return { nodeHost, chromiumHost };
}

const ROWS: { id: string; spec: Omit<BrineSpec, 'executor'>; bytes?: number }[] = [
  { id: 'P1', spec: { module: 'c/bench_hash.wasm', args: ['64'] } },
  { id: 'P3a', spec: { module: 'c/flood.wasm', args: ['256'] }, bytes: 256 * 2 ** 20 },
  {
    id: 'P3b',
    spec: { module: 'c/printf_lines.wasm', args: ['1000000'] },
    bytes: Array.from({ length: 1_000_000 }, (_, i) => 6 + String(i).length).reduce((a, b) => a + b, 0),
  },
];

const { Files } = await import('./files.js');
const files = new Files();
const [other, here] = await Promise.all([hostsOf(otherTree), hostsOf('.')]);
const lines = [
  `| row | host | ${otherTree} | this tree | this ÷ other (time) | spread of the per-round ratios |`,
  '|---|---|---|---|---|---|',
];
for (const kind of ['nodeHost', 'chromiumHost'] as const) {
  const hosts = [await other[kind](files), await here[kind](files)];
  for (const row of ROWS) {
    const ratios: number[] = [];
    let before = 0;
    const sides = hosts.map((host, i) => async () => {
      const sample = await host.brine({ executor: `ab-${row.id}`, ...row.spec });
      if (i === 0) before = sample.ms;
      else ratios.push(sample.ms / before);
      return sample.ms;
    });
    const [a, b] = await compare(sides, { reps: rounds, warmup: 1 });
    ratios.shift(); // the warm-up round's
    for (const host of hosts) await host.dispose(`ab-${row.id}`);
    const show = (t: number) => (row.bytes === undefined ? ms(t) : `${ms(t)} (${rate(row.bytes, t)})`);
    const spread = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} (median ${median(ratios).toFixed(3)})`;
    lines.push(`| ${row.id} | ${hosts[1]!.name} | ${show(a!)} | ${show(b!)} | ${(b! / a!).toFixed(3)} | ${spread} |`);
    console.error(lines.at(-1));
  }
  for (const host of hosts) await host.close();
}
console.log(lines.join('\n'));
