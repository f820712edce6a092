/**
 * The import graph's layout: dagre, importers before the modules they import from, left to right
 * where that fits the graph's box at a readable zoom, else top to bottom (narrow screens).
 */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../src/loader/graph';

/**
 * For each direction, dagre's settings, the node width (matching .module-node and, top to bottom,
 * .module-node.compact in styles.css) and where along an edge its label sits. Left to right, the
 * labels of edges leaving a module sit one above the other, halfway; top to bottom, two compact
 * nodes fit side by side on a phone, and labels sit near the end of their edges, where the edges
 * leaving a module are furthest apart.
 */
const DIRECTIONS = {
  LR: { graph: { rankdir: 'LR', nodesep: 30, ranksep: 250 }, nodeWidth: 210, labelAt: 0.5 },
  TB: { graph: { rankdir: 'TB', nodesep: 16, ranksep: 70 }, nodeWidth: 176, labelAt: 0.75 },
} as const;
const NODE_HEIGHT = 74;
/** fitView's padding: the graph takes 1 / (1 + FIT_PADDING) of the box. */
export const FIT_PADDING = 0.15;
/** Graph labels are 12 px (styles.css): at this zoom they are 10.2 px on screen, never under 10. */
export const MIN_READABLE_ZOOM = 0.85;
export const MAX_ZOOM = 1.2;
/** The graph's box grows from MIN_HEIGHT up to MAX_HEIGHT to show a tall graph at a readable zoom. */
const MIN_HEIGHT = 300;
const MAX_HEIGHT = 600;

export type Direction = keyof typeof DIRECTIONS;

export interface GraphLayout {
  direction: Direction;
  /** Top-left corner of each node. */
  positions: Map<string, { x: number; y: number }>;
  /** The height of the graph's box, in px. */
  boxHeight: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

function layoutIn(direction: Direction, nodes: readonly GraphNode[], edges: readonly GraphEdge[]) {
  const { graph: settings, nodeWidth } = DIRECTIONS[direction];
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ ...settings });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: nodeWidth, height: NODE_HEIGHT });
  for (const edge of edges) {
    if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  }
  dagre.layout(graph);
  const positions = new Map(
    nodes.map((node) => {
      const { x, y } = graph.node(node.id);
      return [node.id, { x: x - nodeWidth / 2, y: y - NODE_HEIGHT / 2 }];
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

/**
 * An edge's curve (an SVG path, a cubic that leaves and enters along the layout's direction) from
 * the importer's handle to the imported module's, and the point where its label sits.
 */
export function edgeCurve(
  source: { x: number; y: number },
  target: { x: number; y: number },
  direction: Direction,
): { path: string; labelX: number; labelY: number } {
  const horizontal = direction === 'LR';
  const bend = Math.abs(horizontal ? target.x - source.x : target.y - source.y) / 2;
  const control1 = horizontal ? { x: source.x + bend, y: source.y } : { x: source.x, y: source.y + bend };
  const control2 = horizontal ? { x: target.x - bend, y: target.y } : { x: target.x, y: target.y - bend };
  const t = DIRECTIONS[direction].labelAt;
  const along = (a: number, b: number, c: number, d: number) =>
    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * d;
  return {
    path: `M${source.x},${source.y} C${control1.x},${control1.y} ${control2.x},${control2.y} ${target.x},${target.y}`,
    labelX: along(source.x, control1.x, control2.x, target.x),
    labelY: along(source.y, control1.y, control2.y, target.y),
  };
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
