import { asBrineError, BrineError, errors, errorText } from '../errors/index.js';
import type { MountTable } from '../mounts/mount-table.js';
import { normalizePath } from '../mounts/paths.js';
import type { FileTree } from '../mounts/tree.js';
import { HTTP_FUNCTION, HTTP_MODULE, HTTP_SIGNATURE } from '../protocol/http.js';
import type { PlannedModule } from '../protocol/messages.js';
import { formatPages } from '../spec/memory.js';
import { type CompileCache, type CompiledModule, compiledKey, type InspectedModule } from './compile-cache.js';
import type { GraphEdge, GraphEvent, GraphNode, ImportGraph } from './graph.js';
import { preview1Signature } from './preview1.js';
import { type ImportDesc, WasmFormatError } from './wasm-binary.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';

export interface LoadRequest {
  mounts: MountTable;
  entryModule: string;
  importModules: readonly string[];
  entrypoint: string;
  /** Per-memory limit in pages (65536 when the job sets none). */
  limitPages: number;
  /** Whether the HTTP host module (wasi:http/requests) is built in: the job's network is not None. */
  http: boolean;
  cache: CompileCache;
  onGraph?: (event: GraphEvent) => void;
  /** Checked between modules: loading stops once the execution is cancelled. */
  signal?: AbortSignal;
}

export interface LoadedModules {
  /** Providers before importers; what the worker instantiates, in order. */
  modules: PlannedModule[];
  entry: number;
  graph: ImportGraph;
  /** Modules whose memory.grow is not observed, and why. */
  unobservedGrows: { module: string; reason: string }[];
}

/** A load that failed: Bacalhau's context ("failed to load entry module main.wasm") and the typed cause. */
export class LoadFailure extends Error {
  constructor(
    readonly context: string,
    override readonly cause: BrineError,
    readonly graph: ImportGraph,
  ) {
    super(context === '' ? cause.message : `${context}: ${cause.message}`);
  }
}

/**
 * Bacalhau's module loader (reference §7), improved: every import kind is resolved, cycles are
 * reported with their path, each module is compiled once, and every import is checked against
 * what its provider exports before anything is instantiated, so no guest code runs on a bad link.
 */
export async function loadModules(request: LoadRequest): Promise<LoadedModules> {
  const loader = new Loader(request);
  let context = '';
  try {
    for (const path of request.importModules) {
      context = `failed to load import module ${path}`;
      await loader.instantiate(path, 'import');
    }
    context = `failed to load entry module ${request.entryModule}`;
    const entry = await loader.instantiate(request.entryModule, 'entry');
    context = '';
    const exported = loader.exportsOf(entry).find((e) => e.name === request.entrypoint);
    if (exported?.kind !== 'function') {
      throw errors.entrypoint(request.entrypoint);
    }
    return { modules: loader.modules, entry, graph: loader.graph(), unobservedGrows: loader.unobservedGrows };
  } catch (error) {
    const cause = asBrineError(error, (text) => errors.moduleLoad(request.entryModule, text));
    throw new LoadFailure(context, cause, loader.graph());
  }
}

class Loader {
  readonly modules: PlannedModule[] = [];
  readonly unobservedGrows: LoadedModules['unobservedGrows'] = [];
  private readonly registry = new Map<string, number>();
  private readonly inspected: InspectedModule[] = [];
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges: GraphEdge[] = [];
  /** Modules being loaded, outermost first: the current import chain. */
  private readonly chain: string[] = [];
  private readonly inChain = new Set<string>();

  constructor(private readonly request: LoadRequest) {}

  graph(): ImportGraph {
    return { nodes: [...this.nodes.values()].map((node) => ({ ...node })), edges: [...this.edges] };
  }

  exportsOf(index: number) {
    return this.inspected[index]!.info.exports;
  }

