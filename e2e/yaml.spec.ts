import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { chooseDemo, fixture, logLines, newJob, openApp, runJob } from './helpers.js';

const dataUrl = (file: string) => `data:application/wasm;base64,${readFileSync(fixture(file)).toString('base64')}`;

test('pasting a Bacalhau job YAML fills the form, and the job runs', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  const yaml = [
    'Name: pasted-args',
    'Type: batch',
    'Tasks:',
    '  - Name: main',
    '    Engine:',
    '      Type: wasm',
    '      Params:',
    '        EntryModule: /app/args.wasm',
    '        Parameters: [first, "second arg"]',
    '    Env: {GREETING: hello}',
    '    Resources: {Memory: 64MiB}',
    '    Timeouts: {ExecutionTimeout: 30}',
    '    InputSources:',
    '      - Target: /app/args.wasm',
    `        Source: {Type: inline, Params: {URL: "${dataUrl('c/args.wasm')}"}}`,
    '',
  ].join('\n');
  await page.getByTestId('job-yaml').fill(yaml);
  await expect(page.getByTestId('module-target')).toHaveValue('/app/args.wasm');
  await expect(page.getByTestId('args-input')).toHaveValue('first\nsecond arg');
  await expect(page.getByTestId('env-input')).toHaveValue('GREETING=hello');
  await expect(page.getByTestId('memory-input')).toHaveValue('64MiB');
  await expect(page.getByTestId('timeout-input')).toHaveValue('30');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['argc=3', 'argv[0]=', 'argv[1]=first', 'argv[2]=second arg']);
  // Leaving the editor shows the job's YAML again, its inline source as written.
  await page.getByTestId('args-input').focus();
  await expect(page.getByTestId('job-yaml')).toHaveValue(
    /Name: pasted-args[\s\S]*URL: data:application\/wasm;base64,AGFzbQ/,
  );
});

test('Download YAML gives the job ready for Bacalhau, the same text brine export writes', async ({ page }) => {
  await openApp(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download YAML' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('wasm-csv-example.yaml');
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(
    /Target: \/inputs\n\s+Source:\n\s+Type: inline\n\s+Params:\n\s+URL: data:application\/gzip;base64,/,
  );
  const exported = spawnSync(process.execPath, ['bin/brine.js', 'export', 'public/demos/csv/job.yaml'], {
    encoding: 'utf8',
  });
  expect(exported.status).toBe(0);
  expect(text).toBe(exported.stdout);
});

test('Download YAML refuses a job Bacalhau would still refuse, and says why', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('env-input').fill('lower=x');
  await page.getByRole('button', { name: 'Download YAML' }).click();
  await expect(page.getByTestId('export-error')).toContainText("environment variable 'lower' must be uppercase");
});

test('files too large to inline become placeholders with a note, and are kept when the YAML is edited', async ({
  page,
}) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  const big = Buffer.alloc(1536 * 1024, 'x');
  await page.getByTestId('mount-input').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: big });
  await expect(page.getByTestId('yaml-note')).toContainText('/inputs/big.txt (1.5 MiB) is too large to inline');
  const yaml = page.getByTestId('job-yaml');
  await expect(yaml).toHaveValue(
    /Target: \/inputs\/big.txt\n\s+Source:\n\s+Type: localDirectory\n\s+Params:\n\s+SourcePath: big.txt/,
  );
  // Editing the YAML (here: adding a parameter) keeps the file behind the placeholder.
  const edited = (await yaml.inputValue()).replace(
    /^(\s+)EntryModule: (.*)$/m,
    '$1EntryModule: $2\n$1Parameters:\n$1  - /inputs/big.txt',
  );
  await yaml.fill(edited);
  await expect(page.getByTestId('args-input')).toHaveValue('/inputs/big.txt');
  await runJob(page, 'completed');
  // 1.5 MiB without a newline: shown as a 1 Mi-character line and the rest, each cut for display.
  await expect(page.getByTestId('log-count')).toHaveText('2 lines');
  await expect(page.getByTestId('log-pane').locator('.log-cut').first()).toHaveText(/^ … [\d,]+ more characters$/);
  // Such a job is too large for a link.
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.getByTestId('notice')).toContainText('too large for a link');
});

test('a shared link reproduces the job', async ({ page, context }) => {
  await openApp(page);
  await chooseDemo(page, 'dynamic');
  await page.getByTestId('args-input').fill('ignored');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link.startsWith(`${new URL(page.url()).origin}/#job=`)).toBe(true);
  expect(link).toMatch(/#job=[\w-]+$/);
  const other = await context.newPage();
  await openApp(other, link);
  await expect(other.getByTestId('notice')).toContainText('Loaded the job from the link');
  await expect(other.getByTestId('job-yaml')).toHaveValue(/Name: wasm-dynamic-link/);
  await expect(other.getByTestId('args-input')).toHaveValue('ignored');
  await expect(other.getByTestId('module-target')).toHaveCount(2);
  await runJob(other, 'completed');
  await expect(logLines(other, 'stdout')).toHaveText(['17']);
});
