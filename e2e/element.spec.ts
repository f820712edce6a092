// <brine-job> (dist/browser/element.js, built by e2e/server.ts) on plain pages served WITHOUT
// COOP/COEP, as most sites are: its runs, its errors, two on one page, themes, another origin.
import { expect, type Page, test } from '@playwright/test';
import type { BrineJobElement } from '../src/element/brine-job.js';
import { type StaticServer, serveStatic } from '../src/package/static-server.js';

let site: StaticServer;
/** A second origin serving only the element's files, as a CDN would (with CORS). */
let cdn: StaticServer;

test.beforeAll(async () => {
  site = await serveStatic({ dirs: { '/brine/': 'dist/browser', '/demos/': 'public/demos' }, pages: { '/': '' } });
  cdn = await serveStatic({ dirs: { '/': 'dist/browser' }, headers: { 'Access-Control-Allow-Origin': '*' } });
});

test.afterAll(async () => {
  await site.close();
  await cdn.close();
});

interface Recorded {
  id: string;
  state: string;
  exitCode?: number;
  code?: string;
  message?: string;
}

declare global {
  interface Window {
    results: Recorded[];
    logText: Record<string, string>;
  }
}

/** Records every brine-result and brine-log event of the page in window.results and window.logText. */
function recordEvents(): void {
  window.results = [];
  window.logText = {};
  document.addEventListener('brine-result', ({ target, detail }) =>
    window.results.push({
      id: (target as HTMLElement).id,
      state: detail.state,
      ...(detail.result === null ? {} : { exitCode: detail.result.exitCode }),
      ...(detail.error === null ? {} : { code: detail.error.code, message: detail.error.message }),
    }),
  );
  document.addEventListener('brine-log', ({ target, detail }) => {
    const { id } = target as HTMLElement;
    window.logText[id] = (window.logText[id] ?? '') + detail.text;
  });
}

