// The teaching views: the memory story (chart, explanation), the guest's filesystem, the demos' notes.
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { chooseDemo, fixture, logLines, newJob, openApp, runJob } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

/** The grows in the chart's table: [from, to, result] per row. */
async function growRows(page: Page): Promise<[number, number, string][]> {
  await page.getByTestId('memory-chart').locator('summary').click();
  const rows = await page
    .getByTestId('grow-row')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return rows.map(([, , , pages, result]) => {
    const [from, to] = pages!.split(' → ').map((n) => Number(n.replace(/,/g, '')));
    return [from!, to!, result!];
  });
}

test('near the limit: the chart steps up to the limit line, and the refused grow is explained', async ({ page }) => {
  await chooseDemo(page, 'memory');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('3');
  const chart = page.getByTestId('memory-chart');
  await expect(chart.getByTestId('limit-line')).toContainText('limit 256 pages (16 MiB)');
  await expect(chart.getByTestId('memory-series')).toHaveCount(1);
  await expect(chart.getByTestId('refused-grow').first()).toBeVisible();
  const rows = await growRows(page);
  const granted = rows.filter(([, , result]) => result === 'granted');
  const refused = rows.filter(([, , result]) => result === 'refused');
  expect(granted.length).toBeGreaterThan(10);
  for (const [i, [from]] of granted.slice(1).entries()) expect(from).toBe(granted[i]![1]);
  const [from, to] = refused.at(-1)!;
  expect(from).toBe(granted.at(-1)![1]);
  expect(to).toBeGreaterThan(256);
  await expect(chart.getByTestId('refused-grow')).toHaveCount(refused.length);
  await expect(page.getByTestId('memory-explain')).toHaveText(
    new RegExp(
      `^Memory\\.grow from ${from} to ${to} pages was refused.*: the limit is 256 pages \\(16 MiB\\); the program then exited with code 3\\. A refused memory\\.grow returns -1 to the program \\(malloc then returns NULL\\)\\. To grant it, Resources\\.Memory must be at least [\\d.]+ MiB\\.$`,
    ),
  );
  await expect(page.getByText(/Peak memory \d+ pages \([\d.]+ MiB\) of 256 pages \(16 MiB\)/)).toBeVisible();
});

test('one large request: the memory is still small when a grow far past the limit is refused', async ({ page }) => {
  await chooseDemo(page, 'bigalloc');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('1');
  await expect(logLines(page, 'stdout')).toHaveText(['asking malloc for 56 MiB']);
  await expect(logLines(page, 'stderr')).toHaveText(['malloc of 56 MiB failed']);
  const rows = await growRows(page);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every(([from, to, result]) => from < 10 && to > 512 && result === 'refused')).toBe(true);
  const [from, to] = rows.at(-1)!;
  const chart = page.getByTestId('memory-chart');
  await expect(chart.getByTestId('refused-grow').last()).toContainText(`asked for ${to} (off the chart)`);
  await expect(chart).toContainText(new RegExp(`${rows.length} memory\\.grow calls?, ${rows.length} refused`));
  await expect(page.getByTestId('memory-explain')).toContainText(`Memory.grow from ${from} to ${to} pages was refused`);
  await expect(page.getByTestId('memory-explain')).toContainText(
    'the limit is 512 pages (32 MiB); the program then exited with code 1',
  );
  // With room for it, the same grow is granted: no refusal, no explanation.
  await page.getByTestId('memory-input').fill('64MiB');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['asking malloc for 56 MiB', 'allocated 56 MiB']);
  await expect(page.getByTestId('memory-chart').getByTestId('refused-grow')).toHaveCount(0);
  await expect(page.getByTestId('memory-explain')).toHaveCount(0);
});

/** One node of a filesystem tree, by its path. */
const fsNode = (page: Page, tree: 'fs-before' | 'fs-after', path: string) =>
  page.getByTestId(tree).locator(`[data-testid="fs-node"][data-path="${path}"]`);

test("the guest's filesystem: what the guest will see before the run, what changed after it", async ({ page }) => {
  await expect(page.getByTestId('demo-select')).toHaveValue('csv');
  await expect(fsNode(page, 'fs-before', '/')).toContainText('preopened as fd 3 "/"');
  await expect(fsNode(page, 'fs-before', '/inputs')).toContainText('read-only');
  await expect(fsNode(page, 'fs-before', '/inputs')).toContainText('demo folder /demos/csv/inputs');
  await expect(fsNode(page, 'fs-before', '/inputs/horses.csv')).toContainText('432 B');
  await expect(fsNode(page, 'fs-before', '/main.wasm')).toContainText('demo file /demos/csv/csv.wasm');
  await expect(fsNode(page, 'fs-before', '/outputs')).toContainText('writable');
  await expect(fsNode(page, 'fs-before', '/outputs')).toContainText('output "outputs"');
  await expect(page.getByTestId('fs-after')).toHaveCount(0);
  await runJob(page, 'completed');
  const created = fsNode(page, 'fs-after', '/outputs/parents-children.csv');
  await expect(created).toHaveAttribute('data-change', 'created');
  await expect(created).toContainText(/created.*\d+ B$/);
  await expect(fsNode(page, 'fs-after', '/outputs')).toContainText('1 file,');
});

test('a dropped file shows where it came from; a writable mount shows what the run modified', async ({ page }) => {
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/write_file.wasm'));
  await page.getByTestId('mount-input').setInputFiles(fixture('data/horses.csv'));
  await page.getByTestId('mount-target').fill('/work/horses.csv');
  await expect(fsNode(page, 'fs-before', '/main.wasm')).toContainText('dropped file "write_file.wasm"');
  await expect(fsNode(page, 'fs-before', '/work/horses.csv')).toContainText('dropped file "horses.csv"');
  await expect(fsNode(page, 'fs-before', '/work/horses.csv')).toContainText('read-only');
  await page.getByLabel('writable').check();
  await expect(fsNode(page, 'fs-before', '/work/horses.csv')).toContainText('writable');
  await page.getByTestId('args-input').fill('/work/horses.csv\n1\n65536');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 1048576 bytes']);
  const modified = fsNode(page, 'fs-after', '/work/horses.csv');
  await expect(modified).toHaveAttribute('data-change', 'modified');
  await expect(modified).toContainText('1 MiB');
});

test('each demo has a note on what to notice, shown beside it', async ({ page }) => {
  const index = JSON.parse(readFileSync('public/demos/index.json', 'utf8')) as {
    demos: { id: string; title: string; notice: string }[];
  };
  for (const demo of index.demos) {
    await chooseDemo(page, demo.id);
    const note = page.getByTestId('teaching-note');
    await expect(note).toContainText(`What to notice: ${demo.title}`);
    await expect(note).toContainText(demo.notice);
  }
  // Turning the trace on, as a note asks, edits the job: its note stays.
  await page.getByTestId('trace-switch').check();
  await expect(page.getByTestId('teaching-note')).toContainText(`What to notice: ${index.demos.at(-1)!.title}`);
  // A job of one's own has none.
  await newJob(page);
  await expect(page.getByTestId('teaching-note')).toHaveCount(0);
});

test('an edited demo keeps its note across a reload', async ({ page }) => {
  await chooseDemo(page, 'csv');
  await page.getByTestId('trace-switch').check();
  await page.reload();
  await expect(page.getByTestId('trace-switch')).toBeChecked();
  await expect(page.getByTestId('teaching-note')).toContainText('What to notice: CSV transform');
});
