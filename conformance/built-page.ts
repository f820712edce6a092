import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM } from '../e2e/chromium.js';
import { ISOLATION_HEADERS } from '../vite.config.js';

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

export interface BuiltPageOptions {
  /** The build to serve: dist-app (`vite build`, default) or dist-bench (`vite build --mode bench`). */
  build?: 'dist-app' | 'dist-bench';
  /** Files served beside the build, by path (e.g. "bench-files/x.wasm"); undefined: from the build. */
  extraFile?: (path: string) => Uint8Array | undefined;
}

/**
 * Serves a build of the app on a loopback port, cross-origin isolated as `npm start` serves it,
 * and opens one of its pages (harness.html, bench/index.html) in Debian's Chromium with Playwright.
 */
export async function openBuiltPage(
  pagePath: string,
  { build = 'dist-app', extraFile }: BuiltPageOptions = {},
): Promise<{ page: Page; browser: Browser; close(): Promise<void> }> {
  const built = fileURLToPath(new URL(`../${build}/`, import.meta.url));
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const body = extraFile?.(path) ?? (await readFile(join(built, path)));
      response
        .writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', ...ISOLATION_HEADERS })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch(CHROMIUM);
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${pagePath}`);
  return {
    page,
    browser,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
