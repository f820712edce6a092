/** The current execution as the UI shows it, updated from executor events. */
import type { SerializedError } from '../../src/errors/index';
import type { ExecutionResult, ExecutionState } from '../../src/executor/types';
import type { GraphEvent } from '../../src/loader/graph';
import type { HttpRecord } from '../../src/protocol/http';
import { idleRun, type RunState, store } from './store';

export const isActive = (state: RunState['state']): boolean =>
  state === 'queued' || state === 'loading' || state === 'linking' || state === 'running';

function update(id: string, change: (run: RunState) => Partial<RunState>): void {
  const { run } = store.getState();
  if (run.id === id) store.setState({ run: { ...run, ...change(run) } });
}

export function beginRun(id: string): void {
  store.setState({ run: { ...idleRun, id, state: 'queued' }, selectedNode: null });
}

export function clearRunState(): void {
  store.setState({ run: idleRun, selectedNode: null });
}

export function refuseRun(id: string, refusal: SerializedError): void {
  update(id, () => ({ state: 'failed', refusal }));
}

export function setRunState(id: string, state: ExecutionState): void {
  update(id, () => ({ state }));
}

export function setMemoryPages(id: string, pages: number): void {
  update(id, (run) => (pages > run.memoryPages ? { memoryPages: pages } : {}));
}

/** Nodes arrive again as their status changes: the latest copy replaces the earlier one. */
export function applyGraphEvent(id: string, event: GraphEvent): void {
  update(id, (run) => {
    if (event.type === 'edge') return { edges: [...run.edges, event.edge] };
    const { node } = event;
    const known = run.nodes.some((n) => n.id === node.id);
    return { nodes: known ? run.nodes.map((n) => (n.id === node.id ? node : n)) : [...run.nodes, node] };
  });
}

export function addHttpRecord(id: string, record: HttpRecord): void {
  update(id, (run) => ({ http: [...run.http, record] }));
}

export function finishRun(id: string, result: ExecutionResult): void {
  update(id, (run) => ({
    state: result.state,
    result,
    // The result's graph is complete even if a live event was missed.
    nodes: result.graph.nodes.length > 0 ? result.graph.nodes : run.nodes,
    edges: result.graph.edges.length > 0 ? result.graph.edges : run.edges,
    memoryPages: Math.max(run.memoryPages, result.memory.peakPages),
    http: result.http,
  }));
}
