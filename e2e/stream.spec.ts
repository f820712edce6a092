import { expect, type Page, test } from '@playwright/test';
import { fixture, newJob, observeLongTasks, openApp, runJob } from './helpers.js';

// One at a time: each measures the page while it streams.
test.describe.configure({ mode: 'serial' });

/** Long tasks of the page since they were last cleared, and its JS heap. */
const figures = (page: Page) =>
  page.evaluate(() => ({
    longTasks: window.longTasks.length,
    longestMs: Math.max(0, ...window.longTasks),
    heapMB: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory!.usedJSHeapSize / 2 ** 20,
  }));

const asText = ({ longTasks, longestMs, heapMB }: Awaited<ReturnType<typeof figures>>) =>
  `${longTasks} long tasks, longest ${longestMs.toFixed(0)} ms, JS heap ${heapMB.toFixed(1)} MB`;

test('streams 1,000,000 log lines without freezing the page', async ({ page }) => {
  test.setTimeout(180_000);
  await observeLongTasks(page);
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/printf_lines.wasm'));
  await page.getByTestId('args-input').fill('1000000');
  // Only the run is measured: loading the page and the demo is not part of it.
  await page.evaluate(() => (window.longTasks = []));
  const started = Date.now();
  await runJob(page, 'completed', 150_000);
  const seconds = (Date.now() - started) / 1000;
  await expect(page.getByTestId('log-count')).toHaveText('1,000,000 lines');
  await expect(page.getByTestId('log-pane')).toContainText('line 999999');
  console.log(`1,000,000 lines in ${seconds.toFixed(1)} s: ${asText(await figures(page))}`);
});

test('streams a trace of 1,000,000 calls (and their 1,000,000 log lines) without freezing the page', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await observeLongTasks(page);
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/write_calls.wasm'));
  await page.getByTestId('args-input').fill('1000000');
  await page.getByTestId('trace-switch').check();
  await page.evaluate(() => (window.longTasks = []));
  const started = Date.now();
  await runJob(page, 'completed', 200_000);
  const seconds = (Date.now() - started) / 1000;
  // write_calls makes a few calls of its own before the million writes (the preopens, its arguments).
  // The trace keeps 1,000,000 of them: the oldest and the newest 500,000.
  await expect(page.getByTestId('trace-count')).toHaveText(/^1,000,00(\d) calls \(\1 not kept\)$/);
  await expect(page.getByTestId('log-count')).toHaveText('1,000,000 lines');
  await expect(page.getByTestId('trace-list')).toContainText('fd_write(1<stdout>, 1 iovec, 2 B) = success nwritten=2');
  console.log(`a trace of 1,000,000 calls in ${seconds.toFixed(1)} s: ${asText(await figures(page))}`);
});
