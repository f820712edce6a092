/**
 * Where Brine's behaviour differs from Bacalhau's, in one place: how an ending reads in the
 * Bacalhau compatibility mode (Engine.Params.Brine.Compat: bacalhau), and, in Brine's own mode,
 * the "On Bacalhau" lines that say what Bacalhau would have reported for this run. Sources:
 * ../shared/reference/bacalhau-wasm.md §6 and docs/bacalhau-rules.md part B.
 */
import { brineExtensions } from '../bacalhau/extensions.js';
import { goDuration } from '../bacalhau/go.js';
import { errors } from '../errors/index.js';
import type { LogStore } from '../logs/store.js';
import { type LogEvent, type StreamName, SUMMARY_BYTES } from '../logs/types.js';
import { normalizePath } from '../mounts/paths.js';
import type { HttpRecord } from '../protocol/http.js';
import type { RunEnd } from '../protocol/messages.js';
import { parseBytes } from '../spec/memory.js';
import { entrypointOf, executionTimeoutSeconds, type Job, networkType } from '../spec/types.js';
import type { Ending } from './result.js';

/** wazero's exit code for a module closed by a cancelled context (0xFFFFFFFF). */
export const CANCELLED_EXIT_CODE = 4294967295;
/** The exitCode file of Bacalhau's results holds the decimal text cut to this many bytes. */
export const EXIT_CODE_FILE_BYTES = 4;

export const isBacalhauMode = (job: Job): boolean => job.brine.compat === 'bacalhau';

/** The function the run calls: Bacalhau's executor has no default, so an absent Entrypoint fails there. */
export const entrypointToCall = (job: Job): string => (isBacalhauMode(job) ? job.entrypoint : entrypointOf(job));

/** An ending as Bacalhau reports it: `end` is how the entrypoint call ended, when it did. */
export function bacalhauEnding(job: Job, ending: Ending, end?: RunEnd): Ending {
  if (end?.kind === 'return') return { ...ending, exitCode: -1 };
  if (end?.kind === 'trap') return { ...ending, errorMsg: `wasm error: ${wazeroTrap(end.message)}` };
  if (ending.state === 'cancelled')
    return { state: 'completed', exitCode: CANCELLED_EXIT_CODE, error: null, errorMsg: '' };
  if (ending.state === 'timedOut') {
    const error = errors.timeout(executionTimeoutSeconds(job));
    const text = `Execution timed out after ${goDuration(executionTimeoutSeconds(job))}`;
    return { state: 'failed', exitCode: -1, error, errorMsg: text };
  }
  return ending;
}

/** Bacalhau's result summary of a stream: its first write (one log message), cut to 2 KiB. */
export function firstWriteSummary(logs: LogStore, stream: StreamName): { bytes: Uint8Array; truncated: boolean } {
  const first = logs.events.find((event) => event.stream === stream);
  const bytes = first?.data ?? new Uint8Array(0);
  return { bytes: bytes.subarray(0, SUMMARY_BYTES), truncated: bytes.byteLength > SUMMARY_BYTES };
}

/** What Bacalhau would have reported differently for this run, one line each (Brine's own mode). */
export function differencesOnBacalhau(
  job: Job,
  ending: Ending,
  end: RunEnd | undefined,
  logs: LogStore,
  workerNotes: readonly string[],
  http: readonly HttpRecord[],
): string[] {
  const lines: string[] = [...jobDifferences(job), ...httpDifferences(job, http)];
  if (end?.kind === 'return') lines.push('exit code -1: the entrypoint returned without calling proc_exit');
  if (end?.kind === 'trap') lines.push(`the error reads "wasm error: ${wazeroTrap(end.message)}"`);
  if (ending.state === 'cancelled') lines.push(`a cancel completes with exit code ${CANCELLED_EXIT_CODE} and no error`);
  if (ending.state === 'timedOut') {
    lines.push(`the execution fails with "Execution timed out after ${goDuration(executionTimeoutSeconds(job))}"`);
  }
  const exitCode = String(bacalhauEnding(job, ending, end).exitCode);
  if (exitCode.length > EXIT_CODE_FILE_BYTES) {
    lines.push(`the exitCode file holds "${exitCode.slice(0, EXIT_CODE_FILE_BYTES)}" (cut to 4 bytes)`);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const first = logs.events.find((event: LogEvent) => event.stream === stream);
    const kept = logs.statsOf(stream).kept;
    if (first !== undefined && first.data.byteLength < Math.min(kept, SUMMARY_BYTES)) {
      lines.push(
        `the result's ${stream} summary holds only the first write (${first.data.byteLength} of ${kept} bytes)`,
      );
    }
  }
  return [...lines, ...workerNotes];
}

/** Brine's settings that Bacalhau ignores or fills in differently, as they affect this job. */
function jobDifferences(job: Job): string[] {
  const { brine } = job;
  const lines: string[] = [];
  if (job.entrypoint === '')
    lines.push(`the run fails: unable to find the entrypoint '' in the WASM module (no default)`);
  if (job.resources.memory !== undefined && parseBytes(job.resources.memory) === 0) {
    lines.push('Memory 0 gives each memory 1600 pages (100 MiB), not 65536');
  }
  if (job.inputs.some((input) => normalizePath(input.target) === '')) {
    lines.push('the program does not see the input at "/": Bacalhau mounts it where no path reaches it');
  }
  lines.push(...new Set(brineExtensions(brine).map((extension) => extension.bacalhau)));
  return lines;
}

/** Requests refused here that Bacalhau would have made: under Network Default (Host there), or at a redirect (not checked there). */
function httpDifferences(job: Job, http: readonly HttpRecord[]): string[] {
  const refused = http.filter((request) => request.result === 'NotAllowed');
  const atRedirect = refused.filter((request) => request.redirects !== undefined);
  const lines: string[] = [];
  if (networkType(job).toLowerCase() === 'default' && refused.length > 0) {
    const [first] = refused;
    lines.push(
      `Network Default is Host: the requests refused here would have been made (${refused.length}, first ${first!.method} ${first!.url})`,
    );
  } else if (atRedirect.length > 0) {
    const to = atRedirect[0]!.redirects!.at(-1);
    lines.push(
      `only the first URL is checked: the redirects refused here would have been followed (${atRedirect.length}, first to ${to})`,
    );
  }
  return lines;
}

/** V8's trap messages as wazero words them (internal/wasmruntime/errors.go). */
const WAZERO_TRAPS: [RegExp, string][] = [
  [/unreachable/i, 'unreachable'],
  [/memory access out of bounds|out of bounds memory/i, 'out of bounds memory access'],
  [/divide by zero|remainder by zero/i, 'integer divide by zero'],
  [/integer overflow|divide result/i, 'integer overflow'],
  [/unrepresentable/i, 'invalid conversion to integer'],
  [/table index|out of bounds table/i, 'invalid table access'],
  [/signature mismatch|null function/i, 'indirect call type mismatch'],
  [/stack overflow|call stack/i, 'stack overflow'],
  [/unaligned/i, 'unaligned atomic'],
];

function wazeroTrap(message: string): string {
  return WAZERO_TRAPS.find(([pattern]) => pattern.test(message))?.[1] ?? message;
}
