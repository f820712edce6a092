import { useMemo } from 'react';
import { formatBytes } from '../../src/spec/memory';
import { download } from '../lib/download';
import { serializeError } from '../lib/errors';
import { formToYaml } from '../lib/jobForm';
import { editYaml, endYamlEdit } from '../state/form';
import { useApp } from '../state/store';
import { ErrorBox } from './ErrorBox';

/** The Bacalhau job YAML of the form; typing or pasting YAML fills the form. */
export function YamlView() {
  const form = useApp((s) => s.form);
  const draft = useApp((s) => s.yamlDraft);
  const error = useApp((s) => s.yamlError);
  const derived = useMemo(() => {
    try {
      return { ...formToYaml(form), problem: null };
    } catch (problem) {
      return { yaml: '', placeholders: [], problem: serializeError(problem, 'SpecError') };
    }
  }, [form]);
  const shown = draft ?? derived.yaml;
  return (
    <section className="panel yaml-panel" aria-labelledby="yaml-title">
      <div className="panel-head">
        <h2 id="yaml-title">Job YAML</h2>
        <button
          type="button"
          className="small"
          disabled={derived.problem !== null}
          onClick={() => download(`${form.extras.name || 'job'}.yaml`, derived.yaml, 'application/yaml')}
        >
          Download YAML
        </button>
      </div>
      <textarea
        className="yaml-editor"
        aria-label="Job YAML"
        data-testid="job-yaml"
        spellCheck={false}
        value={shown}
        onChange={(event) => editYaml(event.target.value)}
        onBlur={endYamlEdit}
      />
      {error !== null && <ErrorBox error={error} testId="yaml-error" />}
      {derived.problem !== null && <ErrorBox error={derived.problem} testId="yaml-error" />}
      {derived.placeholders.map(({ target, sourcePath, bytes }) => (
        <p key={target} className="note" data-testid="yaml-note">
          {target} ({formatBytes(bytes)}) is too large to inline here, so the YAML names it as a localDirectory source
          with SourcePath "{sourcePath}": put the file beside the job file for <code>brine run</code>, or replace the
          source with urlDownload, ipfs or s3 for a Bacalhau network.
        </p>
      ))}
    </section>
  );
}
