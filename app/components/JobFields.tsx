import { useId } from 'react';
import { describeMemoryField } from '../lib/memory';
import { setField, type TextField } from '../state/form';
import { useApp } from '../state/store';

function Field({
  field,
  label,
  testId,
  multiline = false,
  placeholder,
}: {
  field: TextField;
  label: string;
  testId?: string;
  multiline?: boolean;
  placeholder?: string;
}) {
  const value = useApp((s) => s.form[field]);
  const id = useId();
  const props = { id, value, placeholder, 'data-testid': testId, spellCheck: false };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...props} rows={3} onChange={(event) => setField(field, event.target.value)} />
      ) : (
        <input {...props} onChange={(event) => setField(field, event.target.value)} />
      )}
    </div>
  );
}

function MemoryHint() {
  const memory = useApp((s) => s.form.memory);
  const { ok, text } = describeMemoryField(memory);
  return (
    <p className={ok ? 'field-hint' : 'field-hint problem'} data-testid="memory-hint">
      {text}
    </p>
  );
}

export function JobFields() {
  return (
    <section className="panel" aria-labelledby="job-title">
      <h2 id="job-title">Job</h2>
      <div className="field-grid">
        <Field field="entryModule" label="Entry module (path)" placeholder="main.wasm" />
        <Field field="entrypoint" label="Entrypoint" placeholder="_start" />
        <Field field="parameters" label="Parameters (one per line)" testId="args-input" multiline />
        <Field field="env" label="Environment (NAME=value per line)" testId="env-input" multiline />
        <Field field="stdin" label="Standard input" multiline />
        <Field field="importModules" label="Import modules (paths, one per line)" multiline />
        <div>
          <Field field="memory" label="Memory limit" testId="memory-input" placeholder="512Mb" />
          <MemoryHint />
        </div>
        <Field field="timeout" label="Timeout (seconds, empty for none)" testId="timeout-input" placeholder="0" />
      </div>
    </section>
  );
}
