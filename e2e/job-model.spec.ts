// The job is the page's model: the form and the YAML editor are two views of it that lose nothing,
// refuse to run what does not parse, and say what is wrong where it is wrong.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { chooseDemo, fixture, logLines, mountsPanel, newJob, openApp, runJob } from './helpers.js';

const dataUrl = (file: string) => `data:application/wasm;base64,${readFileSync(fixture(file)).toString('base64')}`;

/** Drops files on the modules zone as a person dragging them from their desktop would. */
async function dropModules(page: Page, files: { name: string; path: string }[]): Promise<void> {
  const payload = files.map(({ name, path }) => ({ name, bytes: [...readFileSync(path)] }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const { name, bytes } of items) {
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/wasm' }));
    }
    return transfer;
  }, payload);
  await page.getByText('Drop .wasm files here').dispatchEvent('drop', { dataTransfer });
}

test('invalid YAML in the editor refuses Run with the parse error, instead of running the previous job', async ({
  page,
}) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  const yaml = page.getByTestId('job-yaml');
  await yaml.fill((await yaml.inputValue()).replace('Tasks:', 'Tasks: ['));
  await expect(page.getByTestId('yaml-error')).toContainText('malformed YAML');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('failed');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'SpecError');
  await expect(page.getByTestId('error')).toContainText('malformed YAML');
  await expect(logLines(page, 'stdout')).toHaveCount(0);
  // The text stays as typed, error and all, until it is fixed.
  await expect(yaml).toHaveValue(/^Tasks: \[$/m);
  await expect(page.getByTestId('yaml-error')).toBeVisible();
});

/** What `brine run` prints on stdout for a job given on standard input (it must exit 0). */
function cliStdout(yaml: string): string[] {
  const cli = spawnSync(process.execPath, ['bin/brine.js', 'run', '-'], { input: yaml, encoding: 'utf8' });
  expect(cli.status, cli.stderr).toBe(0);
  return cli.stdout.replace(/\n$/, '').split('\n');
}

/** Pastes a job into the YAML editor of an empty page and runs it; it must print `expected` and exit 0. */
async function pasteAndRun(page: Page, yaml: string, expected: string[]): Promise<void> {
  await page.getByTestId('job-yaml').fill(yaml);
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('0');
  await expect(logLines(page, 'stdout')).toHaveText(expected);
}

test('a pasted job keeps its Brine extensions and Bacalhau fields, and runs as it does with the CLI', async ({
  page,
}) => {
  const envJob = [
    'Name: env-check',
    'Namespace: research',
    'Type: batch',
    'Priority: 3',
    'Labels: {team: wasm}',
    'Meta: {owner: ana}',
    'Constraints:',
    '  - {Key: arch, Operator: "=", Values: [wasm32]}',
    'Tasks:',
    '  - Name: main',
    '    Engine:',
    '      Type: wasm',
    '      Params:',
    '        EntryModule: /app/env.wasm',
    '        Entrypoint: _start',
    '        Brine:',
    '          SystemEnv: false',
    '          Env: {greeting: hello from Brine.Env}',
    '    Env: {TASK_VAR: from Task.Env}',
    '    Meta: {step: one}',
    '    Resources: {CPU: 500m, Memory: 64MiB, Disk: 1Gb}',
    '    Timeouts: {ExecutionTimeout: 30, QueueTimeout: 60}',
    '    Network: {Type: None}',
    '    InputSources:',
    '      - Target: /app/env.wasm',
    `        Source: {Type: inline, Params: {URL: "${dataUrl('c/env.wasm')}"}}`,
    '',
  ].join('\n');
  const envOutput = cliStdout(envJob);
  expect(envOutput).toEqual(['TASK_VAR=from Task.Env', 'greeting=hello from Brine.Env']);
  await openApp(page);
  await newJob(page);
  await pasteAndRun(page, envJob, envOutput);
  // Leaving the editor shows the job's own YAML: every field is still there.
  const editor = page.getByTestId('job-yaml');
  await page.getByTestId('args-input').focus();
  for (const field of [
    /^Namespace: research$/m,
    /^Priority: 3$/m,
    /^Labels:\n {2}team: wasm$/m,
    /^ {2}- Key: arch$/m,
    /^ {8}Brine:\n {10}Env:\n {12}greeting: hello from Brine.Env\n {10}SystemEnv: false$/m,
    /^ {4}Meta:\n {6}step: one$/m,
    /CPU: 500m\n\s+Memory: 64MiB\n\s+Disk: 1Gb/,
    /QueueTimeout: 60/,
  ]) {
    await expect(editor).toHaveValue(field);
  }
  // An edit in the form keeps them too.
  await page.getByTestId('timeout-input').fill('20');
  await expect(editor).toHaveValue(/SystemEnv: false/);
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(envOutput);

  // Arguments as written, an empty last one included, and Brine's argv[0].
  const argsJob = [
    'Tasks:',
    '  - Engine:',
    '      Type: wasm',
    '      Params:',
    '        EntryModule: args.wasm',
    '        Parameters: [first, ""]',
    '        Brine: {Argv0: prog}',
    '    InputSources:',
    `      - {Target: args.wasm, Source: {Type: inline, Params: {URL: "${dataUrl('c/args.wasm')}"}}}`,
    '',
  ].join('\n');
  const argsOutput = cliStdout(argsJob);
  expect(argsOutput).toEqual(['argc=3', 'argv[0]=prog', 'argv[1]=first', 'argv[2]=']);
  await newJob(page);
  await pasteAndRun(page, argsJob, argsOutput);
  // The form shows the empty argument (a last empty line), and writing it back changes nothing.
  const args = page.getByTestId('args-input');
  await page.getByTestId('env-input').focus();
  await expect(args).toHaveValue('first\n\n');
  await args.fill('first\n\n');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(argsOutput);
});