  /** Loads, compiles and plans the module registered as `name` (a path), with its dependencies. */
  async instantiate(name: string, kind: 'entry' | 'import'): Promise<number> {
    const known = this.registry.get(name);
    if (known !== undefined) return known;
    this.request.signal?.throwIfAborted();
    const node = this.setNode({ id: name, kind, imports: [], exports: [], memories: [], status: 'resolving' });
    this.chain.push(name);
    this.inChain.add(name);
    try {
      const { path, bytes } = this.resolve(name, () => errors.moduleNotFound(name));
      Object.assign(node, { path, size: bytes.byteLength, status: 'compiling' });
      this.emit({ type: 'node', node });

      const inspected = await this.inspect(path, bytes);
      const { info } = inspected;
      const memories = [
        ...info.imports.flatMap((i) => (i.kind === 'memory' && i.limits ? [{ ...i.limits, imported: true }] : [])),
        ...info.memories.map((m) => ({ ...m, imported: false })),
      ];
      Object.assign(node, { sha256: inspected.sha256, imports: info.imports, exports: info.exports, memories });
      node.limitPages = this.request.limitPages;
      this.checkMemoryMinimums(name, memories);
      const { module, grows, unobserved } = await this.compile(path, inspected, bytes);
      if (unobserved !== undefined) this.unobservedGrows.push({ module: name, reason: unobserved });

      const providers: PlannedModule['providers'] = {};
      const groups = groupByModule(info.imports);
      // Hash the providers' files concurrently; loading them one by one below finds the digests ready.
      for (const moduleName of groups.keys()) {
        const found = this.lookup(moduleName);
        if (found?.kind === 'file') void this.request.cache.hashes.of(found.data);
      }
      for (const [moduleName, imports] of groups) {
        providers[moduleName] = await this.provide(name, moduleName, imports);
      }
      const key = compiledKey(inspected, this.request.limitPages);
      const index = this.modules.push({ name, module, key, providers, ...(grows === undefined ? {} : { grows }) }) - 1;
      this.inspected[index] = inspected;
      this.registry.set(name, index);
      node.status = 'ready';
      this.emit({ type: 'node', node });
      return index;
    } catch (error) {
      if (node.status !== 'ready' && !node.error) {
        node.status = 'failed';
        if (error instanceof BrineError) node.error = error.toJSON();
        this.emit({ type: 'node', node });
      }
      throw error;
    } finally {
      this.chain.pop();
      this.inChain.delete(name);
    }
  }

  /** Finds the provider of `moduleName` for `importer` and checks each import against it. */
  private async provide(
    importer: string,
    moduleName: string,
    imports: ImportDesc[],
  ): Promise<PlannedModule['providers'][string]> {
    const edge: GraphEdge = {
      from: importer,
      to: moduleName,
      imports: imports.map(({ name, kind, type }) => (type === undefined ? { name, kind } : { name, kind, type })),
    };
    if (moduleName === WASI_MODULE) {
      this.provideBuiltIn(importer, 'wasi', edge, imports, preview1Signature, (wanted) =>
        errors.wasi(`${WASI_MODULE} has no ${wanted.kind} "${wanted.name}" (imported by "${importer}")`),
      );
      return 'wasi';
    }
    if (moduleName === HTTP_MODULE && this.request.http) {
      const signatureOf = (name: string) => (name === HTTP_FUNCTION ? HTTP_SIGNATURE : undefined);
      this.provideBuiltIn(importer, 'http', edge, imports, signatureOf, (wanted) =>
        errors.moduleLoad(
          importer,
          `import "${HTTP_MODULE}"."${wanted.name}" (${wanted.kind}): module "${HTTP_MODULE}" does not export "${wanted.name}"`,
          { import: wanted },
        ),
      );
      return 'http';
    }
    if (this.inChain.has(moduleName)) {
      const cycle = [...this.chain.slice(this.chain.indexOf(moduleName)), moduleName];
      this.addEdge(edge);
      throw errors.moduleLoad(importer, `import cycle: ${cycle.join(' -> ')}`, { cycle });
    }
    if (moduleName === 'wasi_unstable') {
      throw this.missing(
        moduleName,
        edge,
        new BrineError(
          'UnknownModuleError',
          `unknown module "${moduleName}"`,
          { name: moduleName, importer },
          '"wasi_unstable" is WASI preview 0, which Brine (like Bacalhau) does not provide. Rebuild the module for wasm32-wasi (wasi_snapshot_preview1).',
        ),
      );
    }
    if (!this.registry.has(moduleName) && this.lookup(moduleName) === undefined) {
      const unknown = errors.unknownModule(moduleName, { importer });
      throw this.missing(
        moduleName,
        edge,
        moduleName === HTTP_MODULE
          ? new BrineError(unknown.code, unknown.message, unknown.details, NO_HTTP_HINT)
          : unknown,
      );
    }
    const provider = await this.instantiate(moduleName, 'import');
    this.addEdge(edge);
    this.checkImports(importer, moduleName, imports, provider);
    return provider;
  }

  /** A module Brine provides: shown in the graph, and each import checked against its definition. */
  private provideBuiltIn(
    importer: string,
    kind: 'wasi' | 'http',
    edge: GraphEdge,
    imports: ImportDesc[],
    signatureOf: (name: string) => string | undefined,
    undefinedImport: (wanted: ImportDesc) => BrineError,
  ): void {
    const exports = kind === 'http' ? [{ name: HTTP_FUNCTION, kind: 'function' as const, type: HTTP_SIGNATURE }] : [];
    this.setNode({ id: edge.to, kind, imports: [], exports, memories: [], status: 'ready' });
    this.addEdge(edge);
    for (const wanted of imports) {
      const defined = wanted.kind === 'function' ? signatureOf(wanted.name) : undefined;
      if (defined === undefined) throw undefinedImport(wanted);
      if (wanted.type !== defined) {
        throw errors.moduleLoad(
          importer,
          `import "${edge.to}"."${wanted.name}" (function): the import expects ${wanted.type} but ${kind === 'wasi' ? 'WASI preview1' : "Bacalhau's HTTP module"} defines ${defined}`,
          { import: wanted },
        );
      }
    }
  }

