import { expect, test } from '@playwright/test';
import { chooseDemo, expectGraphShown, graphNode, openApp, runJob, watchGraphNodes } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await watchGraphNodes(page);
});

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => window.graphNodesHiddenAgain)).toEqual([]);
});

test('every fresh load shows the whole import graph', async ({ page }) => {
  for (let load = 0; load < 4; load++) {
    await openApp(page);
    await runJob(page, 'completed');
    await expectGraphShown(page, ['main.wasm', 'wasi_snapshot_preview1']);
  }
});

test('re-running the same job, and selecting a module, keep the graph shown', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'dynamic');
  const modules = ['main.wasm', 'input.wasm', 'wasi_snapshot_preview1'];
  await runJob(page, 'completed');
  await expectGraphShown(page, modules);
  await graphNode(page, 'input.wasm').click();
  await expect(page.getByTestId('node-details')).toContainText('easter2022');
  await expectGraphShown(page, modules);
  for (let run = 0; run < 3; run++) {
    await runJob(page, 'completed');
    await expectGraphShown(page, modules);
  }
});

test('resizing the window keeps the graph shown and inside its box', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await chooseDemo(page, 'dynamic');
  const modules = ['main.wasm', 'input.wasm', 'wasi_snapshot_preview1'];
  await runJob(page, 'completed');
  await expectGraphShown(page, modules);
  for (const width of [800, 1024, 1440, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await expectGraphShown(page, modules);
  }
});
