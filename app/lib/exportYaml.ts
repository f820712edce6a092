/** The job as `brine export` writes it for a Bacalhau network, with the job's files inlined. */

import type { BacalhauFinding } from '../../src/bacalhau/check';
import { errors } from '../../src/errors/index';
import type { Job } from '../../src/spec/types';
import { fileAt, type JobFiles } from './jobFiles';

export type Exported = { yaml: string } | { refused: BacalhauFinding[] };

/** Loaded on first use: Bacalhau's rules are not needed to run jobs. */
export async function exportForBacalhau(job: Job, files: JobFiles): Promise<Exported> {
  const { exportJob } = await import('../../src/bacalhau/export');
  const { yaml, check } = await exportJob(job, async (sourcePath) => {
    const tree = fileAt(files, sourcePath);
    if (tree === undefined) throw errors.inputConfig(`no file "${sourcePath}": add it to the job`, { sourcePath });
    return tree;
  });
  return check.accepted ? { yaml } : { refused: check.findings.filter((finding) => finding.severity === 'error') };
}
