import type { SerializedError } from '../errors/index.js';
import type { ExportDesc, ExternKind, ImportDesc, Limits } from './wasm-binary.js';

/** The resolved import graph, as data for the UI. */
export interface ImportGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type NodeStatus = 'resolving' | 'compiling' | 'ready' | 'missing' | 'failed';

export interface GraphNode {
  /** The module's runtime name: its path as given, its import name, or a built-in module's name. */
  id: string;
  /** 'wasi' and 'http': the built-in wasi_snapshot_preview1 and wasi:http/requests. */
  kind: 'entry' | 'import' | 'wasi' | 'http';
  /** The file it resolved to in the mounted filesystem. */
  path?: string;
  size?: number;
  sha256?: string;
  imports: ImportDesc[];
  exports: ExportDesc[];
  /** Memories it defines or imports, as declared, and the limit applied to them (pages). */
  memories: (Limits & { imported: boolean })[];
  limitPages?: number;
  status: NodeStatus;
  error?: SerializedError;
}

export interface GraphEdge {
  /** Importer id */
  from: string;
  /** Provider id */
  to: string;
  imports: { name: string; kind: ExternKind; type?: string }[];
}

export type GraphEvent = { type: 'node'; node: GraphNode } | { type: 'edge'; edge: GraphEdge };
