import { expect, type Page, test } from '@playwright/test';
import { fixture, newJob, observeLongTasks, openApp, runJob } from './helpers.js';

// One at a time: each measures the page while it streams.
test.describe.configure({ mode: 'serial' });

/**
 * Runs `module` with `args` (traced or not) as a new job and returns how the page fared during
 * the run alone (loading the page and the job is not part of it): its long tasks, the longest,
 * and its JS heap at the end, as a line of text.
 */
async function measureRun(page: Page, module: string, args: string, trace: boolean): Promise<string> {
  await observeLongTasks(page);
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture(module));
  await page.getByTestId('args-input').fill(args);
  if (trace) await page.getByTestId('trace-switch').check();
  await page.evaluate(() => (window.longTasks = []));
  const started = Date.now();
  await runJob(page, 'completed', 200_000);
  const seconds = (Date.now() - started) / 1000;
  const { longTasks, longestMs, heapMB } = await page.evaluate(() => ({
    longTasks: window.longTasks.length,
    longestMs: Math.max(0, ...window.longTasks),
    heapMB: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory!.usedJSHeapSize / 2 ** 20,
  }));
  return `in ${seconds.toFixed(1)} s: ${longTasks} long tasks, longest ${longestMs.toFixed(0)} ms, JS heap ${heapMB.toFixed(1)} MB`;
}

test('streams 1,000,000 log lines without freezing the page', async ({ page }) => {
  test.setTimeout(180_000);
  const figures = await measureRun(page, 'c/printf_lines.wasm', '1000000', false);
  await expect(page.getByTestId('log-count')).toHaveText('1,000,000 lines');
  await expect(page.getByTestId('log-pane')).toContainText('line 999999');
  console.log(`1,000,000 lines ${figures}`);
});

test('streams a trace of 1,000,000 calls (and their 1,000,000 log lines) without freezing the page', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const figures = await measureRun(page, 'c/write_calls.wasm', '1000000', true);
  // write_calls makes a few calls of its own before the million writes (the preopens, its arguments).
  // The trace keeps 1,000,000 of them: the oldest and the newest 500,000.
  await expect(page.getByTestId('trace-count')).toHaveText(/^1,000,00(\d) calls \(\1 not kept\)$/);
  await expect(page.getByTestId('log-count')).toHaveText('1,000,000 lines');
  await expect(page.getByTestId('trace-list')).toContainText('fd_write(1<stdout>, 1 iovec, 2 B) = success nwritten=2');
  console.log(`a trace of 1,000,000 calls ${figures}`);
});
