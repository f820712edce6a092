import { useId } from 'react';
import type { SerializedError } from '../../src/errors/index';
import type { Finding } from '../../src/spec/findings';
import { isAbout, TEXT_FIELDS, type TextField } from '../lib/jobForm';
import { describeMemoryField } from '../lib/memory';
import { admissionOf } from '../state/admission';
import { setBacalhauMode, setField } from '../state/job';
import { useApp } from '../state/store';

/** What is wrong with a field: its text that does not parse, or the checks it fails, each with its hint. */
export function FieldProblems({ problems }: { problems: readonly (SerializedError | Finding)[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems">
      {problems.map((problem, i) => (
        <li key={i} className="field-hint problem" data-testid="field-problem">
          {problem.message}
          {problem.hint ? <span className="field-problem-hint">Hint: {problem.hint}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** The errors admission finds about the field at `path` (or inside it). */
export function useFieldErrors(path: string): Finding[] {
  const findings = useApp((s) => admissionOf(s.job).findings);
  return findings.filter((finding) => finding.severity === 'error' && isAbout(finding, path));
}

function Field({
  field,
  testId,
  multiline = false,
  placeholder,
  showsErrors = true,
}: {
  field: TextField;
  testId?: string;
  multiline?: boolean;
  placeholder?: string;
  /** False when the field explains its errors itself (the memory field). */
  showsErrors?: boolean;
}) {
  const spec = TEXT_FIELDS[field];
  const draft = useApp((s) => s.drafts[field]);
  const formatted = useApp((s) => spec.format(s.job));
  const errors = useFieldErrors(spec.path);
  const id = useId();
  const problems = draft?.error ? [draft.error] : showsErrors ? errors : [];
  const invalid = draft?.error != null || errors.length > 0;
  const props = {
    id,
    value: draft?.text ?? formatted ?? '',
    placeholder,
    disabled: draft === undefined && formatted === null,
    'aria-invalid': invalid || undefined,
    'data-testid': testId,
    spellCheck: false,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{spec.label}</label>
      {multiline ? (
        <textarea {...props} rows={3} onChange={(event) => setField(field, event.target.value)} />
      ) : (
        <input {...props} onChange={(event) => setField(field, event.target.value)} />
      )}
      {props.disabled && 'unwritable' in spec && <p className="field-hint">{spec.unwritable}</p>}
      <FieldProblems problems={problems} />
    </div>
  );
}

/** The Bacalhau compatibility mode switch (Engine.Params.Brine.Compat: bacalhau). */
function CompatSwitch() {
  const on = useApp((s) => s.job.brine.compat === 'bacalhau');
  return (
    <label className="inline-field compat-switch">
      <input
        type="checkbox"
        data-testid="compat-switch"
        checked={on}
        onChange={(event) => setBacalhauMode(event.target.checked)}
      />
      Run as on Bacalhau (exit codes, outputs, env, randomness as a Bacalhau node gives them)
    </label>
  );
}

function MemoryHint() {
  const memory = useApp((s) => s.job.resources.memory ?? '');
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
        <Field field="entryModule" placeholder="main.wasm" />
        <Field field="entrypoint" placeholder="_start" />
        <Field field="parameters" testId="args-input" multiline />
        <Field field="env" testId="env-input" multiline />
        <Field field="stdin" multiline />
        <Field field="importModules" multiline />
        <div>
          <Field field="memory" testId="memory-input" placeholder="512Mb" showsErrors={false} />
          <MemoryHint />
        </div>
        <Field field="timeout" testId="timeout-input" placeholder="0" />
      </div>
      <CompatSwitch />
    </section>
  );
}
