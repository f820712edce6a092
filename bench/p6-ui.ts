import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { openBuiltPage } from '../conformance/built-page.js';
import { atMost, type Benchmark, median, ms } from './lib.js';

const RUNS = 5;
const LINES = 1_000_000;
/** A long task is one over 50 ms (the Long Tasks API reports no shorter one). */
const LONG_TASK_MS = 50;
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/c/${name}`, import.meta.url));

/** What the page streams: 1,000,000 log lines, or as many traced calls (each writing a line). */
const STREAMS = [
  { id: 'P6', what: '1,000,000 log lines', module: fixture('printf_lines.wasm'), trace: false },
  { id: 'P6 trace', what: 'a trace of 1,000,000 WASI calls', module: fixture('write_calls.wasm'), trace: true },
] as const;
type Stream = (typeof STREAMS)[number];

/** What the page records: each long task's duration in ms. */
interface Observed {
  longTasks: number[];
}

interface UiRun {
  seconds: number;
  longestMs: number;
  longTasks: number;
  heapMB: number;
}

/**
 * P6: the UI (the built app, from dist-bench) streaming 1,000,000 log lines in Chromium, and a
 * trace of 1,000,000 calls, as e2e/stream.spec.ts does: the longest long task of each run (0 when
 * none), the JS heap at the end. A fresh page per run; only the run is observed, not the page's loading.
 */
export const p6: Benchmark = {
  id: 'P6',
  async run() {
    const rows = [];
    for (const stream of STREAMS) {
      const runs: UiRun[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await streamOnce(stream));
      const longest = median(runs.map((r) => r.longestMs));
      const most = Math.max(...runs.map((r) => r.longestMs));
      const shown = (value: number) => (value === 0 ? 'none' : ms(value));
      const withLongTasks = runs.filter((r) => r.longTasks > 0).length;
      rows.push({
        id: stream.id,
        measure: `UI streaming ${stream.what} in Chromium: longest long task, median of ${RUNS} runs ÷ ${LONG_TASK_MS} ms`,
        brine:
          `${shown(longest)} (max ${shown(most)}; ${withLongTasks} of ${RUNS} runs with a long task; ` +
          `run ${median(runs.map((r) => r.seconds)).toFixed(1)} s; JS heap ${median(runs.map((r) => r.heapMB)).toFixed(0)} MB)`,
        baseline: ms(LONG_TASK_MS),
        ratio: longest / LONG_TASK_MS,
        target: atMost(1),
      });
    }
    return rows;
  },
};

async function streamOnce(stream: Stream): Promise<UiRun> {
  const { page, close } = await openBuiltPage('index.html', { build: 'dist-bench' });
  try {
    await page.evaluate(() => {
      const page = globalThis as unknown as Observed;
      page.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) page.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    await expect(page.getByTestId('module-target').first()).toBeVisible();
    await page.getByRole('button', { name: 'New job' }).click();
    await page.getByTestId('module-input').setInputFiles(stream.module);
    await page.getByTestId('args-input').fill(String(LINES));
    if (stream.trace) await page.getByTestId('trace-switch').check();
    await page.evaluate(() => {
      (globalThis as unknown as Observed).longTasks = [];
    });
    const started = performance.now();
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveText('completed', { timeout: 240_000 });
    const seconds = (performance.now() - started) / 1000;
    await expect(page.getByTestId('log-count')).toHaveText('1,000,000 lines');
    return {
      seconds,
      ...(await page.evaluate(() => ({
        longestMs: Math.max(0, ...(globalThis as unknown as Observed).longTasks),
        longTasks: (globalThis as unknown as Observed).longTasks.length,
        heapMB: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory!.usedJSHeapSize / 2 ** 20,
      }))),
    };
  } finally {
    await close();
  }
}
