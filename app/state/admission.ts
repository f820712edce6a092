/** Admission of the job being edited, computed once per job (the form and the checks list both read it). */
import { type Admission, admit } from '../../src/spec/admit';
import type { Job } from '../../src/spec/types';

const admissions = new WeakMap<Job, Admission>();

export function admissionOf(job: Job): Admission {
  let admission = admissions.get(job);
  if (admission === undefined) {
    admission = admit(job);
    admissions.set(job, admission);
  }
  return admission;
}
