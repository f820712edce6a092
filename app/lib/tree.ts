import { hasWasmMagic } from '../../src/loader/wasm-binary';
import type { FileTree } from '../../src/mounts/tree';

/** A single file that starts like a WebAssembly binary. */
export function isWasmFile(tree: FileTree): tree is { kind: 'file'; data: Uint8Array } {
  return tree.kind === 'file' && hasWasmMagic(tree.data);
}
