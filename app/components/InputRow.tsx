import type { ReactNode } from 'react';
import { type InputRow, inputPath, inputRows } from '../lib/jobForm';
import { removeInput, setInputTarget } from '../state/job';
import { useApp } from '../state/store';
import { FieldProblems, useFieldErrors } from './JobFields';

/** The job's inputs of one kind, as the form shows them. */
export function useInputRows(kind: InputRow['kind']): InputRow[] {
  const job = useApp((s) => s.job);
  const files = useApp((s) => s.files);
  return inputRows(job, files).filter((row) => row.kind === kind);
}

/**
 * One input of the job: where its files came from and what they are, where they are mounted, the
 * list's own control (entry module, writable) and Remove; the checks it fails under it.
 */
export function InputRowItem({
  row,
  targetTestId,
  detail,
  children,
}: {
  row: InputRow;
  targetTestId: string;
  detail: ReactNode;
  children: ReactNode;
}) {
  const errors = useFieldErrors(inputPath(row.index));
  return (
    <li>
      <div className="item-row">
        <span className="item-name" title={row.label}>
          {row.label}
        </span>
        {detail}
        <label className="inline-field">
          at
          <input
            aria-label={`Target path of ${row.label}`}
            aria-invalid={errors.length > 0 || undefined}
            data-testid={targetTestId}
            value={row.target}
            onChange={(event) => setInputTarget(row.index, event.target.value)}
          />
        </label>
        {children}
        <button
          type="button"
          className="small"
          onClick={() => removeInput(row.index)}
          aria-label={`Remove ${row.label}`}
        >
          Remove
        </button>
      </div>
      <FieldProblems problems={errors} />
    </li>
  );
}
