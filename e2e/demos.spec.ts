import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { chooseDemo, graphNode, logLines, openApp, runJob } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('opens with the CSV demo, which reads its input and writes an output file', async ({ page }) => {
  await expect(page.getByTestId('demo-select')).toHaveValue('csv');
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs');
  await expect(page.getByTestId('output-name')).toHaveValue('outputs');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('0');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 24 rows']);
  const file = page.getByTestId('output-file');
  await expect(file).toHaveAttribute('data-path', 'outputs/parents-children.csv');
  await file.click();
  const preview = page.getByTestId('file-preview');
  await expect(preview).toContainText('parent,child,role');
  expect((await preview.textContent())!.trim().split('\n')).toHaveLength(25);
  await expect(page.getByTestId('timeline')).toContainText('compile');
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download all (.zip)' }).click(),
  ]);
  const files = unzipSync(readFileSync((await zip.path())!));
  expect(Object.keys(files)).toEqual(['outputs/parents-children.csv']);
});

test('hello world prints one line and links only WASI, all offline', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await chooseDemo(page, 'hello');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('0');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(graphNode(page, 'main.wasm')).toHaveAttribute('data-status', 'ready');
  await expect(graphNode(page, 'wasi_snapshot_preview1')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('outputs')).toContainText('appear here after a run');
  const origin = new URL(page.url()).origin;
  expect(requests.filter((url) => !(url.startsWith(`${origin}/`) || /^(data|blob):/.test(url)))).toEqual([]);
});

test('dynamic linking resolves input.wasm by its import name', async ({ page }) => {
  await chooseDemo(page, 'dynamic');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['17']);
  await expect(page.getByTestId('graph-node')).toHaveCount(3);
  await expect(graphNode(page, 'input.wasm')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('import-graph')).toContainText('easter');
  await graphNode(page, 'input.wasm').click();
  const details = page.getByTestId('node-details');
  await expect(details).toContainText('Exports (');
  await expect(details).toContainText('easter2022');
  await expect(details).toContainText('(i32) -> (i32)');
  // The keyboard selects modules too.
  await page.getByRole('group', { name: 'Module main.wasm, ready' }).focus();
  await page.keyboard.press('Enter');
  await expect(details.getByRole('heading', { name: 'main.wasm' })).toBeVisible();
});

test('the memory demo reaches its 16 MiB limit and says so with the numbers', async ({ page }) => {
  await chooseDemo(page, 'memory');
  await expect(page.getByTestId('memory-input')).toHaveValue('16MiB');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('3');
  await expect(logLines(page, 'stdout')).toHaveText([/^allocated 1\d MiB$/]);
  await expect(page.getByTestId('memory-explain')).toContainText(/^Memory\.grow from \d+ to \d+ pages was refused/);
  await expect(page.getByTestId('memory-explain')).toContainText('the limit is 256 pages (16 MiB)');
});

test('the endless loop runs until cancelled, and the page stays responsive', async ({ page }) => {
  await chooseDemo(page, 'spin');
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await expect(page.getByTestId('status')).toHaveText('running');
  // The guest spins in a worker: the form still answers at once.
  await page.getByTestId('memory-input').fill('32MiB');
  await expect(page.getByTestId('memory-hint')).toContainText('512 pages (32 MiB)');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('cancelled');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'ExecutionCancelled');
  await expect(page.getByTestId('run')).toBeEnabled();
});

test('coloured logs keep stdout and stderr apart, in write order, with ANSI colours', async ({ page }) => {
  await chooseDemo(page, 'colors');
  await runJob(page, 'completed');
  await expect(page.getByTestId('log-count')).toHaveText('41 lines');
  await page.getByRole('button', { name: 'Pause' }).click();
  const pane = page.getByTestId('log-pane');
  await pane.evaluate((element) => (element.scrollTop = 0));
  const first = pane.locator('[data-line="1"]');
  await expect(first).toHaveAttribute('data-stream', 'stderr');
  await expect(first.locator('span.ansi-1')).toHaveText('The Cosmic Lighthouse');
  await expect(pane.locator('[data-stream="stdout"] span.ansi-2').first()).toBeVisible();
  // Escape codes are rendered as colours, never shown as text.
  expect(await pane.textContent()).not.toContain('\u001b');
  await page.getByLabel('stderr').uncheck();
  await expect(page.getByTestId('log-count')).toHaveText('23 lines');
  // The download has every byte as written, escape codes included.
  const [logs] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download', exact: true }).click(),
  ]);
  const text = readFileSync((await logs.path())!, 'utf8');
  expect(text.split('\n')).toHaveLength(42);
  expect(text.startsWith('\u001b[31mThe Cosmic Lighthouse\u001b[0m\n')).toBe(true);
});

test('the noisy logger streams 100,000 lines that can be searched', async ({ page }) => {
  await chooseDemo(page, 'lines');
  await runJob(page, 'completed');
  await expect(page.getByTestId('log-count')).toHaveText('100,000 lines');
  await expect(page.getByTestId('log-pane')).toContainText('line 99999');
  await page.getByRole('searchbox', { name: 'Search the logs' }).fill('line 4242');
  await expect(page.getByTestId('log-count')).toHaveText('11 lines'); // 4242 and 42420..42429
  await expect(logLines(page, 'stdout').first()).toHaveText('line 4242');
});
