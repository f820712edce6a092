import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { chooseDemo, fixture, logLines, mountsPanel, newJob, openApp, runJob } from './helpers.js';

test('several jobs run one after another, each with a fresh log, graph and result', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'spin');
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await expect(page.getByTestId('run')).toBeDisabled();
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('cancelled');
  await expect(page.getByTestId('cancel')).toBeDisabled();

  await chooseDemo(page, 'hello');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
  await expect(page.getByTestId('error')).toHaveCount(0);

  await chooseDemo(page, 'csv');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 24 rows']);
  await runJob(page, 'completed');
  await expect(page.getByTestId('output-file')).toHaveCount(1);
});

test('a folder picked with the folder picker is mounted with its files', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  await page.getByLabel('Add a folder').setInputFiles(fixture('data'));
  await expect(page.getByTestId('mount-target')).toHaveValue('/data');
  await expect(mountsPanel(page).getByText('2 files, 2.12 KiB')).toBeVisible();
  await page.getByTestId('args-input').fill('/data/horses.csv');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout').first()).toHaveText('name,sire,dam');
  await expect(page.getByTestId('log-count')).toHaveText('13 lines');
});

test('output written just before a long computation shows while the guest runs, and cancel keeps it', async ({
  page,
}) => {
  await openApp(page);
  await newJob(page);
  // The page is cross-origin isolated, so the executor can read the worker's staged output.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByTestId('module-input').setInputFiles(fixture('wat/write_then_spin.wasm'));
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['one', 'two']);
  await expect(page.getByTestId('status')).toHaveText('running');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('cancelled');
  await expect(logLines(page, 'stdout')).toHaveText(['one', 'two']);
});

test('a dragged folder is read recursively, across readEntries batches, and mounted', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  // Playwright cannot drag a real folder: the drop carries FileSystemEntry look-alikes instead,
  // whose directory reader hands out one entry per readEntries call, as a browser may batch them.
  await page.getByText('Drop files, folders or .zip archives').evaluate((zone) => {
    type Entry = { name: string; isFile: boolean; isDirectory: boolean } & Record<string, unknown>;
    const file = (name: string, text: string): Entry => ({
      name,
      isFile: true,
      isDirectory: false,
      file: (resolve: (file: File) => void) => resolve(new File([text], name)),
    });
    const folder = (name: string, children: Entry[]): Entry => ({
      name,
      isFile: false,
      isDirectory: true,
      createReader: () => {
        let next = 0;
        return { readEntries: (resolve: (batch: Entry[]) => void) => resolve(children.slice(next, ++next)) };
      },
    });
    const root = folder('notes', [
      file('a.txt', 'alpha\n'),
      folder('deep', [folder('er', [file('b.txt', 'bravo\n')])]),
      file('c.txt', ''),
    ]);
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { items: [{ webkitGetAsEntry: () => root }], files: [] } });
    zone.dispatchEvent(drop);
  });
  await expect(page.getByTestId('mount-target')).toHaveValue('/notes');
  await expect(mountsPanel(page).getByText('3 files, 12 B')).toBeVisible();
  await page.getByTestId('args-input').fill('/notes/deep/er/b.txt\n/notes/a.txt');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['bravo', 'alpha']);
});

test('a .wasm dropped on the modules zone becomes the entry module', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  const bytes = [...readFileSync(fixture('c/hello.wasm'))];
  const dataTransfer = await page.evaluateHandle((data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'hello.wasm', { type: 'application/wasm' }));
    return transfer;
  }, bytes);
  await page.getByText('Drop .wasm files here').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('module-target')).toHaveValue('main.wasm');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
});

test('a cancelled run shows how long it ran, not "run 0.00 ms"', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'spin');
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('cancelled');
  const run = page.getByTestId('timeline').locator('.timeline-row', { hasText: 'run' }).first();
  await expect(run.locator('.timeline-value')).not.toHaveText('0.00 ms');
  expect(Number.parseFloat((await run.locator('.timeline-value').textContent()) ?? '')).toBeGreaterThan(0);
});

test('a timeout longer than setTimeout takes (2^31 ms) does not fire at once', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  await page.getByTestId('timeout-input').fill('3000000');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
});
