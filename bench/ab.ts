// npx tsx bench/ab.ts OTHER_TREE [ROUNDS]
// Brine's side of P1, P3a and P3b in this tree ÷ in OTHER_TREE (another checkout, built with
// `npm run build && vite build --mode bench`, e.g. `git archive <commit> | tar -x -C DIR` with
// node_modules linked), in alternating rounds in one process: a change's cost measured under the
// same load on both sides, which separate `npm run bench` runs on a shared machine cannot give.
// Node rows also compare the CPU time the process used (the guest's worker, mostly), which other
// programs on the machine disturb far less than wall time.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Files } from './files.js';
import { median, ms } from './lib.js';
import type { BrineSpec, Host } from './runner.js';

const [otherTree, roundsArg] = process.argv.slice(2);
if (otherTree === undefined) {
  console.error('usage: npx tsx bench/ab.ts OTHER_TREE [ROUNDS]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 9);

type HostMaker = (files: Files) => Promise<Host>;

async function hostsOf(tree: string): Promise<{ node: HostMaker; chromium: HostMaker }> {
  const at = (file: string) => pathToFileURL(resolve(tree, 'bench', file)).href;
  const [{ nodeHost }, { chromiumHost }] = await Promise.all([import(at('node-host.ts')), import(at('chromium.ts'))]);
  return { node: nodeHost, chromium: chromiumHost };
}

const ROWS: { id: string; spec: Omit<BrineSpec, 'executor'> }[] = [
  { id: 'P1', spec: { module: 'c/bench_hash.wasm', args: ['64'] } },
  { id: 'P3a', spec: { module: 'c/flood.wasm', args: ['256'] } },
  { id: 'P3b', spec: { module: 'c/printf_lines.wasm', args: ['1000000'] } },
];

interface Sample {
  wall: number;
  cpu: number;
}

async function sample(host: Host, id: string, spec: Omit<BrineSpec, 'executor'>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const { ms: wall } = await host.brine({ executor: `ab-${id}`, ...spec });
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const spread = (values: number[]) =>
  `${median(values).toFixed(3)} (${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)})`;

const { Files: FileRegistry } = await import('./files.js');
const files = new FileRegistry();
const [other, here] = await Promise.all([hostsOf(otherTree), hostsOf('.')]);
const lines = [
  `| row | host | other: wall, CPU | this: wall, CPU | this ÷ other, wall: median of rounds (range) | this ÷ other, CPU (Node) |`,
  '| --- | --- | --- | --- | --- | --- |',
];
for (const kind of ['node', 'chromium'] as const) {
  const hosts = [await other[kind](files), await here[kind](files)] as const;
  for (const row of ROWS) {
    const a: Sample[] = [];
    const b: Sample[] = [];
    // One warm-up round, then rounds in alternating order (other first, then this tree first).
    for (let round = 0; round <= rounds; round++) {
      const first = round % 2 === 0;
      const x = first ? await sample(hosts[0], row.id, row.spec) : null;
      const y = await sample(hosts[1], row.id, row.spec);
      const z = x ?? (await sample(hosts[0], row.id, row.spec));
      if (round === 0) continue;
      a.push(z);
      b.push(y);
    }
    for (const host of hosts) await host.dispose(`ab-${row.id}`);
    const ratios = (key: keyof Sample) => a.map((s, i) => b[i]![key] / s[key]);
    const show = (samples: Sample[]) =>
      `${ms(median(samples.map((s) => s.wall)))}${kind === 'node' ? `, ${ms(median(samples.map((s) => s.cpu)))}` : ''}`;
    lines.push(
      `| ${row.id} | ${kind} | ${show(a)} | ${show(b)} | ${spread(ratios('wall'))} | ${kind === 'node' ? spread(ratios('cpu')) : ''} |`,
    );
    console.error(lines.at(-1));
  }
  for (const host of hosts) await host.close();
}
console.log(lines.join('\n'));
