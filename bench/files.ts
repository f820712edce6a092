import { readFileSync } from 'node:fs';

/**
 * The modules the benchmarks run, by name: committed fixtures ("c/hello.wasm" is
 * fixtures/c/hello.wasm, read once) and modules generated during the run ("gen/…"). The Node host
 * reads them here; the Chromium host serves them to the bench page.
 */
export class Files {
  private readonly files = new Map<string, Uint8Array>();

  get(name: string): Uint8Array {
    let bytes = this.files.get(name);
    if (bytes === undefined) {
      if (name.startsWith('gen/') || name.includes('..')) throw new Error(`no module ${name}`);
      bytes = new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
      this.files.set(name, bytes);
    }
    return bytes;
  }

  /** Registers a generated module; returns its name. */
  add(name: string, bytes: Uint8Array): string {
    this.files.set(`gen/${name}`, bytes);
    return `gen/${name}`;
  }

  delete(name: string): void {
    this.files.delete(name);
  }
}
