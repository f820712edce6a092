import { BrineError, type ErrorCode } from '../errors/index.js';

/** Something a check found in a job: an error refuses it, a warning does not. */
export interface Finding {
  severity: 'error' | 'warning';
  /** The field it is about, as a path in the job document, e.g. "Tasks[0].Env.greeting" ("" for the whole job). */
  field: string;
  message: string;
  /** The typed error an error finding becomes (SpecError, InputConfigError, ...). */
  code?: ErrorCode;
  /** What to do about it. */
  hint?: string;
  /** The typed error's details (e.g. a memory request's numbers). */
  details?: Record<string, unknown>;
  /** The rule it follows: Brine's own, or Bacalhau's with the source file it is ported from. */
  rule: string;
}

/** The typed error of an error finding, with its field and specific hint. */
export function findingError(finding: Finding): BrineError {
  const details = finding.field === '' ? finding.details : { ...finding.details, field: finding.field };
  return new BrineError(finding.code ?? 'SpecError', finding.message, details, finding.hint);
}

/** Throws the first error among `findings`, if any. */
export function throwFirstError(findings: readonly Finding[]): void {
  const error = findings.find((finding) => finding.severity === 'error');
  if (error !== undefined) throw findingError(error);
}
