import { addOutput, removeOutput, renameOutput } from '../state/form';
import { useApp } from '../state/store';

/** ResultPaths: writable directories mounted at /<Name>, returned with the result. */
export function OutputPaths() {
  const outputs = useApp((s) => s.form.outputs);
  return (
    <section className="panel" aria-labelledby="outputs-title">
      <h2 id="outputs-title">Output directories</h2>
      <ul className="item-list">
        {outputs.map((output) => (
          <li key={output.id} className="item-row">
            <label className="inline-field">
              Name
              <input
                data-testid="output-name"
                value={output.name}
                onChange={(event) => renameOutput(output.id, event.target.value)}
              />
            </label>
            <span className="muted">mounted at /{output.name.replace(/^\/+/, '')}</span>
            <button
              type="button"
              className="small"
              onClick={() => removeOutput(output.id)}
              aria-label={`Remove output ${output.name}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="small" onClick={addOutput}>
        Add output
      </button>
    </section>
  );
}
