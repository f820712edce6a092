// The CLI row's baseline: the hello demo on node:wasi in a 10-line script (bench/cli.ts).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const wasi = new WASI({ version: 'preview1', args: ['main.wasm'], returnOnExit: true });
const bytes = await readFile(new URL('../public/demos/hello/hello.wasm', import.meta.url));
const module = await WebAssembly.compile(bytes);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
