import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { ExecutionResult } from '../src/executor/types.js';
import { streamText } from '../src/logs/types.js';
import { type FileTree, file, listFiles } from '../src/mounts/tree.js';
import { type InputSource, type Job, newJob as jobOf } from '../src/spec/types.js';

/** A committed fixture, e.g. fixture('c/hello.wasm') (tests run from the repository root). */
export const fixture = (file: string): string => path.resolve('fixtures', file);

/** An in-memory input, e.g. memoryInput('/', directory({...}), true). */
export const memoryInput = (target: string, tree: FileTree, readWrite = false): InputSource => ({
  target,
  source: { type: 'memory', tree, readWrite },
});

/** A job running the fixture `module` mounted at main.wasm, with `fields` (its inputs after the module). */
export function fixtureJob(module: string, { inputs = [], ...fields }: Partial<Job> = {}): Job {
  return jobOf('main.wasm', {
    entrypoint: '_start',
    network: { type: 'None', domains: [] },
    ...fields,
    inputs: [memoryInput('main.wasm', file(new Uint8Array(readFileSync(fixture(module))))), ...inputs],
  });
}

/** The whole stdout of a run (its `stdout` is Bacalhau's summary: the first write in the compatibility mode). */
export const fullStdout = (result: ExecutionResult): string => streamText(result.logs, 'stdout');

/** Each returned mount's name and the paths of its files. */
export const outputFiles = (result: ExecutionResult) =>
  result.outputs.map((output) => ({ name: output.name, files: listFiles(output.tree).map((f) => f.path) }));

/** The job Name of each demo, to tell when its YAML has loaded. */
const DEMO_NAMES: Record<string, string> = {
  hello: 'hello-world',
  csv: 'wasm-csv-example',
  dynamic: 'wasm-dynamic-link',
  memory: 'wasm-memory-limit',
  bigalloc: 'wasm-big-allocation',
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

/** The Input mounts panel (the filesystem panel shows the same sizes and names elsewhere on the page). */
export const mountsPanel = (page: Page) => page.getByRole('region', { name: 'Input mounts' });

export const graphNode = (page: Page, module: string) =>
  page.locator(`[data-testid="graph-node"][data-module="${module}"]`);

declare global {
  interface Window {
    longTasks: number[];
    graphNodesHiddenAgain: string[];
  }
}

/**
 * Records in `window.graphNodesHiddenAgain` every import graph node that is hidden after it was
 * shown (React Flow hides a node it has not measured: a node that loses its measurement blinks, or
 * stays hidden if it is never measured again).
 */
export async function watchGraphNodes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.graphNodesHiddenAgain = [];
    const shown = new WeakSet<Element>();
    const note = (node: HTMLElement, style: string | null) => {
      if (style === null) return;
      if (!/visibility:\s*hidden/.test(style)) shown.add(node);
      else if (shown.has(node)) window.graphNodesHiddenAgain.push(node.dataset.id ?? '?');
    };
    new MutationObserver((records) => {
      // Each record holds the style before its change: the styles a node went through, in order.
      for (const { target, oldValue } of records) {
        if (target instanceof HTMLElement && target.classList.contains('react-flow__node')) note(target, oldValue);
      }
      for (const node of new Set(records.map((record) => record.target))) {
        if (node instanceof HTMLElement && node.classList.contains('react-flow__node')) {
          note(node, node.getAttribute('style'));
        }
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['style'], attributeOldValue: true });
  });
}

/** Why graph nodes cannot be seen: hidden (not measured), of no size, or not inside the graph's box. */
function graphNodeProblems(page: Page): Promise<string[]> {
  return page.getByTestId('import-graph').evaluate((graph) => {
    const box = graph.getBoundingClientRect();
    return [...graph.querySelectorAll<HTMLElement>('.react-flow__node')].flatMap((node) => {
      const { left, right, top, bottom, width, height } = node.getBoundingClientRect();
      if (getComputedStyle(node).visibility === 'hidden') return [`${node.dataset.id} is hidden`];
      if (width === 0 || height === 0) return [`${node.dataset.id} has no size`];
      const inside = left >= box.left && right <= box.right && top >= box.top && bottom <= box.bottom;
      return inside ? [] : [`${node.dataset.id} is outside the graph's box`];
    });
  });
}

/** The graph shows exactly these modules, each visible inside the graph's box. */
export async function expectGraphShown(page: Page, modules: string[]): Promise<void> {
  await expect(page.getByTestId('graph-node')).toHaveCount(modules.length);
  for (const module of modules) await expect(graphNode(page, module)).toBeAttached();
  await expect.poll(() => graphNodeProblems(page)).toEqual([]);
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
