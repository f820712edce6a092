// npm run bench [-- --only P2,P3a]
// Runs the benchmarks of issue #6 and prints their table (Markdown): each ratio is measured side
// by side in this run, since absolute times on a shared machine are only context.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromiumHost } from './chromium.js';
import { cli } from './cli.js';
import { Files } from './files.js';
import type { Context, Row } from './lib.js';
import { nodeHost } from './node-host.js';
import { NodeWasi } from './node-wasi.js';
import { p1 } from './p1-compute.js';
import { p2 } from './p2-hello.js';
import { p3a } from './p3a-stdout.js';
import { p3b } from './p3b-lines.js';
import { p4 } from './p4-files.js';
import { p5 } from './p5-loader.js';
import { p6 } from './p6-ui.js';
import { p7 } from './p7-start.js';
import { p8 } from './p8-trace.js';
import { p9 } from './p9-yosys.js';
import { p10 } from './p10-http.js';

const BENCHMARKS = [p1, p2, p3a, p3b, p4, p5, p6, p7, p8, p9, p10, cli];

/** Starts each host on first use; `close` stops those that were started. */
function context(): Context & { close(): Promise<void>; chromiumVersion(): string | undefined } {
  const files = new Files();
  const started: { close(): unknown }[] = [];
  let chromiumVersion: string | undefined;
  const lazily = <T extends { close(): unknown }>(start: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () =>
      (value ??= start().then((v) => {
        started.push(v);
        return v;
      }));
  };
  const ctx = {
    files,
    node: lazily(() => nodeHost(files)),
    chromium: lazily(async () => {
      const host = await chromiumHost(files);
      chromiumVersion = host.version;
      return host;
    }),
    hosts: async () => [await ctx.node(), await ctx.chromium()],
    nodeWasi: lazily(async () => new NodeWasi()),
    chromiumVersion: () => chromiumVersion,
    close: async () => {
      for (const s of started) await s.close();
    },
  };
  return ctx;
}

function table(rows: Row[]): string {
  const header = ['id', 'measure', 'Brine', 'baseline', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.id,
    r.measure,
    r.brine,
    r.baseline,
    Number.isNaN(r.ratio) ? '' : r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2),
    r.target === null ? '' : `${r.target.op} ${r.target.value}`,
    r.target === null
      ? ''
      : (r.target.op === '≤' ? r.ratio <= r.target.value : r.ratio >= r.target.value)
        ? 'yes'
        : 'NO',
  ]);
  return [header, header.map(() => '---'), ...cells].map((line) => `| ${line.join(' | ')} |`).join('\n');
}

function machine(chromiumVersion: string | undefined): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `date: ${new Date().toISOString().slice(0, 10)}`,
    `machine: ${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
    `node: ${process.version}`,
    `chromium: ${chromiumVersion ?? execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--only');
  const only = at >= 0 ? (argv[at + 1] ?? '').toUpperCase().split(',') : null;
  // "P3" picks P3a and P3b.
  const chosen = BENCHMARKS.filter(
    (b) => only === null || only.some((id) => id !== '' && b.id.toUpperCase().startsWith(id.trim())),
  );
  if (chosen.length === 0) {
    console.error(`usage: npm run bench [-- --only ${BENCHMARKS.map((b) => b.id).join(',')}]`);
    return 2;
  }
  const ctx = context();
  const rows: Row[] = [];
  let failed = 0;
  try {
    for (const benchmark of chosen) {
      const started = performance.now();
      try {
        rows.push(...(await benchmark.run(ctx)));
        console.error(`${benchmark.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        failed++;
        console.error(`${benchmark.id} failed:`, error);
        rows.push({
          id: benchmark.id,
          measure: `failed: ${String(error).split('\n')[0]}`,
          brine: '',
          baseline: '',
          ratio: Number.NaN,
          target: null,
        });
      }
    }
  } finally {
    await ctx.close();
  }
  console.log(`${machine(ctx.chromiumVersion())}\n\n${table(rows)}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
