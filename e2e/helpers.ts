import path from 'node:path';
import { expect, type Page } from '@playwright/test';

/** A committed fixture, e.g. fixture('c/hello.wasm') (tests run from the repository root). */
export const fixture = (file: string): string => path.resolve('fixtures', file);

/** The job Name of each demo, to tell when its YAML has loaded. */
const DEMO_NAMES: Record<string, string> = {
  hello: 'hello-world',
  csv: 'wasm-csv-example',
  dynamic: 'wasm-dynamic-link',
  memory: 'wasm-memory-limit',
  spin: 'wasm-spin',
  colors: 'wasm-log-colours',
  lines: 'wasm-noisy-logger',
  http: 'wasm-http-fetch',
};

/** Opens the app and waits for its job (the default demo, or the job in the link) to load. */
export async function openApp(page: Page, url = '/'): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('module-target').first()).toBeVisible();
}

export async function chooseDemo(page: Page, id: string): Promise<void> {
  await page.getByTestId('demo-select').selectOption(id);
  await expect(page.getByTestId('job-yaml')).toHaveValue(new RegExp(`^Name: ${DEMO_NAMES[id]}$`, 'm'));
}

/** Empties the form, as a person starting their own job would. */
export async function newJob(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New job' }).click();
  await expect(page.getByTestId('module-target')).toHaveCount(0);
}

/** Clicks Run and waits for the job to end in `state`. */
export async function runJob(
  page: Page,
  state: 'completed' | 'failed' | 'cancelled' | 'timedOut',
  timeout = 30_000,
): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText(state, { timeout });
}

/** The log line elements of one stream. */
export const logLines = (page: Page, stream: 'stdout' | 'stderr') =>
  page.getByTestId('log-pane').locator(`[data-stream="${stream}"]`);

export const graphNode = (page: Page, module: string) =>
  page.locator(`[data-testid="graph-node"][data-module="${module}"]`);

declare global {
  interface Window {
    longTasks: number[];
  }
}

/** Records every long task of the page from its start in `window.longTasks` (durations in ms). */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}
