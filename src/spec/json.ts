import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { Job } from './types.js';

/**
 * A value as plain JSON with its bytes as `{ base64 }`, for channels that cannot pass Uint8Arrays,
 * such as Playwright's page.evaluate. fromJsonValue(toJsonValue(x)) equals x for jobs and results.
 */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(
    // The holder's own value, not `item`: a Node Buffer's toJSON has already turned `item` into numbers.
    JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
      const original = this[key];
      return original instanceof Uint8Array ? { base64: bytesToBase64(original) } : item;
    }),
  );
}

export function fromJsonValue<T>(json: unknown): T {
  return JSON.parse(JSON.stringify(json), (_key, item: unknown) =>
    typeof item === 'object' && item !== null && 'base64' in item && typeof item.base64 === 'string'
      ? base64ToBytes(item.base64)
      : item,
  ) as T;
}

/**
 * A Job as plain JSON (bytes as base64). Unlike the YAML form it keeps every field (in-memory
 * trees, read-write flags), so jobFromJson(jobToJson(job)) equals job.
 */
export const jobToJson = (job: Job): unknown => toJsonValue(job);

export const jobFromJson = (json: unknown): Job => fromJsonValue<Job>(json);
