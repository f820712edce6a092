import { expect, test } from '@playwright/test';
import { fixture, newJob, observeLongTasks, openApp, runJob } from './helpers.js';

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
  const figures = await page.evaluate(() => ({
    longTasks: window.longTasks.length,
    longestMs: Math.max(0, ...window.longTasks),
    heapMB: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory!.usedJSHeapSize / 2 ** 20,
  }));
  console.log(
    `1,000,000 lines in ${seconds.toFixed(1)} s: ${figures.longTasks} long tasks, longest ${figures.longestMs.toFixed(0)} ms, ` +
      `JS heap ${figures.heapMB.toFixed(1)} MB`,
  );
});
