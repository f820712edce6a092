import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { Job } from './types.js';

/**
 * A Job as plain JSON (bytes as base64), for drivers that cannot pass Uint8Arrays, such as
 * Playwright's page.evaluate. Unlike the YAML form it keeps every field (in-memory trees,
 * read-write flags), so jobFromJson(jobToJson(job)) equals job.
 */
export function jobToJson(job: Job): unknown {
  return JSON.parse(
    JSON.stringify(job, (_key, value: unknown) =>
      value instanceof Uint8Array ? { base64: bytesToBase64(value) } : value,
    ),
  );
}

export function jobFromJson(json: unknown): Job {
  return JSON.parse(JSON.stringify(json), (_key, value: unknown) =>
    typeof value === 'object' && value !== null && 'base64' in value && typeof value.base64 === 'string'
      ? base64ToBytes(value.base64)
      : value,
  ) as Job;
}
