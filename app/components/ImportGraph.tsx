import '@xyflow/react/dist/style.css';
import {
  Background,
  BaseEdge,
  type Dimensions,
  type Edge,
  type EdgeProps,
  Handle,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { GraphNode } from '../../src/loader/graph';
import { formatBytes } from '../../src/spec/memory';
import {
  type Direction,
  edgeCurve,
  edgeLabel,
  FIT_PADDING,
  layoutGraph,
  MAX_ZOOM,
  MIN_READABLE_ZOOM,
  nodeErrorCode,
} from '../lib/graphLayout';
import { store, useApp } from '../state/store';
import { NodeDetails } from './NodeDetails';

/** How the graph names the modules Brine provides. */
const BUILT_IN: Partial<Record<GraphNode['kind'], string>> = { wasi: 'built-in WASI', http: 'built-in HTTP' };

type ModuleFlowNode = Node<{ module: GraphNode; errorCode: string | undefined; compact: boolean }, 'module'>;

function ModuleNode({ data, selected, sourcePosition, targetPosition }: NodeProps<ModuleFlowNode>) {
  const { module, errorCode, compact } = data;
  return (
    <div
      className={`module-node kind-${module.kind} status-${module.status}${compact ? ' compact' : ''}${selected ? ' selected' : ''}`}
      data-testid="graph-node"
      data-module={module.id}
      data-status={module.status}
    >
      <Handle type="target" position={targetPosition ?? Position.Left} />
      <div className="module-name" title={module.path ?? module.id}>
        {module.id}
      </div>
      <div className="module-meta">
        {BUILT_IN[module.kind] ?? module.kind} · {module.status}
        {module.size === undefined ? '' : ` · ${formatBytes(module.size)}`}
      </div>
      {errorCode !== undefined && <div className="module-error">{errorCode}</div>}
      <Handle type="source" position={sourcePosition ?? Position.Right} />
    </div>
  );
}

const nodeTypes = { module: ModuleNode };

type ImportFlowEdge = Edge<{ direction: Direction }, 'import'>;

function ImportEdge({ sourceX, sourceY, targetX, targetY, data, label }: EdgeProps<ImportFlowEdge>) {
  const curve = edgeCurve({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, data?.direction ?? 'LR');
  return <BaseEdge path={curve.path} label={label} labelX={curve.labelX} labelY={curve.labelY} />;
}

const edgeTypes = { import: ImportEdge };

const HANDLES = {
  LR: { targetPosition: Position.Left, sourcePosition: Position.Right },
  TB: { targetPosition: Position.Top, sourcePosition: Position.Bottom },
} as const;

/** Selection by click or keyboard (Enter on a focused node) picks the module shown in the details. */
function selectNode(changes: NodeChange<ModuleFlowNode>[]): void {
  const selections = changes.filter((change) => change.type === 'select');
  if (selections.length === 0) return;
  store.setState({ selectedNode: selections.find((change) => change.selected)?.id ?? null });
}

/**
 * The sizes React Flow measured, by node id. React Flow shows a node only once it is measured, and
 * takes the measurement from the node objects it is given: nodes built without it (as they are
 * whenever a module's status, the selection or the run changes) would be hidden until measured
 * again, which may never happen.
 */
function useMeasuredSizes() {
  const [sizes, setSizes] = useState<ReadonlyMap<string, Dimensions>>(new Map());
  const onNodesChange = useCallback((changes: NodeChange<ModuleFlowNode>[]) => {
    const measured = new Map<string, Dimensions>();
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions !== undefined) measured.set(change.id, change.dimensions);
    }
    if (measured.size > 0) setSizes((known) => new Map([...known, ...measured]));
    selectNode(changes);
  }, []);
  return { sizes, onNodesChange };
}

function Flow() {
  // Deferred: the graph's first render (layout, React Flow's measuring) is interruptible work,
  // so it never holds up the page while a job starts streaming logs.
  const nodes = useDeferredValue(useApp((s) => s.run.nodes));
  const edges = useDeferredValue(useApp((s) => s.run.edges));
  const selectedNode = useApp((s) => s.selectedNode);
  const empty = useApp((s) => s.run.nodes.length === 0);
  const boxWidth = useStore((s) => s.width);
  const boxHeight = useStore((s) => s.height);
  const { fitView } = useReactFlow();
  const { sizes, onNodesChange } = useMeasuredSizes();
  const layout = useMemo(() => layoutGraph(nodes, edges, boxWidth), [nodes, edges, boxWidth]);
  const flowNodes = useMemo(
    (): ModuleFlowNode[] =>
      nodes.map((module) => ({
        id: module.id,
        type: 'module',
        position: layout.positions.get(module.id)!,
        ...HANDLES[layout.direction],
        measured: sizes.get(module.id),
        data: { module, errorCode: nodeErrorCode(module, nodes, edges), compact: layout.direction === 'TB' },
        ariaLabel: `Module ${module.id}, ${module.status}`,
        selected: module.id === selectedNode,
      })),
    [nodes, edges, layout, sizes, selectedNode],
  );
  const flowEdges = useMemo(
    (): ImportFlowEdge[] =>
      edges.map((edge, i) => ({
        id: `${i}:${edge.from}->${edge.to}`,
        type: 'import',
        source: edge.from,
        target: edge.to,
        label: edgeLabel(edge),
        data: { direction: layout.direction },
        className: edge.to === 'wasi_snapshot_preview1' ? 'edge-wasi' : 'edge-module',
      })),
    [edges, layout.direction],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: fit again when nodes or edges are added, the layout turns or the box resizes
  useEffect(() => {
    const frame = requestAnimationFrame(
      () => void fitView({ padding: FIT_PADDING, minZoom: MIN_READABLE_ZOOM, maxZoom: MAX_ZOOM }),
    );
    return () => cancelAnimationFrame(frame);
  }, [nodes.length, edges.length, layout.direction, boxWidth, boxHeight, fitView]);
  return (
    <div className="graph" data-testid="import-graph" style={{ height: layout.boxHeight }}>
      {empty && <p className="graph-empty muted">Run the job to see how its imports resolve.</p>}
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodesChange={onNodesChange}
      >
        <Background gap={16} />
      </ReactFlow>
    </div>
  );
}

export function ImportGraph() {
  return (
    <section className="panel graph-panel" aria-labelledby="graph-title">
      <h2 id="graph-title">Import graph</h2>
      <ReactFlowProvider>
        <Flow />
      </ReactFlowProvider>
      <NodeDetails />
    </section>
  );
}
