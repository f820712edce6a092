import { defineConfig } from '@playwright/test';

// 4173 is Vite's preview port; BRINE_E2E_PORT moves the tests elsewhere when it is taken.
const port = Number(process.env.BRINE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  webServer: {
    command: `npx vite build && npx vite preview --port ${port} --strictPort`,
    port,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
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
