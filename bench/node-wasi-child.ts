// The node:wasi child process (see node-wasi.ts): runs one request at a time, replies with its time.
import { WASI } from 'node:wasi';
import type { NodeWasiReply, NodeWasiRequest } from './node-wasi.js';

const compiled = new Map<string, WebAssembly.Module>();

process.on('message', async (request: NodeWasiRequest) => {
  let module = compiled.get(request.name);
  if (module === undefined) {
    module = await WebAssembly.compile(request.bytes as Uint8Array<ArrayBuffer>);
    compiled.set(request.name, module);
  }
  const wasi = new WASI({
    version: 'preview1',
    args: ['', ...request.args],
    preopens: request.preopens ?? {},
    returnOnExit: true,
  });
  const started = performance.now();
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  process.send!({ id: request.id, ms: performance.now() - started, exitCode } satisfies NodeWasiReply);
});
