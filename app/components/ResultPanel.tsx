import { type RefObject, useEffect, useRef } from 'react';
import type { Timings } from '../../src/executor/types';
import { formatPages } from '../../src/spec/memory';
import { formatMs } from '../lib/format';
import { explainMemoryError, explainRefusal } from '../lib/memory';
import { isActive } from '../state/run';
import { useApp } from '../state/store';
import { ErrorBox } from './ErrorBox';
import { HttpRequests } from './HttpRequests';
import { MemoryChart } from './MemoryChart';
import { OnBacalhau } from './OnBacalhau';

/** Room left between the sticky header and a panel scrolled up to it. */
const REVEAL_GAP_PX = 8;

const PHASES = [
  ['compile', 'compileMs'],
  ['link', 'linkMs'],
  ['run', 'runMs'],
] as const satisfies readonly (readonly [string, keyof Timings])[];

function Timeline({ timings }: { timings: Timings }) {
  const total = Math.max(timings.totalMs, 1);
  return (
    <figure className="timeline" aria-label="Phases" data-testid="timeline">
      {PHASES.map(([phase, key]) => (
        <div key={phase} className="timeline-row">
          <span className="timeline-label">{phase}</span>
          <span className="timeline-track">
            <span
              className={`timeline-bar phase-${phase}`}
              style={{ width: `${Math.max((timings[key] / total) * 100, 0.5)}%` }}
            />
          </span>
          <span className="timeline-value">{formatMs(timings[key])}</span>
        </div>
      ))}
      <div className="timeline-row total">
        <span className="timeline-label">total</span>
        <span className="timeline-track" />
        <span className="timeline-value">{formatMs(timings.totalMs)}</span>
      </div>
    </figure>
  );
}

function MemoryGauge() {
  const live = useApp((s) => s.run.memoryPages);
  const memory = useApp((s) => s.run.result?.memory);
  if (memory === undefined) return live > 0 ? <p className="muted">Memory: {formatPages(live)}</p> : null;
  return (
    <div className="memory-gauge">
      <label>
        Peak memory {formatPages(memory.peakPages)} of {formatPages(memory.limitPages)} per memory
        <meter min={0} max={memory.limitPages} value={memory.peakPages} high={memory.limitPages * 0.9} />
      </label>
    </div>
  );
}

function MemoryExplanation() {
  const error = useApp((s) => s.run.result?.error ?? s.run.refusal);
  const memory = useApp((s) => s.run.result?.memory);
  const text = explainMemoryError(error) ?? (memory === undefined ? null : explainRefusal(memory));
  if (text === null) return null;
  return (
    <p className="memory-explain" data-testid="memory-explain">
      {text}
    </p>
  );
}

/**
 * A run that starts while the panel is out of sight (below the job's form on a narrow screen)
 * scrolls the panel up to just under the sticky header, so that pressing Run shows the run.
 */
function useRevealOnRun(panel: RefObject<HTMLElement | null>): void {
  const runId = useApp((s) => s.run.id);
  useEffect(() => {
    if (runId === null || panel.current === null) return;
    const headerBottom = document.querySelector('.app-header')?.getBoundingClientRect().bottom ?? 0;
    const { top } = panel.current.getBoundingClientRect();
    if (top >= headerBottom && top < window.innerHeight / 2) return;
    const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    window.scrollBy({ top: top - headerBottom - REVEAL_GAP_PX, behavior: reducedMotion ? 'instant' : 'smooth' });
  }, [runId, panel]);
}

/** How the execution ended: state, exit code, typed error with hint, phases and memory. */
export function ResultPanel() {
  const state = useApp((s) => s.run.state);
  const result = useApp((s) => s.run.result);
  const refusal = useApp((s) => s.run.refusal);
  const error = result?.error ?? refusal;
  const panel = useRef<HTMLElement>(null);
  useRevealOnRun(panel);
  return (
    <section ref={panel} className="panel result-panel" aria-labelledby="result-title">
      <h2 id="result-title">Result</h2>
      <p className="result-line">
        State:{' '}
        <strong className={`state state-${state}${isActive(state) ? ' active' : ''}`} data-testid="status">
          {state}
        </strong>
        {result !== null && (
          <>
            {' '}
            · Exit code: <strong data-testid="exit-code">{result.exitCode}</strong>
          </>
        )}
        {refusal !== null && <span className="muted"> · refused before it ran</span>}
      </p>
      {error !== null && <ErrorBox error={error} message={result?.errorMsg || error.message} />}
      <MemoryExplanation />
      <OnBacalhau />
      {result !== null && <Timeline timings={result.timings} />}
      <MemoryGauge />
      <MemoryChart />
      <HttpRequests />
    </section>
  );
}
