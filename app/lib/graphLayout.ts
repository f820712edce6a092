/** Positions for the import graph: dagre, importers left of the modules they import from. */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../src/loader/graph';

/** Matches .module-node in styles.css. */
const NODE_WIDTH = 210;
const NODE_HEIGHT = 74;

/** Top-left corner of each node. */
export function layoutGraph(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  // Left to right, so that labels of edges leaving one module sit one above the other.
  graph.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 230 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) {
    if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  }
  dagre.layout(graph);
  return new Map(
    nodes.map((node) => {
      const { x, y } = graph.node(node.id);
      return [node.id, { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 }];
    }),
  );
}

/** An edge's label: the imported names, the first few of them. */
export function edgeLabel(edge: GraphEdge, shown = 2): string {
  const names = edge.imports.map((i) => i.name);
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} +${names.length - shown} more`;
}

/** The error code shown on a node; a missing module shows the error of the module that wanted it. */
export function nodeErrorCode(
  node: GraphNode,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): string | undefined {
  if (node.error !== undefined) return node.error.code;
  if (node.status !== 'missing') return undefined;
  const importer = edges.find((edge) => edge.to === node.id)?.from;
  return nodes.find((n) => n.id === importer)?.error?.code ?? 'UnknownModuleError';
}
