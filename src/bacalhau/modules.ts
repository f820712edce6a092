/**
 * Bacalhau's module loading (pkg/executor/wasm/loader.go and handler.go: loadModules), judged
 * from the module bytes alone: paths resolve in the mounted filesystem (a directory holding
 * exactly one .wasm file stands for it), every function import loads its module by name (the
 * name is a path; wasi_snapshot_preview1 and, unless Network is None, wasi:http/requests are
 * built in), wazero links every import against what its provider exports, and the Entrypoint must
 * be an exported function. Modules are parsed, never compiled or run. Modules whose bytes live
 * behind a URL, S3 or IPFS are unknown and not judged.
 */

import { preview1Signature } from '../loader/preview1.js';
import { type ExportDesc, type ImportDesc, parseModule, WasmFormatError } from '../loader/wasm-binary.js';
import { formatBytes, WASM_PAGE_SIZE } from '../spec/memory.js';
import { goClean, goQuote } from './go.js';
import { type Layer, openPath } from './mounts.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';
export const HTTP_MODULE = 'wasi:http/requests';
const HTTP_EXPORTS: ExportDesc[] = [
  { name: 'http_request', kind: 'function', type: `(${Array(12).fill('i32').join(', ')}) -> (i32)` },
];

export type ModuleRule =
  | 'wasm-entrymodule-resolve'
  | 'wasm-module-compile'
  | 'wasm-import-resolve'
  | 'wasm-entrypoint-export';

export interface ModuleProblem {
  rule: ModuleRule;
  field: string;
  /** The execution's error message, as Bacalhau's handler sets it. */
  message: string;
}

export interface ModuleCheck {
  /** The first failure, as the handler stops at it. */
  problem?: ModuleProblem;
  /** The entry module's exported function names, when its bytes are known and it loaded. */
  entryFunctions?: string[];
}

export interface ModuleRequest {
  root: Layer;
  entryModule: string;
  importModules: readonly string[];
  entrypoint: string;
  /** Network.Type as the handler sees it (Default already turned into Host). */
  networked: boolean;
  /** wazero's memory limit in pages. */
  limitPages: number;
}

/** A loader failure: the rule it breaks and the error text Bacalhau builds. */
class LoadError extends Error {
  constructor(
    readonly rule: ModuleRule,
    message: string,
  ) {
    super(message);
  }
}

type Exports = ExportDesc[] | 'unknown';