test("a main.wasm dropped on the default demo replaces the demo's module", async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('demo-select')).toHaveValue('csv');
  await dropModules(page, [{ name: 'main.wasm', path: fixture('c/hello.wasm') }]);
  await expect(page.getByTestId('module-target')).toHaveCount(1);
  await expect(page.getByTestId('module-target')).toHaveValue('main.wasm');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
  await expect(page.getByTestId('notice')).toContainText('Replaced the module at main.wasm');
  // The demo's input and output stay, for the new module to use.
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs');
});

test('reloading the page mid-run keeps the job and its files (not the run)', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/spin.wasm'));
  const big = Buffer.alloc(1536 * 1024, 'x');
  await page.getByTestId('mount-input').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: big });
  await page.getByTestId('args-input').fill('kept argument');
  await page.getByTestId('env-input').fill('KEPT=yes');
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await page.reload();
  await expect(page.getByTestId('module-target')).toHaveValue('main.wasm');
  await expect(page.getByTestId('args-input')).toHaveValue('kept argument');
  await expect(page.getByTestId('env-input')).toHaveValue('KEPT=yes');
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs/big.txt');
  await expect(mountsPanel(page).getByText('1.5 MiB', { exact: true })).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText('idle');
  // The module's bytes came back too: it runs again.
  await page.getByTestId('run').click();
  await expect(logLines(page, 'stdout')).toHaveText(['spinning']);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('cancelled');
});

/** How many files the app has saved in IndexedDB, over all tabs. */
const savedFileCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('brine');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('files').objectStore('files').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );

test('a duplicated tab keeps its own saved files: changing its job does not take them from the first tab', async ({
  page,
  context,
}) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/cat.wasm'));
  await page
    .getByTestId('mount-input')
    .setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs/a.txt');
  await expect.poll(() => savedFileCount(page)).toBe(2); // the module and a.txt
  // A duplicated tab starts with a copy of the first tab's sessionStorage.
  const storage = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
  const duplicate = await context.newPage();
  await duplicate.addInitScript((entries) => {
    if (sessionStorage.length === 0) for (const [key, value] of JSON.parse(entries)) sessionStorage.setItem(key, value);
  }, storage);
  await duplicate.goto('/');
  await expect(duplicate.getByTestId('mount-target')).toHaveValue('/inputs/a.txt');
  await duplicate.getByRole('button', { name: 'Remove a.txt' }).click();
  await expect(duplicate.getByTestId('mount-target')).toHaveCount(0);
  // The duplicate saves its module under an id of its own; the first tab's two files stay.
  await expect.poll(() => savedFileCount(duplicate)).toBe(3);
  await page.reload();
  await expect(page.getByTestId('mount-target')).toHaveValue('/inputs/a.txt');
});

