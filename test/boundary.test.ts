// The worker boundary in the built app: the page's own code never contains the WASI shim or the
// worker-only modules (src/runtime, src/fs, src/wasi); they ship in the execution worker only.
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const WORKER_ONLY = /node_modules\/@bjorn3\/browser_wasi_shim\/|\/src\/(runtime|fs|wasi)\//;

describe('the built app', () => {
  it('keeps the WASI shim and worker-only code out of every page chunk, and in the worker', async () => {
    const output = (await build({
      root,
      logLevel: 'silent',
      build: { write: false, outDir: 'dist-boundary-test' },
    })) as Rolldown.RolldownOutput;
    const chunks = output.output.filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
    expect(chunks.map((chunk) => chunk.name)).toEqual(expect.arrayContaining(['main', 'harness']));
    for (const chunk of chunks) {
      expect({ chunk: chunk.fileName, workerOnly: chunk.moduleIds.filter((id) => WORKER_ONLY.test(id)) }).toEqual({
        chunk: chunk.fileName,
        workerOnly: [],
      });
    }
    const worker = output.output.find((item) => item.type === 'asset' && item.fileName.includes('execution.worker'));
    expect(worker, 'the execution worker is emitted').toBeDefined();
    // The shim's proc_exit exception, by its message: the worker carries the shim.
    expect(String((worker as Rolldown.OutputAsset).source)).toContain('exit with exit code');
  }, 60_000);
});
