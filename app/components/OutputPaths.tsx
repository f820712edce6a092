import { outputPath } from '../lib/jobForm';
import { addOutput, removeOutput, renameOutput } from '../state/job';
import { useApp } from '../state/store';
import { FieldProblems, useFieldErrors } from './JobFields';

function OutputRow({ index, name }: { index: number; name: string }) {
  const errors = useFieldErrors(outputPath(index));
  return (
    <li>
      <div className="item-row">
        <label className="inline-field">
          Name
          <input
            data-testid="output-name"
            aria-invalid={errors.length > 0 || undefined}
            value={name}
            onChange={(event) => renameOutput(index, event.target.value)}
          />
        </label>
        <span className="muted">mounted at /{name.replace(/^\/+/, '')}</span>
        <button
          type="button"
          className="small"
          onClick={() => removeOutput(index)}
          aria-label={`Remove output ${name}`}
        >
          Remove
        </button>
      </div>
      <FieldProblems problems={errors} />
    </li>
  );
}

/** ResultPaths: writable directories mounted at /<Name>, returned with the result. */
export function OutputPaths() {
  const outputs = useApp((s) => s.job.outputs);
  return (
    <section className="panel" aria-labelledby="outputs-title">
      <h2 id="outputs-title">Output directories</h2>
      <ul className="item-list">
        {outputs.map((output, index) => (
          <OutputRow key={index} index={index} name={output.name} />
        ))}
      </ul>
      <button type="button" className="small" onClick={addOutput}>
        Add output
      </button>
    </section>
  );
}
