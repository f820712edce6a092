/**
 * The import graph's layout: dagre, importers before the modules they import from, left to right
 * where that fits the graph's box at a readable zoom, else top to bottom (narrow screens).
 */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../src/loader/graph';

/** Matches .module-node in styles.css. */
const NODE_WIDTH = 210;
const NODE_HEIGHT = 74;
/** fitView's padding: the graph takes 1 / (1 + FIT_PADDING) of the box. */
export const FIT_PADDING = 0.15;
/** Graph labels are 12 px (styles.css): at this zoom they are 10 px on screen. */
export const MIN_READABLE_ZOOM = 10 / 12;
export const MAX_ZOOM = 1.2;
/** The graph's box grows from MIN_HEIGHT up to MAX_HEIGHT to show a tall graph at a readable zoom. */
const MIN_HEIGHT = 300;
const MAX_HEIGHT = 600;

export type Direction = 'LR' | 'TB';

export interface GraphLayout {
  direction: Direction;
  /** Top-left corner of each node. */
  positions: Map<string, { x: number; y: number }>;
  /** The height of the graph's box, in px. */
  boxHeight: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

function layoutIn(direction: Direction, nodes: readonly GraphNode[], edges: readonly GraphEdge[]) {
  const graph = new dagre.graphlib.Graph();
  // Left to right, labels of edges leaving one module sit one above the other; top to bottom, a
  // label sits between two rows.
  graph.setGraph(
    direction === 'LR' ? { rankdir: 'LR', nodesep: 30, ranksep: 230 } : { rankdir: 'TB', nodesep: 30, ranksep: 70 },
  );
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) {
    if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  }
  dagre.layout(graph);
  const positions = new Map(
    nodes.map((node) => {
      const { x, y } = graph.node(node.id);
      return [node.id, { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 }];
    }),
  );
  const { width = 0, height = 0 } = graph.graph();
  return { direction, positions, width, height };
}

/**
 * The layout for a box `boxWidth` px wide: left to right if it fits at a readable zoom, else top to
 * bottom, in a box tall enough to show it at the zoom that fits its width.
 */
export function layoutGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[], boxWidth: number): GraphLayout {
  if (nodes.length === 0) return { direction: 'LR', positions: new Map(), boxHeight: MIN_HEIGHT };
  const zoomToFitWidth = (width: number) => boxWidth / (width * (1 + FIT_PADDING));
  let layout = layoutIn('LR', nodes, edges);
  if (zoomToFitWidth(layout.width) < MIN_READABLE_ZOOM) layout = layoutIn('TB', nodes, edges);
  const zoom = clamp(zoomToFitWidth(layout.width), MIN_READABLE_ZOOM, MAX_ZOOM);
  const boxHeight = clamp(Math.ceil(layout.height * (1 + FIT_PADDING) * zoom), MIN_HEIGHT, MAX_HEIGHT);
  return { direction: layout.direction, positions: layout.positions, boxHeight };
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
