import type { Benchmark } from './lib.js';

/**
 * P6: the UI streaming 1,000,000 log lines in Chromium, and a trace of 1,000,000 WASI calls. The
 * UI (app/) is measured by its end-to-end tests, e2e/stream.spec.ts: a PerformanceObserver for long
 * tasks, and the JS heap at the end (`npx playwright test e2e/stream.spec.ts` prints both).
 */
export const p6: Benchmark = {
  id: 'P6',
  run: async () => [
    {
      id: 'P6',
      measure:
        'UI streaming 1,000,000 log lines, and a trace of 1,000,000 calls, in Chromium: longest long task, JS heap at the end',
      brine: 'see e2e/stream.spec.ts',
      baseline: '',
      ratio: Number.NaN,
      target: null,
    },
  ],
};
