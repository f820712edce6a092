import { expect, type Page, test } from '@playwright/test';
import { chooseDemo, logLines, newJob, openApp, runJob } from './helpers.js';

/** Runs the default demo (CSV), which leaves a result, a log line, a graph and an output file. */
async function runCsvDemo(page: Page): Promise<void> {
  await openApp(page);
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('0');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 24 rows']);
  await expect(page.getByTestId('graph-node')).toHaveCount(2);
  await expect(page.getByTestId('output-file')).toHaveCount(1);
}

/** Nothing of an earlier run is shown: no result, log, graph or output. */
async function expectNoRun(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveText('idle');
  await expect(page.getByTestId('exit-code')).toHaveCount(0);
  await expect(page.getByTestId('timeline')).toHaveCount(0);
  await expect(page.getByTestId('log-count')).toHaveText('0 lines');
  await expect(page.getByTestId('log-pane').locator('[data-stream]')).toHaveCount(0);
  await expect(page.getByTestId('graph-node')).toHaveCount(0);
  await expect(page.getByTestId('import-graph')).toContainText('Run the job to see how its imports resolve.');
  await expect(page.getByTestId('output-file')).toHaveCount(0);
  await expect(page.getByTestId('outputs')).toContainText('appear here after a run');
}

test('choosing another demo clears the run of the previous one', async ({ page }) => {
  await runCsvDemo(page);
  await chooseDemo(page, 'hello');
  await expectNoRun(page);
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
  await expect(page.getByTestId('graph-node')).toHaveCount(2);
});

test('a new job clears the run of the previous one', async ({ page }) => {
  await runCsvDemo(page);
  await newJob(page);
  await expectNoRun(page);
});

test('YAML that changes the job clears the run; YAML of the same job keeps it', async ({ page }) => {
  await runCsvDemo(page);
  const yaml = page.getByTestId('job-yaml');
  const ran = await yaml.inputValue();
  // A comment changes the text, not the job.
  await yaml.fill(`# my copy of the CSV demo\n${ran}`);
  await expect(page.getByTestId('status')).toHaveText('completed');
  await expect(logLines(page, 'stdout')).toHaveText(['wrote 24 rows']);
  await expect(page.getByTestId('output-file')).toHaveCount(1);
  await yaml.fill(ran.replace('/outputs/parents-children.csv', '/outputs/edges.csv'));
  await expect(page.getByTestId('args-input')).toHaveValue('/inputs/horses.csv\n/outputs/edges.csv');
  await expectNoRun(page);
  await runJob(page, 'completed');
  await expect(page.getByTestId('output-file')).toHaveAttribute('data-path', 'outputs/edges.csv');
});

test('loading another job while one runs stops it', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'spin');
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await chooseDemo(page, 'hello');
  await expectNoRun(page);
  await expect(page.getByTestId('cancel')).toBeDisabled();
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
});
