import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { jobToJson } from '../src/spec/json.js';
import { judge, type Verdict } from './run.js';
import type { SuiteTest } from './suite.js';

type Harness = { brine: { run(job: unknown): Promise<Parameters<typeof judge>[1]> } };

const built = fileURLToPath(new URL('../dist-app/', import.meta.url));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/** Runs the tests on the browser executor (dist-app/harness.html, built by `vite build`) in Debian's Chromium. */
export async function runInChromium(tests: SuiteTest[]): Promise<Verdict[]> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const body = await readFile(join(built, path));
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/harness.html`);
    await page.waitForSelector('body[data-ready="true"]');
    return await Promise.all(
      tests.map(async (test) => judge(test, await page.evaluate((job) => (globalThis as unknown as Harness).brine.run(job), jobToJson(test.job)))),
    );
  } finally {
    await browser.close();
    server.close();
  }
}