/** Opens `body` on the site with the element loaded from `elementUrl` and its events recorded; returns the page's errors. */
async function open(page: Page, body: string, elementUrl = `${site.url}/brine/element.js`): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${site.url}/`);
  await page.setContent(
    `<script>(${recordEvents})()</script><script type="module" src="${elementUrl}"></script>${body}`,
  );
  return pageErrors;
}

const results = (page: Page) => page.evaluate(() => window.results);

test('a src job runs on a page without cross-origin isolation: live log, result, state and events', async ({
  page,
}) => {
  const pageErrors = await open(page, '<brine-job id="hello" src="/demos/hello/job.yaml"></brine-job>');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const job = page.locator('#hello');
  await expect(job).toHaveAttribute('state', 'idle');
  await expect(job.getByText('Not run yet.')).toBeVisible();
  await job.getByRole('button', { name: 'Run' }).click();
  await expect(job).toHaveAttribute('state', 'completed');
  await expect(job.getByRole('log')).toHaveText('Hello, world!\n');
  await expect(job.locator('[part="result"]')).toContainText('exit code 0');
  await expect(job.locator('[part="result"]')).toContainText('memory: peak');
  await expect(job.locator('[part="on-bacalhau"]')).toContainText(
    'On Bacalhau: exit code -1: the entrypoint returned without calling proc_exit',
  );
  await expect(job.locator('[part="title"]')).toHaveText('hello-world');
  expect(await results(page)).toEqual([{ id: 'hello', state: 'completed', exitCode: 0 }]);
  expect(await page.evaluate(() => window.logText)).toEqual({ hello: 'Hello, world!\n' });
  expect(await job.evaluate((element) => (element as BrineJobElement).result?.stdout)).toBe('Hello, world!\n');
  expect(pageErrors).toEqual([]);
});

test('autorun with a directory source from the files attribute, its outputs, and the import graph', async ({
  page,
}) => {
  await open(
    page,
    `<brine-job id="csv" autorun src="/demos/csv/job.yaml" files="inputs/horses.csv"></brine-job>
     <brine-job id="dynamic" autorun graph src="/demos/dynamic/job.yaml"></brine-job>`,
  );
  const csv = page.locator('#csv');
  await expect(csv).toHaveAttribute('state', 'completed');
  const output = csv.locator('[part="outputs"]').getByRole('link', { name: 'outputs/parents-children.csv' });
  await expect(output).toHaveAttribute('download', 'parents-children.csv');
  const dynamic = page.locator('#dynamic');
  await expect(dynamic).toHaveAttribute('state', 'completed');
  await expect(dynamic.getByRole('log')).toHaveText('17\n');
  const graph = dynamic.locator('[part="graph"]');
  await expect(graph.locator('[data-module]')).toHaveCount(3);
  for (const module of ['main.wasm', 'input.wasm', 'wasi_snapshot_preview1']) {
    await expect(graph.locator(`[data-module="${module}"]`)).toHaveClass(/ready/);
  }
  await expect(csv.locator('[part="graph"]')).toBeEmpty(); // no graph attribute
});

test('an inline job in the compatibility mode, and the memory note', async ({ page }) => {
  const hello = await page.request.get(`${site.url}/demos/hello/job.yaml`);
  await open(
    page,
    `<brine-job id="inline" compat autorun>
       <script type="application/yaml">${(await hello.text()).replace('SourcePath: hello.wasm', 'SourcePath: demos/hello/hello.wasm')}</script>
     </brine-job>
     <brine-job id="memory" autorun src="/demos/memory/job.yaml"></brine-job>`,
  );
  const inline = page.locator('#inline');
  await expect(inline).toHaveAttribute('state', 'completed');
  await expect(inline.locator('[part="result"]')).toContainText('exit code -1');
  await expect(inline.locator('[part="result"]')).toContainText('Bacalhau compatibility mode');
  await expect(inline.locator('[part="on-bacalhau"]')).toBeEmpty();
  const memory = page.locator('#memory');
  await expect(memory).toHaveAttribute('state', 'completed');
  await expect(memory.locator('[part="result"]')).toContainText('exit code 3');
  await expect(memory.locator('[part="result"]')).toContainText(
    /memory\.grow from \d+ to \d+ pages was refused.*: the limit is 256 pages \(16 MiB\)/,
  );
});

test('a job and files a page script set before the element was defined are kept', async ({ page }) => {
  const hello = await (await page.request.get(`${site.url}/demos/hello/job.yaml`)).text();
  await open(
    page,
    `<brine-job id="job" autorun></brine-job>
     <brine-job id="files" autorun src="/demos/hello/job.yaml"></brine-job>
     <script>
       document.getElementById('job').job = ${JSON.stringify(hello.replace('hello.wasm', '/demos/hello/hello.wasm'))};
       document.getElementById('files').files = { 'hello.wasm': 'not WebAssembly' };
     </script>`,
  );
  await expect(page.locator('#job')).toHaveAttribute('state', 'completed');
  await expect(page.locator('#job').getByRole('log')).toHaveText('Hello, world!\n');
  // The files win over fetching: this hello.wasm is the text given.
  await expect(page.locator('#files')).toHaveAttribute('state', 'failed');
  await expect(page.locator('#files [part="error"]')).toContainText('ModuleCompileError');
});

test('two elements on one page run independently: one cancelled, the other completes', async ({ page }) => {
  await open(
    page,
    `<brine-job id="spin" autorun src="/demos/spin/job.yaml"></brine-job>
     <brine-job id="hello" src="/demos/hello/job.yaml"></brine-job>`,
  );
  const spin = page.locator('#spin');
  await expect(spin.getByRole('log')).toHaveText('spinning\n');
  await expect(spin).toHaveAttribute('state', 'running');
  const hello = page.locator('#hello');
  await hello.getByRole('button', { name: 'Run' }).click();
  await expect(hello).toHaveAttribute('state', 'completed');
  await expect(spin).toHaveAttribute('state', 'running');
  await spin.getByRole('button', { name: 'Cancel' }).click();
  await expect(spin).toHaveAttribute('state', 'cancelled');
  await expect(spin.locator('[part="error"]')).toContainText('ExecutionCancelled: execution cancelled');
  await expect(spin.getByRole('log')).toHaveText('spinning\n');
  expect(await results(page)).toEqual([
    { id: 'hello', state: 'completed', exitCode: 0 },
    { id: 'spin', state: 'cancelled', exitCode: -1, code: 'ExecutionCancelled', message: 'execution cancelled' },
  ]);
});

test('bad input is a clear error in the element and its brine-result event, never on the host page', async ({
  page,
}) => {
  const sourceMissing = `Tasks:
  - Engine: {Type: wasm, Params: {EntryModule: main.wasm}}
    InputSources: [{Target: main.wasm, Source: {Type: localDirectory, Params: {SourcePath: missing.wasm}}}]`;
  const pageErrors = await open(
    page,
    `<brine-job id="no-src" autorun src="/demos/nothing/job.yaml"></brine-job>
     <brine-job id="bad-yaml" autorun>Tasks: [unclosed</brine-job>
     <brine-job id="no-source" autorun>${sourceMissing}</brine-job>
     <brine-job id="directory" autorun src="/demos/csv/job.yaml"></brine-job>
     <brine-job id="empty" autorun></brine-job>
     <brine-job id="bad-compat" compat="docker" autorun src="/demos/hello/job.yaml"></brine-job>`,
  );
  const expected: Record<string, [string, RegExp]> = {
    'no-src': ['SpecError', /could not load the job from "\/demos\/nothing\/job.yaml": 404 Not Found/],
    'bad-yaml': ['SpecError', /malformed YAML/],
    'no-source': ['InputConfigError', /input source "missing.wasm" could not be fetched from .*: 404 Not Found/],
    directory: ['InputConfigError', /input source "inputs" could not be fetched from .*: it is a directory/],
    empty: ['SpecError', /the element has no job/],
    'bad-compat': ['SpecError', /compat="docker" is not a compatibility mode/],
  };
  for (const [id, [code, message]] of Object.entries(expected)) {
    const element = page.locator(`#${id}`);
    await expect(element).toHaveAttribute('state', 'failed');
    await expect(element.locator('[part="error"]')).toContainText(code);
    await expect(element.locator('[part="error"]')).toContainText(message);
    await expect(element.getByRole('log')).toHaveText('The job did not start.');
  }
  const recorded = await results(page);
  expect(recorded.map(({ id, code }) => [id, code]).sort()).toEqual(
    Object.entries(expected)
      .map(([id, [code]]) => [id, code])
      .sort(),
  );
  expect(pageErrors).toEqual([]);
});

