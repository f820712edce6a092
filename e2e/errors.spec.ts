import { expect, test } from '@playwright/test';
import { fixture, graphNode, logLines, newJob, openApp, runJob } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await newJob(page);
});

test('a file that is not WebAssembly fails to compile, shown on its graph node', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('wat/not_wasm.bin'));
  await runJob(page, 'failed');
  await expect(page.getByTestId('exit-code')).toHaveText('-1');
  const error = page.getByTestId('error');
  await expect(error).toHaveAttribute('data-code', 'ModuleCompileError');
  await expect(error).toContainText('failed to compile module at "main.wasm"');
  await expect(error).toContainText('Hint:');
  const node = graphNode(page, 'main.wasm');
  await expect(node).toHaveAttribute('data-status', 'failed');
  await expect(node).toContainText('ModuleCompileError');
});

test('an import from a module that is not mounted shows the missing module in the graph', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('wat/missing_import.wasm'));
  await runJob(page, 'failed');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'UnknownModuleError');
  await expect(page.getByTestId('error')).toContainText('unknown module "not_mounted.wasm"');
  const missing = graphNode(page, 'not_mounted.wasm');
  await expect(missing).toHaveAttribute('data-status', 'missing');
  await expect(missing).toContainText('UnknownModuleError');
  await expect(graphNode(page, 'main.wasm')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('import-graph')).toContainText('nope'); // the edge names the import
  await graphNode(page, 'main.wasm').click();
  await expect(page.getByTestId('node-details')).toContainText('not_mounted.wasm');
});

test('a memory request over 4 GiB is refused before running, with the numbers', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/hello.wasm'));
  await page.getByTestId('memory-input').fill('5GiB');
  // Explained in the form already...
  await expect(page.getByTestId('memory-hint')).toContainText('81,920 pages');
  // ...and by the executor when run.
  await runJob(page, 'failed');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'MemoryLimitError');
  await expect(page.getByTestId('error')).toContainText('requested memory exceeds the wasm limit - 5.00 GB > 4.00 GB');
  const explain = page.getByTestId('memory-explain');
  await expect(explain).toContainText('5 GiB, which is 81,920 pages of 64 KiB');
  await expect(explain).toContainText('65,536 pages (4 GiB)');
  await expect(page.getByTestId('exit-code')).toHaveCount(0);
  await expect(logLines(page, 'stdout')).toHaveCount(0);
});

test('a module whose declared minimum memory is over the limit is refused, with the numbers', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('wat/min_over.wasm'));
  await page.getByTestId('memory-input').fill('1MiB');
  await runJob(page, 'failed');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'MemoryLimitError');
  const explain = page.getByTestId('memory-explain');
  await expect(explain).toContainText('2,000 pages (125 MiB)');
  await expect(explain).toContainText('over the limit of 16 pages (1 MiB)');
  await expect(graphNode(page, 'main.wasm')).toContainText('MemoryLimitError');
  await graphNode(page, 'main.wasm').click();
  await expect(page.getByTestId('node-details')).toContainText('min 2,000 pages (125 MiB)');
});

test('a run that hits the memory limit says so, with the refused grow and its peak against the limit', async ({
  page,
}) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/malloc_loop.wasm'));
  await page.getByTestId('memory-input').fill('16MiB');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('3');
  await expect(page.getByTestId('memory-explain')).toContainText(
    /^Memory\.grow from \d+ to \d+ pages was refused.*: the limit is 256 pages \(16 MiB\)/,
  );
  await expect(page.getByText(/Peak memory \d+ pages \([\d.]+ MiB\) of 256 pages \(16 MiB\)/)).toBeVisible();
});

test('a malformed job YAML shows its error inline, leaves the job alone and is not run', async ({ page }) => {
  await page.getByTestId('module-input').setInputFiles(fixture('c/hello.wasm'));
  const yaml = page.getByTestId('job-yaml');
  await yaml.fill('Tasks:\n  - Engine: {Type: docker}\n');
  await expect(page.getByTestId('yaml-error')).toHaveAttribute('data-code', 'SpecError');
  await expect(page.getByTestId('yaml-error')).toContainText('expected wasm, but received: docker');
  await expect(page.getByTestId('module-target')).toHaveValue('main.wasm');
  await runJob(page, 'failed');
  await expect(page.getByTestId('error')).toContainText('expected wasm, but received: docker');
  // Discarding the edits brings back the job's YAML, and the job runs.
  await page.getByRole('button', { name: 'Discard the YAML edits' }).click();
  await expect(yaml).toHaveValue(/EntryModule: main.wasm/);
  await runJob(page, 'completed');
});
