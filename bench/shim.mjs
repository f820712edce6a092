// The bare baseline: @bjorn3/browser_wasi_shim 0.4.2 used directly, as its README shows. Plain
// JavaScript so the worker baselines can load it in a fresh worker without a TypeScript loader.
import { ConsoleStdout, File, OpenFile, WASI } from '@bjorn3/browser_wasi_shim';

/**
 * Instantiates `source` (a compiled module, or bytes to compile) with the shim and runs `_start`
 * on this thread. stdout and stderr are ConsoleStdouts counting bytes; with `keep`, stdout also
 * keeps every chunk it receives.
 */
export async function runShim(source, args, keep = false) {
  let stdoutBytes = 0;
  const chunks = [];
  const fds = [
    new OpenFile(new File([])),
    new ConsoleStdout((data) => {
      stdoutBytes += data.byteLength;
      if (keep) chunks.push(data);
    }),
    new ConsoleStdout(() => {}),
  ];
  const wasi = new WASI(['', ...args], [], fds, { debug: false });
  const imports = { wasi_snapshot_preview1: wasi.wasiImport };
  const instance =
    source instanceof WebAssembly.Module
      ? new WebAssembly.Instance(source, imports)
      : (await WebAssembly.instantiate(source, imports)).instance;
  const exitCode = wasi.start(instance);
  return { exitCode, stdoutBytes };
}

/** A worker running the shim: each message `{ source, args }` is run with `runShim`; the result is posted back. */
export function serveShim(port) {
  port.addEventListener('message', async ({ data }) => port.postMessage(await runShim(data.source, data.args)));
}