test('a worker that cannot be loaded fails the run with a clear error', async ({ page }) => {
  await page.route('**/execution.worker.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const pageErrors = await open(page, '<brine-job id="hello" autorun src="/demos/hello/job.yaml"></brine-job>');
  const job = page.locator('#hello');
  await expect(job).toHaveAttribute('state', 'failed');
  await expect(job.locator('[part="error"]')).toContainText('WorkerCrashed');
  await expect(job.locator('[part="error"]')).toContainText("the worker's script could not be loaded");
  await expect(job.locator('[part="error"]')).toContainText('execution.worker.js');
  expect(pageErrors).toEqual([]);
});

test('the element served from another origin (a CDN) starts its worker there', async ({ page }) => {
  const pageErrors = await open(
    page,
    '<brine-job id="hello" autorun src="/demos/hello/job.yaml"></brine-job>',
    `${cdn.url}/element.js`,
  );
  const job = page.locator('#hello');
  await expect(job).toHaveAttribute('state', 'completed');
  await expect(job.getByRole('log')).toHaveText('Hello, world!\n');
  expect(pageErrors).toEqual([]);
});

test('without a theme the element takes the page colours; light and dark themes set their own', async ({ page }) => {
  await open(
    page,
    `<style>body { background: #101010; color: rgb(230, 230, 230); }</style>
     <brine-job id="page" src="/demos/hello/job.yaml"></brine-job>
     <brine-job id="light" theme="light" src="/demos/hello/job.yaml"></brine-job>
     <brine-job id="dark" theme="dark" src="/demos/hello/job.yaml"></brine-job>`,
  );
  const colours = (id: string) =>
    page.locator(`#${id}`).evaluate((element) => {
      const style = getComputedStyle(element.shadowRoot!.querySelector('[part="log"]')!);
      return { color: style.color, background: getComputedStyle(element).backgroundColor };
    });
  await expect(page.locator('#page [part="log"]')).toBeVisible();
  expect(await colours('page')).toEqual({ color: 'rgb(230, 230, 230)', background: 'rgba(0, 0, 0, 0)' });
  expect(await colours('light')).toEqual({ color: 'rgb(31, 35, 40)', background: 'rgb(255, 255, 255)' });
  expect(await colours('dark')).toEqual({ color: 'rgb(230, 237, 243)', background: 'rgb(13, 17, 23)' });
});
