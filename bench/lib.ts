// Shared by the benchmark modules: the context they run in, interleaved timing, table rows.
import type { Files } from './files.js';
import type { NodeWasi } from './node-wasi.js';
import type { Host } from './runner.js';

export interface Context {
  files: Files;
  node(): Promise<Host>;
  chromium(): Promise<Host>;
  /** Node, then Chromium. */
  hosts(): Promise<Host[]>;
  nodeWasi(): Promise<NodeWasi>;
}

export interface Row {
  id: string;
  measure: string;
  brine: string;
  baseline: string;
  ratio: number;
  /** The target for the ratio; null for rows shown as context. */
  target: { op: '≤' | '≥'; value: number } | null;
}

export interface Benchmark {
  id: string;
  run(ctx: Context): Promise<Row[]>;
}

export const atMost = (value: number) => ({ op: '≤' as const, value });
export const atLeast = (value: number) => ({ op: '≥' as const, value });
export const MiB = 2 ** 20;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times the sides side by side: `warmup` untimed rounds, then `reps` rounds running each side
 * once in turn, so drifts in machine load hit every side alike. Each side returns its time in
 * ms; returns the median of each.
 */
export async function compare(sides: (() => Promise<number>)[], { reps = 5, warmup = 1 } = {}): Promise<number[]> {
  const times: number[][] = sides.map(() => []);
  for (let round = 0; round < warmup + reps; round++) {
    for (const [i, side] of sides.entries()) {
      const ms = await side();
      if (round >= warmup) times[i]!.push(ms);
    }
  }
  return times.map(median);
}

export function expectEqual(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: ${actual}, expected ${expected}`);
}

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3)} ms`;
}

/** Throughput in MB/s (10^6 bytes). */
export function rate(bytes: number, milliseconds: number): string {
  const perSecond = bytes / (milliseconds / 1000) / 1e6;
  return perSecond >= 1000
    ? `${(perSecond / 1000).toFixed(2)} GB/s`
    : `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)} MB/s`;
}
