// Issue #5 in the page: a stdout flood and binary output never freeze or break the page.
import { expect, test } from '@playwright/test';
import { fixture, logLines, newJob, observeLongTasks, openApp, runJob } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await observeLongTasks(page);
  await openApp(page);
  await newJob(page);
});

test('2 GiB of stdout is cut at the cap and flagged, and the page stays responsive', async ({ page }) => {
  test.setTimeout(180_000);
  await page.getByTestId('module-input').setInputFiles(fixture('c/flood.wasm'));
  await page.getByTestId('args-input').fill('2048');
  await page.evaluate(() => (window.longTasks = []));
  await page.getByTestId('run').click();
  // While the guest floods, the form still answers.
  await page.getByTestId('env-input').fill('STILL=responsive');
  await expect(page.getByTestId('env-input')).toHaveValue('STILL=responsive');
  await expect(page.getByTestId('status')).toHaveText('completed', { timeout: 150_000 });
  await expect(page.getByText("The log passed the executor's cap")).toBeVisible();
  await expect(logLines(page, 'stderr')).toContainText(['done']);
  const figures = await page.evaluate(() => ({
    longest: Math.max(0, ...window.longTasks),
    heapMB: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory!.usedJSHeapSize / 2 ** 20,
  }));
  console.log(
    `2 GiB flood in the page: longest task ${figures.longest.toFixed(0)} ms, JS heap ${figures.heapMB.toFixed(1)} MB`,
  );
});

test('binary and invalid UTF-8 output is shown without breaking the log pane', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  const binary = Buffer.from([
    0xff,
    0xfe,
    0xc3,
    0x28,
    0x00,
    0x1b,
    0x5b,
    0x33,
    0x31,
    0x6d,
    ...Buffer.from('<b>x</b>\nend\n'),
  ]);
  await page
    .getByTestId('mount-input')
    .setInputFiles({ name: 'bytes.bin', mimeType: 'application/octet-stream', buffer: binary });
  await page.getByTestId('args-input').fill('/inputs/bytes.bin');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveCount(2);
  await expect(logLines(page, 'stdout').first()).toContainText('<b>x</b>');
  await expect(logLines(page, 'stdout').last()).toHaveText('end');
  await expect(page.getByTestId('log-pane').locator('b')).toHaveCount(0);
});
