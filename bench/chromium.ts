import { openBuiltPage } from '../conformance/built-page.js';
import type { Files } from './files.js';
import type { BrineSample, BrineSpec, FetchSpec, Host, ShimSample, WorkerSpec } from './runner.js';

type Page = { benchBrowser: Omit<Host, 'name'> };

/**
 * The bench page (dist-bench/bench/index.html, built by `vite build --mode bench`) in Debian's Chromium, driven with
 * Playwright as conformance/chromium.ts does. Modules come from `files` at /bench-files/<name>.
 */
export async function chromiumHost(files: Files): Promise<Host & { version: string }> {
  const { page, browser, close } = await openBuiltPage('bench/index.html', {
    build: 'dist-bench',
    extraFile: (path) => (path.startsWith('bench-files/') ? files.get(path.slice('bench-files/'.length)) : undefined),
  });
  page.on('pageerror', (error) => console.error(`bench page: ${error.message}`));
  await page.waitForFunction(() => 'benchBrowser' in globalThis);
  const call = <T>(method: Exclude<keyof Host, 'name' | 'close'>, arg: BrineSpec | WorkerSpec | FetchSpec | string) =>
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
    fetchLoop: (spec) => call<{ ms: number }>('fetchLoop', spec),
    dispose: (key) => call<void>('dispose', key),
    close,
  };
}
