import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { Files } from './files.js';
import type { BrineSample, BrineSpec, Host, ShimSample, WorkerSpec } from './runner.js';

type Page = { benchBrowser: Omit<Host, 'name'> };

const built = fileURLToPath(new URL('../dist-app/', import.meta.url));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
/** Cross-origin isolation gives the page 5 µs timers instead of 100 µs ones. */
const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * The bench page (dist-app/bench.html, built by `vite build`) in Debian's Chromium, driven with
 * Playwright as conformance/chromium.ts does. Modules come from `files` at /bench-files/<name>.
 */
export async function chromiumHost(files: Files): Promise<Host & { version: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const body = path.startsWith('bench-files/') ? files.get(path.slice('bench-files/'.length)) : await readFile(join(built, path));
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', ...isolated }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`bench page: ${error.message}`));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bench.html`);
  await page.waitForFunction(() => 'benchBrowser' in globalThis);
  const call = <T>(method: Exclude<keyof Host, 'name' | 'close'>, arg: BrineSpec | WorkerSpec | string) =>
    page.evaluate(
      ({ method, arg }) => {
        const api = (globalThis as unknown as Page).benchBrowser;
        return (api[method] as (arg: unknown) => Promise<unknown>).call(api, arg);
      },
      { method, arg },
    ) as Promise<T>;
  return {
    name: 'chromium',
    version: browser.version(),
    brine: (spec) => call<BrineSample>('brine', spec),
    shim: (spec) => call<ShimSample>('shim', spec),
    worker: (spec) => call<ShimSample>('worker', spec),
    dispose: (key) => call<void>('dispose', key),
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
