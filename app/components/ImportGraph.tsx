import '@xyflow/react/dist/style.css';
import {
  Background,
  type Edge,
  Handle,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { useDeferredValue, useEffect, useMemo } from 'react';
import type { GraphNode } from '../../src/loader/graph';
import { formatBytes } from '../lib/format';
import { edgeLabel, layoutGraph, nodeErrorCode } from '../lib/graphLayout';
import { store, useApp } from '../state/store';
import { NodeDetails } from './NodeDetails';

/** How the graph names the modules Brine provides. */
const BUILT_IN: Partial<Record<GraphNode['kind'], string>> = { wasi: 'built-in WASI', http: 'built-in HTTP' };

type ModuleFlowNode = Node<{ module: GraphNode; errorCode: string | undefined }, 'module'>;

function ModuleNode({ data, selected }: NodeProps<ModuleFlowNode>) {
  const { module, errorCode } = data;
  return (
    <div
      className={`module-node kind-${module.kind} status-${module.status}${selected ? ' selected' : ''}`}
      data-testid="graph-node"
      data-module={module.id}
      data-status={module.status}
    >
      <Handle type="target" position={Position.Left} />
      <div className="module-name" title={module.path ?? module.id}>
        {module.id}
      </div>
      <div className="module-meta">
        {BUILT_IN[module.kind] ?? module.kind} · {module.status}
        {module.size === undefined ? '' : ` · ${formatBytes(module.size)}`}
      </div>
      {errorCode !== undefined && <div className="module-error">{errorCode}</div>}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { module: ModuleNode };

/** Selection by click or keyboard (Enter on a focused node) picks the module shown in the details. */
function onNodesChange(changes: NodeChange<ModuleFlowNode>[]): void {
  const selections = changes.filter((change) => change.type === 'select');
  if (selections.length === 0) return;
  store.setState({ selectedNode: selections.find((change) => change.selected)?.id ?? null });
}

function Flow() {
  // Deferred: the graph's first render (layout, React Flow's measuring) is interruptible work,
  // so it never holds up the page while a job starts streaming logs.
  const nodes = useDeferredValue(useApp((s) => s.run.nodes));
  const edges = useDeferredValue(useApp((s) => s.run.edges));
  const selectedNode = useApp((s) => s.selectedNode);
  const { fitView } = useReactFlow();
  const flowNodes = useMemo((): ModuleFlowNode[] => {
    const positions = layoutGraph(nodes, edges);
    return nodes.map((module) => ({
      id: module.id,
      type: 'module',
      position: positions.get(module.id)!,
      data: { module, errorCode: nodeErrorCode(module, nodes, edges) },
      ariaLabel: `Module ${module.id}, ${module.status}`,
      selected: module.id === selectedNode,
    }));
  }, [nodes, edges, selectedNode]);
  const flowEdges = useMemo(
    (): Edge[] =>
      edges.map((edge, i) => ({
        id: `${i}:${edge.from}->${edge.to}`,
        source: edge.from,
        target: edge.to,
        label: edgeLabel(edge),
        className: edge.to === 'wasi_snapshot_preview1' ? 'edge-wasi' : 'edge-module',
      })),
    [edges],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: fit again whenever nodes or edges are added
  useEffect(() => {
    const frame = requestAnimationFrame(() => void fitView({ padding: 0.15, maxZoom: 1.2 }));
    return () => cancelAnimationFrame(frame);
  }, [nodes.length, edges.length, fitView]);
  return (
    <ReactFlow
      nodes={flowNodes}
      edges={flowEdges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      proOptions={{ hideAttribution: true }}
      onNodesChange={onNodesChange}
      fitView
    >
      <Background gap={16} />
    </ReactFlow>
  );
}

export function ImportGraph() {
  const empty = useApp((s) => s.run.nodes.length === 0);
  return (
    <section className="panel graph-panel" aria-labelledby="graph-title">
      <h2 id="graph-title">Import graph</h2>
      <div className="graph" data-testid="import-graph">
        {empty && <p className="graph-empty muted">Run the job to see how its imports resolve.</p>}
        <ReactFlowProvider>
          <Flow />
        </ReactFlowProvider>
      </div>
      <NodeDetails />
    </section>
  );
}
