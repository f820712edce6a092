import { useMemo, useState } from 'react';
import type { SerializedError } from '../../src/errors/index';
import { findingError } from '../../src/spec/findings';
import { formatBytes } from '../../src/spec/memory';
import { download } from '../lib/download';
import { serializeError } from '../lib/errors';
import { exportForBacalhau } from '../lib/exportYaml';
import { jobYaml, type Placeholder, yamlSources } from '../lib/jobYaml';
import { dropYamlDraft, editYaml, endYamlEdit } from '../state/job';
import { store, useApp } from '../state/store';
import { ErrorBox } from './ErrorBox';

function PlaceholderNote({ placeholder: { target, sourcePath, bytes, reason } }: { placeholder: Placeholder }) {
  const why =
    reason === 'size'
      ? `${target} (${formatBytes(bytes)}) is too large to inline here`
      : `${target} is writable, and inline sources are read-only`;
  return (
    <p className="note" data-testid="yaml-note">
      {why}, so the YAML names it as a localDirectory source with SourcePath "{sourcePath}": put the file beside the job
      file for <code>brine run</code>, or replace the source with urlDownload, ipfs or s3 for a Bacalhau network.
    </p>
  );
}

/** Keys the job has no field for, with the closest known one; the text keeps them until fixed or dropped. */
function UnknownKeys() {
  const warnings = useApp((s) => s.yamlDraft?.warnings);
  if (warnings === undefined || warnings.length === 0) return null;
  return (
    <div className="warning-box" role="status">
      <ul className="plain-list">
        {warnings.map((warning) => (
          <li key={warning.field} data-testid="yaml-warning">
            {warning.message}
          </li>
        ))}
      </ul>
      <p className="muted">{warnings[0]!.hint}</p>
      <button type="button" className="small" onClick={dropYamlDraft}>
        Drop unknown keys
      </button>
    </div>
  );
}

/** The Bacalhau job YAML of the job; typing or pasting YAML changes the job. */
export function YamlView() {
  const job = useApp((s) => s.job);
  const files = useApp((s) => s.files);
  const draft = useApp((s) => s.yamlDraft);
  // The job's text is only written out when it is shown (the placeholders are cheap to find).
  const derived = useMemo(() => (draft === null ? jobYaml(job, files).yaml : null), [draft, job, files]);
  const { placeholders } = useMemo(() => yamlSources(job, files), [job, files]);
  const [exportProblem, setExportProblem] = useState<SerializedError | null>(null);
  const save = async () => {
    const { job: current, files: currentFiles } = store.getState();
    setExportProblem(null);
    try {
      const exported = await exportForBacalhau(current, currentFiles);
      if ('yaml' in exported) download(`${current.name || 'job'}.yaml`, exported.yaml, 'application/yaml');
      else setExportProblem(findingError(exported.refused[0]!).toJSON());
    } catch (error) {
      setExportProblem(serializeError(error, 'InputConfigError'));
    }
  };
  return (
    <section className="panel yaml-panel" aria-labelledby="yaml-title">
      <div className="panel-head">
        <h2 id="yaml-title">Job YAML</h2>
        <button
          type="button"
          className="small"
          disabled={draft?.error != null}
          title="The job ready for a Bacalhau network, as brine export writes it"
          onClick={save}
        >
          Download YAML
        </button>
      </div>
      <textarea
        className="yaml-editor"
        aria-label="Job YAML"
        aria-invalid={draft?.error != null || undefined}
        data-testid="job-yaml"
        spellCheck={false}
        value={draft?.text ?? derived ?? ''}
        onChange={(event) => editYaml(event.target.value)}
        onBlur={endYamlEdit}
      />
      {draft?.error && (
        <>
          <ErrorBox error={draft.error} testId="yaml-error" />
          <button type="button" className="small" onClick={dropYamlDraft}>
            Discard the YAML edits
          </button>
        </>
      )}
      {exportProblem !== null && <ErrorBox error={exportProblem} testId="export-error" />}
      <UnknownKeys />
      {placeholders.map((placeholder) => (
        <PlaceholderNote key={placeholder.target} placeholder={placeholder} />
      ))}
    </section>
  );
}
