import { expect, type Page, test } from '@playwright/test';
import { chooseDemo, expectGraphShown, openApp, runJob } from './helpers.js';

test.use({ viewport: { width: 390, height: 844 } });

/** The on-screen size of the graph's smallest label: its font size times the graph's zoom. */
function smallestGraphLabelPx(page: Page): Promise<number> {
  return page.getByTestId('import-graph').evaluate((graph) => {
    const viewport = graph.querySelector('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const labels = [...graph.querySelectorAll('.module-name, .module-meta, .react-flow__edge-text')];
    return Math.min(...labels.map((label) => Number.parseFloat(getComputedStyle(label).fontSize) * zoom));
  });
}

test('pressing Run on a phone brings the run status into sight', async ({ page }) => {
  await openApp(page);
  const status = page.getByTestId('status');
  // One column: the job's form comes first, the result far below it.
  await expect(status).not.toBeInViewport();
  await page.getByTestId('run').click();
  await expect(status).toBeInViewport({ ratio: 1 });
  // Seen, not under the sticky header.
  const seen = () =>
    status.evaluate((element) => {
      const { left, top, width, height } = element.getBoundingClientRect();
      return element.contains(document.elementFromPoint(left + width / 2, top + height / 2));
    });
  await expect.poll(seen).toBe(true);
  await expect(status).toHaveText('completed');
  await expect.poll(seen).toBe(true);
});

test('the import graph fits a phone with readable labels', async ({ page }) => {
  await openApp(page);
  for (const [demo, modules] of [
    ['csv', ['main.wasm', 'wasi_snapshot_preview1']],
    ['dynamic', ['main.wasm', 'input.wasm', 'wasi_snapshot_preview1']],
  ] as const) {
    await chooseDemo(page, demo);
    await runJob(page, 'completed');
    await expectGraphShown(page, [...modules]);
    expect(await page.locator('.react-flow__edge-text').count()).toBeGreaterThan(0);
    await expect.poll(() => smallestGraphLabelPx(page)).toBeGreaterThanOrEqual(10);
  }
});