  private checkImports(importer: string, moduleName: string, imports: ImportDesc[], provider: number): void {
    const exports = new Map(this.exportsOf(provider).map((e) => [e.name, e]));
    for (const wanted of imports) {
      const what = `import "${moduleName}"."${wanted.name}" (${wanted.kind})`;
      const found = exports.get(wanted.name);
      let problem: string | null = null;
      if (found === undefined) problem = `module "${moduleName}" does not export "${wanted.name}"`;
      else if (found.kind !== wanted.kind) problem = `"${wanted.name}" is exported as a ${found.kind}`;
      else if (wanted.kind === 'function' && found.type !== wanted.type) {
        problem = `the import expects ${wanted.type} but the export is ${found.type}`;
      }
      if (problem !== null) throw errors.moduleLoad(importer, `${what}: ${problem}`, { import: wanted });
    }
  }

  /** What a module name points at in the mounts; a name that cleans to the root ("", "/", "..") names nothing. */
  private lookup(name: string): FileTree | undefined {
    return normalizePath(name) === '' ? undefined : this.request.mounts.lookup(name);
  }

  /** Bacalhau's resolveModulePath: a file, or a directory holding exactly one .wasm file. */
  private resolve(name: string, notFound: () => BrineError): { path: string; bytes: Uint8Array } {
    const found = this.lookup(name);
    if (found?.kind === 'file') return { path: name, bytes: found.data };
    if (found?.kind === 'directory') {
      const wasm = Object.entries(found.entries).filter(([n, e]) => e.kind === 'file' && n.endsWith('.wasm'));
      if (wasm.length === 1) {
        const [fileName, file] = wasm[0]!;
        return { path: `${name.replace(/\/+$/, '')}/${fileName}`, bytes: (file as { data: Uint8Array }).data };
      }
    }
    throw notFound();
  }

  private async inspect(path: string, bytes: Uint8Array): Promise<InspectedModule> {
    try {
      return await this.request.cache.inspect(bytes);
    } catch (error) {
      if (error instanceof WasmFormatError) throw errors.moduleCompile(path, error.message);
      throw error;
    }
  }

  private async compile(path: string, inspected: InspectedModule, bytes: Uint8Array): Promise<CompiledModule> {
    try {
      return await this.request.cache.compile(inspected, bytes, this.request.limitPages);
    } catch (error) {
      throw errors.moduleCompile(path, errorText(error));
    }
  }

  private checkMemoryMinimums(name: string, memories: GraphNode['memories']): void {
    const limit = this.request.limitPages;
    memories.forEach((memory, index) => {
      if (memory.min <= limit) return;
      throw errors.memoryLimit(
        `module "${name}": ${memory.imported ? 'imported ' : ''}memory ${index} declares a minimum of ${formatPages(memory.min)}, over the limit of ${formatPages(limit)}`,
        { module: name, memoryIndex: index, minPages: memory.min, limitPages: limit },
      );
    });
  }

  /** Shows a module nobody provides in the graph, with the error it causes, and returns that error. */
  private missing(id: string, edge: GraphEdge, error: BrineError): BrineError {
    this.setNode({
      id,
      kind: 'import',
      imports: [],
      exports: [],
      memories: [],
      status: 'missing',
      error: error.toJSON(),
    });
    this.addEdge(edge);
    return error;
  }

  private setNode(node: GraphNode): GraphNode {
    const existing = this.nodes.get(node.id);
    if (existing !== undefined && existing.status !== 'missing') return existing;
    this.nodes.set(node.id, node);
    this.emit({ type: 'node', node });
    return node;
  }

  private addEdge(edge: GraphEdge): void {
    this.edges.push(edge);
    this.emit({ type: 'edge', edge });
  }

  /** Nodes change as loading goes on, so listeners get a copy of each state. */
  private emit(event: GraphEvent): void {
    this.request.onGraph?.(event.type === 'node' ? { type: 'node', node: { ...event.node } } : event);
  }
}

const NO_HTTP_HINT = `"${HTTP_MODULE}" is Bacalhau's HTTP host module, there only when the job's Network is not None. Set Network.Type to HTTP with Domains naming the hosts the program calls (or to Host for any host).`;

function groupByModule(imports: readonly ImportDesc[]): Map<string, ImportDesc[]> {
  const groups = new Map<string, ImportDesc[]>();
  for (const entry of imports) {
    const group = groups.get(entry.module);
    if (group === undefined) groups.set(entry.module, [entry]);
    else group.push(entry);
  }
  return groups;
}
