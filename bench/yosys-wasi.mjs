// P9's baseline: Yosys (bench/yosys.ts) on node:wasi, the same input as the job. Run in DIR.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [script] = process.argv.slice(2);
const preopens = { '/in': 'in', '/share': 'share' };
const wasi = new WASI({ version: 'preview1', args: ['', '-p', script], preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile('yosys.wasm'));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
