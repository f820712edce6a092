// bench/index.html: the Chromium side of the benchmarks. Exposes globalThis.benchBrowser (a Runner on
// Web Workers), driven by bench/chromium.ts.
import { createBrowserWorker } from '../src/host/browser.js';
import { Runner, type ShimWorker } from './runner.js';
import type { ShimResult } from './shim.mjs';

const loaded = new Map<string, Promise<Uint8Array>>();

function load(name: string): Promise<Uint8Array> {
  let bytes = loaded.get(name);
  if (bytes === undefined) {
    bytes = fetch(`/bench-files/${name}`).then(async (response) => {
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    loaded.set(name, bytes);
  }
  return bytes;
}

/** A Web Worker running the shim. */
function spawnShimWorker(): ShimWorker {
  const worker = new Worker(new URL('./shim-worker.browser.mjs', import.meta.url), { type: 'module' });
  return {
    run: (source, args) =>
      new Promise<ShimResult>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<ShimResult>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ source, args });
      }),
    terminate: async () => worker.terminate(),
  };
}

Object.assign(globalThis, { benchBrowser: new Runner('chromium', createBrowserWorker, load, spawnShimWorker) });