export function checkModules(request: ModuleRequest): ModuleCheck {
  const registry = new Map<string, Exports>();
  if (request.networked) registry.set(HTTP_MODULE, HTTP_EXPORTS);
  const loading: string[] = [];

  /** resolveModulePath: a file, or a directory with exactly one .wasm file; undefined when unknown. */
  const resolve = (path: string): { path: string; bytes?: Uint8Array } | undefined => {
    const found = openPath(request.root, path);
    if (found === undefined) return undefined;
    if (found.kind === 'unknown') return { path };
    if (found.kind === 'file') return { path, bytes: found.data };
    const wasm = [...found.entries].filter(([name, isDir]) => !isDir && name.endsWith('.wasm') && name !== '.wasm');
    if (wasm.length !== 1) return undefined;
    const file = goClean(`${path}/${wasm[0]![0]}`);
    const inner = openPath(request.root, file);
    return inner?.kind === 'file' ? { path: file, bytes: inner.data } : { path: file };
  };

  const instantiate = (path: string): Exports => {
    const known = registry.get(path);
    if (known !== undefined) return known;
    const resolved = resolve(path);
    if (resolved === undefined) throw new LoadError('wasm-entrymodule-resolve', `module not found: ${goQuote(path)}`);
    if (resolved.bytes === undefined) return 'unknown';
    let imports: ImportDesc[];
    let exports: ExportDesc[];
    try {
      const info = parseModule(resolved.bytes);
      ({ imports, exports } = info);
      const memories = [
        ...info.imports.flatMap((i) => (i.limits && i.kind === 'memory' ? [i.limits] : [])),
        ...info.memories,
      ];
      const over = memories.find((memory) => memory.min > request.limitPages);
      if (over !== undefined) {
        const pages = (n: number) => `${n} pages (${formatBytes(n * WASM_PAGE_SIZE)})`;
        throw new WasmFormatError(`min ${pages(over.min)} over limit of ${pages(request.limitPages)}`);
      }
    } catch (error) {
      if (!(error instanceof WasmFormatError)) throw error;
      throw new LoadError(
        'wasm-module-compile',
        `failed to compile module at ${goQuote(resolved.path)}: ${error.message}`,
      );
    }
    if (loading.includes(path)) {
      throw new LoadError(
        'wasm-import-resolve',
        `import cycle ${[...loading, path].join(' -> ')}: Bacalhau's loader has no cycle detection and never finishes`,
      );
    }
    loading.push(path);
    try {
      for (const name of new Set(imports.filter((i) => i.kind === 'function').map((i) => i.module))) loadByName(name);
    } finally {
      loading.pop();
    }
    for (const wanted of imports) link(resolved.path, wanted);
    registry.set(path, exports);
    return exports;
  };

  const loadByName = (name: string): void => {
    if (registry.has(name)) return;
    if (name === WASI_MODULE) return;
    const resolved = resolve(name);
    if (resolved === undefined) throw new LoadError('wasm-import-resolve', `unknown module ${goQuote(name)}`);
    instantiate(resolved.path);
  };

  /** wazero's import resolution against the instantiated modules. */
  const link = (path: string, wanted: ImportDesc): void => {
    const fail = (reason: string) =>
      new LoadError('wasm-import-resolve', `failed to load module at ${goQuote(path)}: ${reason}`);
    const what = `${wanted.module}.${wanted.name}`;
    if (wanted.module === WASI_MODULE) {
      const signature = wanted.kind === 'function' ? preview1Signature(wanted.name) : undefined;
      if (signature === undefined) throw fail(`"${wanted.name}" is not exported in module "${WASI_MODULE}"`);
      if (signature !== wanted.type)
        throw fail(`import func[${what}]: signature mismatch: ${wanted.type} != ${signature}`);
      return;
    }
    const exports = registry.get(wanted.module);
    if (exports === undefined) throw fail(`module[${wanted.module}] not instantiated`);
    if (exports === 'unknown') return;
    const found = exports.find((e) => e.name === wanted.name);
    if (found === undefined) throw fail(`"${wanted.name}" is not exported in module "${wanted.module}"`);
    if (found.kind !== wanted.kind)
      throw fail(`import ${wanted.kind}[${what}]: export mismatch: ${wanted.kind} != ${found.kind}`);
    if (wanted.kind === 'function' && found.type !== wanted.type) {
      throw fail(`import func[${what}]: signature mismatch: ${wanted.type} != ${found.type}`);
    }
  };

  let context = '';
  let field = '';
  try {
    for (const [i, path] of request.importModules.entries()) {
      context = `failed to load import module ${path}: `;
      field = `Tasks[0].Engine.Params.ImportModules[${i}]`;
      instantiate(path);
    }
    context = `failed to load entry module ${request.entryModule}: `;
    field = 'Tasks[0].Engine.Params.EntryModule';
    const exports = instantiate(request.entryModule);
    if (exports === 'unknown') return {};
    const entryFunctions = exports.filter((e) => e.kind === 'function').map((e) => e.name);
    if (!entryFunctions.includes(request.entrypoint)) {
      return {
        entryFunctions,
        problem: {
          rule: 'wasm-entrypoint-export',
          field: 'Tasks[0].Engine.Params.Entrypoint',
          message: `unable to find the entrypoint '${request.entrypoint}' in the WASM module`,
        },
      };
    }
    return { entryFunctions };
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return { problem: { rule: error.rule, field, message: context + error.message } };
  }
}
