import type { Finding } from '../../src/spec/findings';
import { inputPath, isAbout, outputPath, TEXT_FIELD_NAMES, TEXT_FIELDS } from '../lib/jobForm';
import { admissionOf } from '../state/admission';
import { useApp } from '../state/store';

/** Whether a form control shows this finding (beside the field it is about). */
function shownByControl(finding: Finding, inputs: number, outputs: number): boolean {
  const paths = [
    ...TEXT_FIELD_NAMES.map((field) => TEXT_FIELDS[field].path),
    ...Array.from({ length: inputs }, (_, i) => inputPath(i)),
    ...Array.from({ length: outputs }, (_, i) => outputPath(i)),
  ];
  return paths.some((path) => isAbout(finding, path));
}

/**
 * What admission says about the job, beside it: errors about fields the form has no control for
 * (the others show under their control), and every warning, which does not stop Run.
 */
export function JobChecks() {
  const job = useApp((s) => s.job);
  const listed = admissionOf(job).findings.filter(
    (finding) => finding.severity === 'warning' || !shownByControl(finding, job.inputs.length, job.outputs.length),
  );
  if (listed.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="checks-title">
      <h2 id="checks-title">Checks</h2>
      <ul className="plain-list checks">
        {listed.map((finding, i) => (
          <li
            key={i}
            className={finding.severity === 'error' ? 'problem' : 'note'}
            data-testid={finding.severity === 'error' ? 'job-problem' : 'job-warning'}
          >
            {finding.field !== '' && <code>{finding.field}</code>} {finding.message}
            {finding.hint && <span className="muted"> Hint: {finding.hint}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