test('a typo in a YAML key is warned about with the closest key, and the text is kept until fixed', async ({
  page,
}) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  const yaml = page.getByTestId('job-yaml');
  await yaml.fill((await yaml.inputValue()).replace('Entrypoint: _start', 'Entrypont: _start'));
  const warning = page.getByTestId('yaml-warning');
  await expect(warning).toContainText('unknown key "Entrypont" in Tasks[0].Engine.Params: did you mean "Entrypoint"?');
  // Leaving the editor keeps the line as typed, and the warning beside it.
  await page.getByTestId('args-input').focus();
  await expect(yaml).toHaveValue(/^\s+Entrypont: _start$/m);
  await expect(warning).toHaveCount(1);
  // Fixing the key clears the warning; leaving the editor then shows the job's YAML.
  await yaml.fill((await yaml.inputValue()).replace('Entrypont:', 'Entrypoint:'));
  await expect(warning).toHaveCount(0);
  await page.getByTestId('args-input').focus();
  await expect(yaml).toHaveValue(/^\s+Entrypoint: _start$/m);
  // Or the person accepts that the key is dropped.
  await yaml.fill((await yaml.inputValue()).replace('Network:', 'Netwrk:'));
  await expect(warning).toContainText('did you mean "Network"?');
  await page.getByRole('button', { name: 'Drop unknown keys' }).click();
  await expect(warning).toHaveCount(0);
  await expect(yaml).not.toHaveValue(/Netwrk/);
});

test('a field that does not parse keeps its text, shows its error and hint under it, and Run is refused', async ({
  page,
}) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/hello.wasm'));
  const env = page.getByTestId('env-input');
  await env.fill('GREETING');
  await expect(env).toHaveAttribute('aria-invalid', 'true');
  const problem = page.getByTestId('field-problem');
  await expect(problem).toContainText('environment line 1 "GREETING" must be NAME=value');
  await expect(problem).toContainText('Hint: Write one variable per line');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('failed');
  await expect(page.getByTestId('error')).toContainText('must be NAME=value');
  await expect(page.getByTestId('error')).toContainText('Tasks[0].Env');
  await expect(env).toHaveValue('GREETING');
  await env.fill('GREETING=hi');
  await expect(problem).toHaveCount(0);
  await runJob(page, 'completed');
});

test('admission errors show the hint for their cause and name their field, before and after Run', async ({ page }) => {
  await openApp(page);
  await newJob(page);
  await page.getByTestId('module-input').setInputFiles(fixture('c/hello.wasm'));
  // A lower-case Task.Env name: Bacalhau's naming rule, whose hint points at Brine.Env.
  const env = page.getByTestId('env-input');
  await env.fill('greeting=hi');
  await runJob(page, 'failed');
  const error = page.getByTestId('error');
  await expect(error).toHaveAttribute('data-code', 'SpecError');
  await expect(error).toContainText('Hint: Task.Env names are upper case');
  await expect(error).toContainText('Tasks[0].Env.greeting');
  // Shown under the field before running, too.
  await expect(env).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('field-problem')).toContainText("environment variable 'greeting' must be uppercase");
  await expect(page.getByTestId('field-problem')).toContainText('Brine.Env takes any name');
  await env.fill('GREETING=hi');
  // Two inputs that overlap: an InputConfigError whose hint is about mounts, not targets in general.
  await page.getByTestId('mount-input').setInputFiles(fixture('data/horses.csv'));
  await page.getByLabel('Add a folder').setInputFiles(fixture('data'));
  await page.getByTestId('mount-target').first().fill('/data/horses.csv');
  await expect(page.getByTestId('mount-target').last()).toHaveAttribute('aria-invalid', 'true');
  await runJob(page, 'failed');
  await expect(error).toHaveAttribute('data-code', 'InputConfigError');
  await expect(error).toContainText('Tasks[0].InputSources[2].Target');
  await expect(error).toContainText('Hint: Mounts cannot sit inside one another');
});

test('admission warnings show beside the job without blocking Run', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  const yaml = page.getByTestId('job-yaml');
  await yaml.fill((await yaml.inputValue()).replace(/^\s+Entrypoint: _start\n/m, ''));
  await expect(page.getByTestId('job-warning')).toContainText(
    "Entrypoint is not set: Brine calls _start; Bacalhau's executor has no default",
  );
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout')).toHaveText(['Hello, world!']);
});
