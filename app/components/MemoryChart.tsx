import '../teaching.css';
import { Fragment, useMemo } from 'react';
import { GROWS_KEPT } from '../../src/executor/memory-story';
import type { GrowEvent, MemoryReport } from '../../src/executor/types';
import { formatPages } from '../../src/spec/memory';
import { formatMs, plural } from '../lib/format';
import { type ChartModel, chartModel } from '../lib/memoryChart';
import { useApp } from '../state/store';

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { left: 58, right: 16, top: 14, bottom: 26 };
const SERIES_COLOURS = ['#1f6feb', '#8250df', '#1a7f37', '#bf8700'];

const fmt = (n: number) => n.toLocaleString('en-US');

/** Screen coordinates of [ms, pages]. */
function scales(model: ChartModel) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  return {
    x: (ms: number) => MARGIN.left + (ms / model.endMs) * plotWidth,
    y: (pages: number) => MARGIN.top + plotHeight * (1 - Math.min(pages, model.topPages) / model.topPages),
  };
}

function refusalText(grow: GrowEvent): string {
  return `memory.grow from ${fmt(grow.from)} to ${fmt(grow.to)} pages refused at ${formatMs(grow.time)} (${grow.module}, memory ${grow.memory})`;
}

function Chart({ model }: { model: ChartModel }) {
  const { x, y } = scales(model);
  const bottom = y(0);
  return (
    <svg
      className="memory-chart-plot"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Memory pages over time; the limit is ${formatPages(model.limitPages)}`}
    >
      <line className="chart-axis" x1={MARGIN.left} y1={bottom} x2={WIDTH - MARGIN.right} y2={bottom} />
      <line className="chart-axis" x1={MARGIN.left} y1={MARGIN.top} x2={MARGIN.left} y2={bottom} />
      <text className="chart-tick" x={MARGIN.left - 6} y={bottom} textAnchor="end" dominantBaseline="middle">
        0
      </text>
      <text className="chart-tick" x={MARGIN.left} y={HEIGHT - 8}>
        0 ms
      </text>
      <text className="chart-tick" x={WIDTH - MARGIN.right} y={HEIGHT - 8} textAnchor="end">
        {formatMs(model.endMs)} since linking began
      </text>
      <g data-testid="limit-line">
        <line
          className="chart-limit"
          x1={MARGIN.left}
          y1={y(model.limitPages)}
          x2={WIDTH - MARGIN.right}
          y2={y(model.limitPages)}
        />
        <text className="chart-limit-label" x={MARGIN.left + 4} y={y(model.limitPages) - 4}>
          limit {formatPages(model.limitPages)}
        </text>
        <text
          className="chart-tick"
          x={MARGIN.left - 6}
          y={y(model.limitPages)}
          textAnchor="end"
          dominantBaseline="middle"
        >
          {fmt(model.limitPages)}
        </text>
      </g>
      {model.series.map((series, i) => (
        <polyline
          key={series.label}
          className="chart-series"
          data-testid="memory-series"
          stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]}
          points={series.points.map(([ms, pages]) => `${x(ms)},${y(pages)}`).join(' ')}
        >
          <title>{series.label}</title>
        </polyline>
      ))}
      {model.refused.map((grow, i) => {
        const left = x(grow.time);
        const top = y(grow.to);
        // Only the last refusal is labelled (several close together would overlap); each has its tooltip.
        const labelled = i === model.refused.length - 1;
        const onRight = left < WIDTH / 2;
        return (
          <g key={`${grow.time}-${grow.from}-${grow.to}`} data-testid="refused-grow" className="chart-refused">
            <title>{refusalText(grow)}</title>
            <line x1={left} y1={y(grow.from)} x2={left} y2={top} />
            <circle cx={left} cy={y(grow.from)} r={4} />
            <path d={`M${left - 4},${top + 6} L${left},${top} L${left + 4},${top + 6}`} />
            {labelled && (
              <text x={onRight ? left + 7 : left - 7} y={top + 10} textAnchor={onRight ? 'start' : 'end'}>
                asked for {fmt(grow.to)}
                {grow.to > model.topPages ? ' (off the chart)' : ''}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function GrowTable({ memory }: { memory: MemoryReport }) {
  const leftOut = memory.growCount - memory.grows.length;
  return (
    <details className="grow-table">
      <summary>
        {memory.grows.length === memory.growCount
          ? `Every memory.grow (${fmt(memory.growCount)})`
          : `The first and last ${fmt(GROWS_KEPT)} of ${fmt(memory.growCount)} memory.grow calls`}
      </summary>
      <table>
        <thead>
          <tr>
            <th>time</th>
            <th>module</th>
            <th>memory</th>
            <th>from → to pages</th>
            <th>result</th>
          </tr>
        </thead>
        <tbody>
          {memory.grows.map((grow, i) => (
            <Fragment key={i}>
              {leftOut > 0 && i === GROWS_KEPT && (
                <tr className="muted">
                  <td colSpan={5}>… {plural(leftOut, 'grow')} left out …</td>
                </tr>
              )}
              <tr data-testid="grow-row" className={grow.granted ? undefined : 'refused'}>
                <td>{formatMs(grow.time)}</td>
                <td>{grow.module}</td>
                <td>{grow.memory}</td>
                <td>
                  {fmt(grow.from)} → {fmt(grow.to)}
                </td>
                <td>{grow.granted ? 'granted' : 'refused'}</td>
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The memory story of the finished run: pages over time, the limit, the refused grows. */
export function MemoryChart() {
  const result = useApp((s) => s.run.result);
  const model = useMemo(
    () => (result === null ? null : chartModel(result.memory, result.timings.linkMs + result.timings.runMs)),
    [result],
  );
  if (result === null || model === null) return null;
  const { memory } = result;
  const unobserved = memory.unobserved.map(({ module, reason }) => (
    <p key={module} className="muted" data-testid="grows-unobserved">
      memory.grow in {module} is not observed: {reason}.
    </p>
  ));
  if (memory.growCount === 0) return unobserved;
  return (
    <figure className="memory-chart" data-testid="memory-chart">
      <figcaption>
        Memory pages over time: {plural(memory.growCount, 'memory.grow call')}
        {memory.refusedCount > 0 && <strong className="problem">, {fmt(memory.refusedCount)} refused</strong>}.
      </figcaption>
      <Chart model={model} />
      {model.series.length > 1 && (
        <ul className="chart-legend">
          {model.series.map((series, i) => (
            <li key={series.label} style={{ color: SERIES_COLOURS[i % SERIES_COLOURS.length] }}>
              {series.label}
            </li>
          ))}
        </ul>
      )}
      <GrowTable memory={memory} />
      {unobserved}
    </figure>
  );
}
