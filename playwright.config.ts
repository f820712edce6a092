import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './e2e/chromium.js';

// 4173 is Vite's preview port; BRINE_E2E_PORT moves the tests elsewhere (runs at the same time
// need ports of their own).
const port = Number(process.env.BRINE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  // The server refuses a port in use and builds into a folder of its port's (see e2e/server.ts).
  // Neither `port` nor `url` here: Playwright would check the port itself, first, and offer to reuse
  // whatever answers; readiness is the server's own line instead.
  webServer: {
    command: `npx tsx e2e/server.ts ${port}`,
    wait: { stdout: /^Serving .* on http:/m },
    timeout: 120_000,
  },
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    launchOptions: CHROMIUM,
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: 'stream.spec.ts' },
    // The million-line measurement runs alone, after the rest, so other tests do not skew it.
    {
      name: 'chromium-stream',
      use: { browserName: 'chromium' },
      testMatch: 'stream.spec.ts',
      dependencies: ['chromium'],
    },
  ],
});
