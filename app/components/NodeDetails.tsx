import { formatPages } from '../../src/spec/memory';
import { useApp } from '../state/store';
import { ErrorBox } from './ErrorBox';

/** The selected module: where it came from, its imports, exports and memories against the limit. */
export function NodeDetails() {
  const node = useApp((s) => s.run.nodes.find((n) => n.id === s.selectedNode));
  if (node === undefined) return <p className="muted">Click a module to see its imports, exports and memory limits.</p>;
  return (
    <div className="node-details" data-testid="node-details">
      <h3>{node.id}</h3>
      <p className="muted">
        {node.kind} · {node.status}
        {node.path !== undefined && node.path !== node.id ? ` · file ${node.path}` : ''}
        {node.sha256 !== undefined && ` · sha256 ${node.sha256.slice(0, 16)}…`}
      </p>
      {node.error !== undefined && <ErrorBox error={node.error} testId="node-error" />}
      <h4>Memories</h4>
      {node.memories.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul className="plain-list">
          {node.memories.map((memory, i) => (
            <li
              key={i}
              className={node.limitPages !== undefined && memory.min > node.limitPages ? 'problem' : undefined}
            >
              memory {i}
              {memory.imported ? ' (imported)' : ''}: min {formatPages(memory.min)}, max{' '}
              {memory.max === undefined ? 'none' : formatPages(memory.max)}
              {node.limitPages !== undefined && `; limit ${formatPages(node.limitPages)}`}
            </li>
          ))}
        </ul>
      )}
      <h4>Imports ({node.imports.length})</h4>
      <DescTable rows={node.imports.map((d) => [d.module, d.name, d.kind, d.type ?? ''])} />
      <h4>Exports ({node.exports.length})</h4>
      <DescTable rows={node.exports.map((d) => [d.name, d.kind, d.type ?? ''])} />
    </div>
  );
}

/** Import or export descriptions, one row each; the last column (the type) in monospace. */
function DescTable({ rows }: { rows: string[][] }) {
  return (
    <table className="desc-table">
      <tbody>
        {rows.map((cells, i) => (
          <tr key={i}>
            {cells.map((cell, j) => (
              <td key={j} className={j === cells.length - 1 ? 'mono' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
