import { expect, type Page, test } from '@playwright/test';
import { chooseDemo, logLines, openApp, runJob } from './helpers.js';

const rows = (page: Page) => page.getByTestId('trace-list').locator('.trace-row');
const summaryRow = (page: Page, fn: string) => page.getByTestId('trace-summary').locator(`tr[data-fn="${fn}"]`);

/** Turns the trace on for the loaded job. */
async function traceOn(page: Page): Promise<void> {
  await page.getByTestId('trace-switch').check();
  await expect(page.getByTestId('job-yaml')).toHaveValue(/^ {10}Trace: true$/m);
}

test('the trace of a run: summary, errors, filters by function, errno, path and fd, and details', async ({ page }) => {
  await openApp(page);
  await expect(page.getByText('Turn it on to see each call')).toBeVisible();
  await traceOn(page);
  await page.getByTestId('args-input').fill('/inputs/missing.csv\n/outputs/parents-children.csv');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('2');

  // The open of the missing file: counted as an error, highlighted, and explained.
  await expect(summaryRow(page, 'path_open').locator('td').nth(2)).toHaveText('1');
  await expect(summaryRow(page, 'fd_write').locator('td').nth(2)).toHaveText('0');
  const open = rows(page).filter({ hasText: '"inputs/missing.csv"' });
  await expect(open).toHaveAttribute('data-error', 'true');
  await expect(open).toContainText('= noent');
  await open.click();
  await expect(page.getByTestId('trace-detail')).toContainText('path_open');
  await expect(page.getByTestId('trace-errno')).toHaveText('noent: No such file or directory');
  await expect(page.getByRole('table', { name: 'Arguments' })).toContainText('3</>');
  await expect(page.getByRole('table', { name: 'Arguments' })).toContainText('"inputs/missing.csv"');

  const total = Number((await page.getByTestId('trace-count').textContent())!.replace(/\D/g, ''));
  expect(total).toBeGreaterThan(5);
  // errno ≠ success: only errors remain (the preopen scan's badf, the noent).
  await page.getByLabel('errors only').check();
  await expect(rows(page).first()).toBeVisible();
  for (const error of await rows(page).all()) await expect(error).toHaveAttribute('data-error', 'true');
  await expect(rows(page).filter({ hasText: '= noent' })).toHaveCount(1);
  await page.getByLabel('errors only').uncheck();

  // A function, from the summary table (a click filters, a second click clears).
  await summaryRow(page, 'path_open').click();
  await expect(page.getByLabel('Calls to')).toHaveValue('path_open');
  await expect(rows(page)).toHaveCount(1);
  await summaryRow(page, 'path_open').click();
  await expect(page.getByLabel('Calls to')).toHaveValue('');

  // A path: arguments, and the paths of fds.
  await page.getByLabel('Calls on a path').fill('MISSING');
  await expect(rows(page)).toHaveCount(1);
  await page.getByLabel('Calls on a path').fill('<stderr>');
  await expect(rows(page).first()).toContainText('fd_write(2<stderr>');
  for (const write of await rows(page).all()) await expect(write).toHaveAttribute('data-fn', 'fd_write');
  await page.getByLabel('Calls on a path').fill('');

  // An fd.
  await page.getByLabel('Calls on an fd').fill('3');
  await expect(rows(page).first()).toBeVisible();
  for (const call of await rows(page).all()) await expect(call).toContainText('3</>');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('trace-count')).toHaveText(`${total} calls`);
});

test('a write links to the log lines it wrote, and a log line to the call that wrote it', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'colors');
  await traceOn(page);
  await runJob(page, 'completed');
  await expect(page.getByTestId('log-count')).toHaveText('41 lines');
  // logtest flushes each line: one fd_write per line, in order, on stdout or stderr.
  await page.getByLabel('Calls to').selectOption('fd_write');
  await expect(page.getByTestId('trace-count')).toHaveText(/, 41 shown$/);
  // Only the rows in view are rendered: from the top, the fifth is the fifth write.
  await page.getByTestId('trace-list').evaluate((list) => list.scrollTo(0, 0));
  await expect(rows(page).first()).toHaveAttribute('data-seq', /\d/);
  await rows(page).nth(4).click();
  await page.getByRole('button', { name: 'Show in log' }).click();
  const focused = page.getByTestId('log-pane').locator('[data-focused]');
  await expect(focused).toHaveCount(1);
  await expect(focused).toHaveAttribute('data-line', '5');

  await page.getByTestId('log-pane').evaluate((pane) => pane.scrollTo(0, pane.scrollHeight));
  await logLines(page, 'stderr').filter({ hasText: 'gutenberg' }).click();
  const selected = page.getByTestId('trace-list').locator('[data-selected]');
  await expect(selected).toHaveAttribute('data-fn', 'fd_write');
  await expect(selected).toContainText('2<stderr>');
  await page.getByRole('button', { name: 'Show in log' }).click();
  await expect(focused).toContainText('gutenberg');
  if (process.env.BRINE_SCREENSHOTS) {
    // docs/screenshots/trace.png: the log line and the call that wrote it.
    await page.setViewportSize({ width: 1280, height: 1240 });
    await page.getByLabel('Calls to').selectOption('');
    await page.getByTestId('trace-list').locator('[data-selected]').scrollIntoViewIfNeeded();
    await page.evaluate(() => {
      const header = document.querySelector('.app-header')!.getBoundingClientRect().bottom;
      window.scrollBy(0, document.querySelector('.log-panel')!.getBoundingClientRect().top - header - 8);
    });
    await page.screenshot({ path: 'docs/screenshots/trace.png' });
  }
});

test('an untraced run shows no calls; the switch is saved in the job', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  await runJob(page, 'completed');
  await expect(page.getByTestId('trace-list')).toHaveCount(0);
  await traceOn(page);
  await page.getByTestId('trace-switch').uncheck();
  await expect(page.getByTestId('job-yaml')).not.toHaveValue(/Trace:/);
});
