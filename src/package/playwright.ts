/**
 * `brine/playwright`: a Playwright fixture that runs jobs in the test's browser page.
 *
 *   import { expect, test } from 'brine/playwright';
 *   test('hello', async ({ brine }) => {
 *     const result = await brine.run(yaml, { files: { 'hello.wasm': readFileSync('hello.wasm') } });
 *     expect(result.stdout).toBe('Hello, world!\n');
 *   });
 *
 * Each Playwright worker serves the package's browser files (dist/browser) on 127.0.0.1, with a
 * blank cross-origin isolated page that `run` opens when the test has not navigated anywhere.
 */
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { BrineError, type SerializedError } from '../errors/index.js';
import type { JobInput } from '../executor/run-job.js';
import type { ExecutionResult } from '../executor/types.js';
import { fromJsonValue, toJsonValue } from '../spec/json.js';
import type { CompatMode } from '../spec/types.js';
import { type StaticServer, serveStatic } from './static-server.js';

export { expect };

export interface BrineRunOptions {
  /** Contents of the job's localDirectory sources, by SourcePath (Node Buffers are Uint8Arrays). */
  files?: Readonly<Record<string, Uint8Array | string>>;
  /** "bacalhau": run with Bacalhau's observable behaviour. */
  compat?: CompatMode;
}

export interface BrineFixture {
  /**
   * Runs a job (YAML, a Bacalhau job object or a Job) in the test's page with the package's
   * runJob, and resolves with its result; rejects with the BrineError of a job that cannot start.
   */
  run(job: JobInput, options?: BrineRunOptions): Promise<ExecutionResult>;
  /** Where the package's browser files are served for this test: brine.js, element.js, ... */
  readonly assetsUrl: string;
}

// Built: dist/src/package/playwright.js beside dist/browser; in this repository's own tests, the sources.
const ASSETS_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../dist/browser/' : '../../browser/', import.meta.url),
);
const ASSETS_PATH = '/brine/';
const BLANK_PAGE = '<!doctype html><html lang="en"><meta charset="utf-8"><title>Brine</title><body></body></html>';
/** Cross-origin isolated (as the app is), and loadable from the page under test, whatever its origin. */
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Access-Control-Allow-Origin': '*',
};

/** What the page's brine.js module offers the page function (typed here, run in the browser). */
interface PageModule {
  runJob(job: unknown, options: object): Promise<unknown>;
  fromJsonValue(json: unknown): unknown;
  toJsonValue(value: unknown): unknown;
  isBrineError(value: unknown): value is { toJSON(): SerializedError };
}

type PageOutcome = { result: unknown } | { error: SerializedError | { message: string } };

export const test = base.extend<{ brine: BrineFixture }, { brineServer: StaticServer }>({
  brineServer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixtures take their dependencies destructured
    async ({}, use) => {
      const server = await serveStatic({
        dirs: { [ASSETS_PATH]: ASSETS_DIR },
        pages: { '/': BLANK_PAGE },
        headers: HEADERS,
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  brine: async ({ page, brineServer }, use) => {
    const assetsUrl = `${brineServer.url}${ASSETS_PATH}`;
    await use({
      assetsUrl,
      async run(job, options = {}) {
        if (page.url() === 'about:blank') await page.goto(`${brineServer.url}/`);
        const outcome = await page.evaluate(
          async ({ moduleUrl, job, files, compat }): Promise<PageOutcome> => {
            const brine: PageModule = await import(moduleUrl);
            try {
              const options = { files: brine.fromJsonValue(files), compat };
              return { result: brine.toJsonValue(await brine.runJob(brine.fromJsonValue(job), options)) };
            } catch (error) {
              return { error: brine.isBrineError(error) ? error.toJSON() : { message: String(error) } };
            }
          },
          {
            moduleUrl: `${assetsUrl}brine.js`,
            job: toJsonValue(job),
            files: toJsonValue(options.files ?? {}),
            compat: options.compat,
          },
        );
        if ('result' in outcome) return fromJsonValue<ExecutionResult>(outcome.result);
        throw 'code' in outcome.error ? BrineError.from(outcome.error) : new Error(outcome.error.message);
      },
    });
  },
});
