import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { zipSync } from 'fflate';
import { fixture, graphNode, logLines, mountsPanel, newJob, openApp, runJob } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await newJob(page);
});

test('a dropped-in module runs as main.wasm', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/hello.wasm'));
  await expect(page.getByTestId('module-target')).toHaveValue('main.wasm');
  await expect(page.getByTestId('job-yaml')).toHaveValue(/EntryModule: main.wasm/);
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
});

test('the CSV job built by hand: a file mount, parameters and an output directory', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/csv.wasm'));
  await page.getByTestId('mount-input').setInputFiles(fixture('data/horses.csv'));
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs/horses.csv');
  await page.getByTestId('args-input').fill('/inputs/horses.csv\n/outputs/edges.csv');
  await page.getByRole('button', { name: 'Add output' }).click();
  await page.getByTestId('output-name').fill('outputs');
  // The YAML follows the form.
  const yaml = page.getByTestId('job-yaml');
  await expect(yaml).toHaveValue(/- \/outputs\/edges\.csv/);
  await expect(yaml).toHaveValue(/ResultPaths:\n\s+- Name: outputs\n\s+Path: \/outputs/);
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 24 rows']);
  await page.locator('[data-testid="output-file"][data-path="outputs/edges.csv"]').click();
  await expect(page.getByTestId('file-preview')).toContainText('parent,child,role');
});

test('a .zip is unpacked into a directory mount', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/csv.wasm'));
  const zip = zipSync({ 'herd/horses.csv': readFileSync(fixture('data/horses.csv')) });
  await page
    .getByTestId('mount-input')
    .setInputFiles({ name: 'stable.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(page.getByTestId('mount-target')).toHaveValue('/stable');
  await expect(mountsPanel(page).getByText('1 file, 432 B')).toBeVisible();
  await page.getByTestId('args-input').fill('/stable/herd/horses.csv\n/out/edges.csv');
  await page.getByRole('button', { name: 'Add output' }).click();
  await page.getByTestId('output-name').fill('out');
  await runJob(page, 'completed');
  await expect(page.getByTestId('output-file')).toHaveAttribute('data-path', 'out/edges.csv');
});

test('a writable mount comes back with the outputs; a read-only one cannot be changed', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/write_file.wasm'));
  await page.getByTestId('mount-input').setInputFiles(fixture('data/horses.csv'));
  await page.getByTestId('mount-target').fill('/work/horses.csv');
  await page.getByTestId('args-input').fill('/work/horses.csv\n1\n65536');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('2');
  await expect(logLines(page, 'stderr')).toHaveText([/^write_file: \/work\/horses.csv: /]);
  await expect(page.getByTestId('outputs')).not.toContainText('horses.csv');
  await page.getByLabel('writable').check();
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 1048576 bytes']);
  await expect(page.getByTestId('output-file')).toHaveAttribute('data-path', 'work/horses.csv');
});

test('dynamic linking from uploaded modules: the library is mounted at its import name', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles([fixture('c/dynamic.wasm'), fixture('c/easter.wasm')]);
  const targets = page.getByTestId('module-target');
  await expect(targets.nth(0)).toHaveValue('main.wasm');
  await expect(targets.nth(1)).toHaveValue('easter.wasm');
  await targets.nth(1).fill('input.wasm');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['17']);
  await expect(graphNode(page, 'input.wasm')).toHaveAttribute('data-status', 'ready');
});

test('environment variables reach the guest, and its exit code is reported', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/exit_code.wasm'));
  await page.getByTestId('env-input').fill('EXIT_CODE=5');
  await expect(page.getByTestId('job-yaml')).toHaveValue(/Env:\n\s+EXIT_CODE: "5"/);
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('5');
});

test('the timeout stops a guest that never calls the host', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('wat/spin.wasm'));
  await page.getByTestId('timeout-input').fill('1');
  await runJob(page, 'timedOut');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'ExecutionTimeout');
  await expect(page.getByTestId('error')).toContainText('execution timed out after 1s');
});

test('standard input from the form reaches the guest', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/stdin_echo.wasm'));
  await page.getByLabel('Standard input').fill('piped text');
  await expect(page.getByTestId('job-yaml')).toHaveValue(/Brine:\n\s+Stdin: piped text/);
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['stdin: piped text']);
});

test('an ANSI colour carries over to the next lines until it is reset, as in a terminal', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/stdin_echo.wasm'));
  await page.getByLabel('Standard input').fill('\u001b[1;33mwarm\nstill warm\u001b[0m\nplain');
  await runJob(page, 'completed');
  const lines = logLines(page, 'stdout');
  await expect(lines).toHaveText(['stdin: warm', 'still warm', 'plain']);
  await expect(lines.nth(0).locator('span.ansi-3.ansi-bold')).toHaveText('warm');
  await expect(lines.nth(1).locator('span.ansi-3.ansi-bold')).toHaveText('still warm');
  await expect(lines.nth(2).locator('span')).toHaveText('plain');
  await expect(lines.nth(2).locator('span')).not.toHaveAttribute('class', /ansi/);
});

test('log text and file names are shown as text, never as HTML', async ({ page }) => {
  const name = '<img src=x onerror="window.pwned=1">.txt';
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  await page.getByTestId('mount-input').setInputFiles({
    name,
    mimeType: 'text/html',
    buffer: Buffer.from('<b>bold</b><script>window.pwned=2</script>\n'),
  });
  await page.getByTestId('mount-target').fill('/in.html');
  await page.getByTestId('args-input').fill('/in.html');
  await expect(mountsPanel(page).getByText(name)).toBeVisible();
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['<b>bold</b><script>window.pwned=2</script>']);
  await expect(page.getByTestId('log-pane').locator('b, script, img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as Window & { pwned?: number }).pwned)).toBeUndefined();
});
