/** The memory chart's geometry: pages over time for each memory the guest grew, the limit, the refusals. */
import type { GrowEvent, MemoryReport } from '../../src/executor/types';

export interface ChartSeries {
  /** "main.wasm memory 0" */
  label: string;
  /** [ms, pages] corners of a step line, from 0 to the end of the run. */
  points: [number, number][];
}

export interface ChartModel {
  series: ChartSeries[];
  refused: GrowEvent[];
  limitPages: number;
  /** The time axis runs from 0 to this (ms since linking began). */
  endMs: number;
  /** The page axis runs from 0 to this: the limit or the largest memory, with room above. */
  topPages: number;
}

/** Above the limit line or the largest memory, this much room is left for the refusals' arrows. */
const HEADROOM = 1.15;

/**
 * The chart of a run's grows: each memory's size steps up at each granted grow (and to a grow's
 * starting size, where grows were left out between the first and the last kept), and stays until
 * `endMs`, the end of the run.
 */
export function chartModel(memory: MemoryReport, endMs: number): ChartModel {
  const byMemory = new Map<string, GrowEvent[]>();
  for (const grow of memory.grows) {
    const key = `${grow.module} memory ${grow.memory}`;
    byMemory.set(key, [...(byMemory.get(key) ?? []), grow]);
  }
  const lastTime = memory.grows.at(-1)?.time ?? 0;
  const end = Math.max(endMs, lastTime, Number.EPSILON);
  const series = [...byMemory].map(([label, grows]): ChartSeries => {
    let pages = grows[0]!.from;
    const points: [number, number][] = [[0, pages]];
    const step = (time: number, to: number) => {
      if (to === pages) return;
      points.push([time, pages], [time, to]);
      pages = to;
    };
    for (const grow of grows) {
      step(grow.time, grow.from);
      if (grow.granted) step(grow.time, grow.to);
    }
    points.push([end, pages]);
    return { label, points };
  });
  const largest = Math.max(0, ...series.flatMap((s) => s.points.map(([, pages]) => pages)));
  const refused = memory.grows.filter((g) => !g.granted);
  const { lastRefused } = memory;
  // The last refusal is kept apart when the grows around it were left out.
  if (lastRefused !== undefined && !refused.some((g) => g.time === lastRefused.time)) refused.push(lastRefused);
  return {
    series,
    refused,
    limitPages: memory.limitPages,
    endMs: end,
    topPages: Math.max(memory.limitPages, largest, 1) * HEADROOM,
  };
}
