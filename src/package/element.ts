/**
 * `brine/element`: defines <brine-job>. Built into one self-contained module
 * (dist/browser/element.js, no imports) that starts dist/browser/execution.worker.js beside it.
 */
import { defineBrineJob } from '../element/brine-job.js';
import { runJob } from './browser.js';

export {
  BrineJobElement,
  type BrineJobOutcome,
  type BrineJobState,
  type BrineLogDetail,
  defineBrineJob,
} from '../element/brine-job.js';

defineBrineJob(runJob);
