import type { GraphNode, ImportGraph } from '../loader/graph.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_WIDTH = 150;
const NODE_HEIGHT = 32;
const GAP_X = 16;
const GAP_Y = 36;
const MAX_LABEL = 20;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Rows of the graph: the entry modules first, then each module one row below its first importer. */
function rows(graph: ImportGraph): GraphNode[][] {
  const depth = new Map<string, number>();
  const queue = graph.nodes.filter((node) => node.kind === 'entry').map((node) => node.id);
  for (const id of queue) depth.set(id, 0);
  for (let at = 0; at < queue.length; at++) {
    const from = queue[at]!;
    for (const edge of graph.edges) {
      if (edge.from === from && !depth.has(edge.to)) {
        depth.set(edge.to, depth.get(from)! + 1);
        queue.push(edge.to);
      }
    }
  }
  const out: GraphNode[][] = [];
  for (const node of graph.nodes) {
    const level = depth.get(node.id) ?? 0;
    out[level] = [...(out[level] ?? []), node];
  }
  return out.filter((row) => row !== undefined);
}

/** The import graph as an SVG: one box per module (coloured by status), one arrow per importing edge. */
export function renderGraph(graph: ImportGraph): SVGSVGElement {
  const layout = rows(graph);
  const widest = Math.max(1, ...layout.map((row) => row.length));
  const width = widest * (NODE_WIDTH + GAP_X) - GAP_X;
  const height = Math.max(1, layout.length) * (NODE_HEIGHT + GAP_Y) - GAP_Y;
  const root = svg('svg', { viewBox: `-2 -2 ${width + 4} ${height + 4}`, role: 'img', 'aria-label': 'import graph' });
  root.style.maxWidth = `${width + 4}px`;
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 8 8',
    refX: 8,
    refY: 4,
    markerWidth: 8,
    markerHeight: 8,
    orient: 'auto',
  });
  marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow' }));
  const defs = svg('defs', {});
  defs.append(marker);
  root.append(defs);
  const centre = new Map<string, { x: number; y: number }>();
  layout.forEach((row, level) => {
    const offset = (width - (row.length * (NODE_WIDTH + GAP_X) - GAP_X)) / 2;
    row.forEach((node, index) => {
      centre.set(node.id, {
        x: offset + index * (NODE_WIDTH + GAP_X) + NODE_WIDTH / 2,
        y: level * (NODE_HEIGHT + GAP_Y),
      });
    });
  });
  for (const edge of graph.edges) {
    const from = centre.get(edge.from);
    const to = centre.get(edge.to);
    if (from === undefined || to === undefined) continue;
    const line = svg('line', {
      x1: from.x,
      y1: from.y + NODE_HEIGHT,
      x2: to.x,
      y2: to.y,
      class: 'edge',
      'marker-end': 'url(#arrow)',
    });
    const title = svg('title', {});
    title.textContent = `${edge.from} imports ${edge.imports.map((i) => i.name).join(', ')} from ${edge.to}`;
    line.append(title);
    root.append(line);
  }
  for (const node of graph.nodes) {
    const { x, y } = centre.get(node.id)!;
    const group = svg('g', { class: `node ${node.kind} ${node.status}`, 'data-module': node.id });
    const label = node.id.length > MAX_LABEL ? `${node.id.slice(0, MAX_LABEL - 1)}…` : node.id;
    const text = svg('text', { x, y: y + NODE_HEIGHT / 2, 'dominant-baseline': 'central', 'text-anchor': 'middle' });
    text.textContent = label;
    const title = svg('title', {});
    title.textContent = [node.id, node.path && `at ${node.path}`, node.status, node.error?.message]
      .filter(Boolean)
      .join(' · ');
    group.append(svg('rect', { x: x - NODE_WIDTH / 2, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }), text, title);
    root.append(group);
  }
  return root;
}
