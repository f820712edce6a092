import { memo, useEffect, useMemo, useState } from 'react';
import type { TraceValue } from '../../src/trace/calls';
import { isFiltered, NO_CRITERIA, type TraceCriteria, TraceFilter, type TraceRow } from '../../src/trace/filter';
import { isError } from '../../src/trace/record';
import type { Trace } from '../../src/trace/store';
import { plural } from '../lib/format';
import { describeErrno, formatCall, formatMicros, formatOutcome, formatValue } from '../lib/trace';
import { setTrace } from '../state/job';
import { logIndex } from '../state/logIndex';
import { setNotice, store, useApp } from '../state/store';
import { currentTrace } from '../state/trace';
import { useVirtualRows, VirtualRows } from './VirtualRows';

const ROW_HEIGHT = 20;
/** Time per frame spent filtering, so that filtering never blocks the page. */
const FILTER_SLICE_MS = 8;

/** The rows to show: every kept record, or those matching `criteria`, found a slice per frame. */
function useTraceRows(trace: Trace, criteria: TraceCriteria) {
  const calls = useApp((s) => s.traceCalls);
  const [, setScanned] = useState(0);
  const filter = useMemo(() => new TraceFilter(trace, criteria), [trace, criteria]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: calls: new records are scanned as they arrive
  useEffect(() => {
    let frame = 0;
    const step = () => {
      const done = filter.scan(FILTER_SLICE_MS);
      setScanned((n) => n + 1);
      if (!done) frame = requestAnimationFrame(step);
    };
    step();
    return () => cancelAnimationFrame(frame);
  }, [filter, calls]);
  return filter.rows();
}

/** One call: when it started, what it was called with, what came back, how long it took. */
function TraceRowView({ trace, row, selected }: { trace: Trace; row: TraceRow; selected: boolean }) {
  return 'dropped' in row ? (
    <div className="trace-gap" data-testid="trace-gap">
      … {plural(row.dropped, 'call')} not kept (the trace keeps the oldest and the newest) …
    </div>
  ) : (
    <TraceCall trace={trace} seq={row.seq} selected={selected} />
  );
}

/** A record never changes once made: its row is not rendered again while records stream in. */
const TraceCall = memo(function TraceCall({ trace, seq, selected }: { trace: Trace; seq: number; selected: boolean }) {
  const record = trace.record(seq);
  if (record === undefined) return <div className="trace-row" />;
  const error = isError(trace.headerAt(seq)!);
  return (
    <div
      className="trace-row"
      data-seq={seq}
      data-fn={record.fn}
      data-error={error || undefined}
      data-selected={selected || undefined}
    >
      <span className="trace-start">{record.start.toFixed(3)}</span>
      <span className="trace-call">{formatCall(record)}</span>
      <span className="trace-outcome"> = {formatOutcome(record)}</span>
      <span className="trace-dur">{formatMicros(record.dur)}</span>
    </div>
  );
});

function FieldTable({ values, label }: { values: Record<string, TraceValue>; label: string }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <table className="desc-table" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <td className="muted">{name}</td>
            <td className="mono">{formatValue(value, true)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Brings the log lines a call wrote into view, marked. */
function showLines(stream: 'stdout' | 'stderr', offset: number, bytes: number): void {
  const first = logIndex.lineAtByte(stream, offset);
  const last = logIndex.lineAtByte(stream, offset + bytes - 1);
  if (first === -1) {
    setNotice('Those bytes are not in the log view.');
    return;
  }
  store.setState((state) => ({
    logFocus: { first, last: Math.max(first, last), stream, reveal: (state.logFocus?.reveal ?? 0) + 1 },
  }));
}

/** Everything about the selected call. */
function TraceDetail({ trace }: { trace: Trace }) {
  const seq = useApp((s) => s.traceSelected);
  useApp((s) => s.traceCalls); // a record selected from the log may arrive later
  if (seq === null) return <p className="muted trace-detail">Click a call for its details.</p>;
  const record = trace.record(seq);
  if (record === undefined) return <p className="muted trace-detail">Call #{seq} is no longer kept.</p>;
  const error = isError(trace.headerAt(seq)!);
  return (
    <div className="trace-detail" data-testid="trace-detail">
      <h3>
        #{seq} {record.fn}
        {record.module === undefined ? '' : <span className="muted"> from {record.module}</span>}
      </h3>
      <p>
        <span className={error ? 'problem' : undefined} data-testid="trace-errno">
          {record.errno === null
            ? record.threw
              ? 'threw a host error'
              : 'did not return (it ended the run)'
            : describeErrno(record.errno)}
        </span>
        <span className="muted">
          {' '}
          · started {record.start.toFixed(3)} ms into the run · took {formatMicros(record.dur)}
        </span>
      </p>
      {record.unreadable && <p className="problem">Its arguments pointed outside the guest's memory.</p>}
      <FieldTable values={record.args} label="Arguments" />
      {record.result !== undefined && (
        <>
          <h4>Returned</h4>
          <FieldTable values={record.result} label="Results" />
        </>
      )}
      {record.log !== undefined && (
        <p>
          Wrote {plural(record.log.bytes, 'byte')} to {record.log.stream}.{' '}
          <button
            type="button"
            className="small"
            onClick={() => showLines(record.log!.stream, record.log!.offset, record.log!.bytes)}
          >
            Show in log
          </button>
        </p>
      )}
    </div>
  );
}

/** Calls, errors and time per function; a click filters the list by the function. */
function TraceSummary({
  trace,
  criteria,
  setCriteria,
}: {
  trace: Trace;
  criteria: TraceCriteria;
  setCriteria: (criteria: TraceCriteria) => void;
}) {
  useApp((s) => s.traceCalls);
  const { byFunction } = trace.summary();
  return (
    <table className="trace-summary" data-testid="trace-summary">
      <thead>
        <tr>
          <th>Function</th>
          <th>Calls</th>
          <th>Errors</th>
          <th>Time</th>
        </tr>
      </thead>
      <tbody>
        {byFunction.map((call) => (
          <tr
            key={call.fn}
            data-fn={call.fn}
            aria-selected={criteria.fn === call.fn}
            onClick={() => setCriteria({ ...criteria, fn: criteria.fn === call.fn ? '' : call.fn })}
          >
            <td className="mono">{call.fn}</td>
            <td>{call.count.toLocaleString('en-US')}</td>
            <td className={call.errors > 0 ? 'problem' : undefined}>{call.errors.toLocaleString('en-US')}</td>
            <td>{formatMicros(call.totalUs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TraceFilters({
  trace,
  criteria,
  setCriteria,
  shown,
}: {
  trace: Trace;
  criteria: TraceCriteria;
  setCriteria: (criteria: TraceCriteria) => void;
  shown: number;
}) {
  const functions = trace.summary().byFunction.map((call) => call.fn);
  const set = (change: Partial<TraceCriteria>) => setCriteria({ ...criteria, ...change });
  return (
    <div className="log-toolbar">
      <select aria-label="Calls to" value={criteria.fn} onChange={(event) => set({ fn: event.target.value })}>
        <option value="">All functions</option>
        {[...functions].sort().map((fn) => (
          <option key={fn}>{fn}</option>
        ))}
      </select>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={criteria.errorsOnly}
          onChange={(event) => set({ errorsOnly: event.target.checked })}
        />
        errors only (errno ≠ success)
      </label>
      <input
        type="search"
        aria-label="Calls on a path"
        placeholder="Path…"
        value={criteria.path}
        onChange={(event) => set({ path: event.target.value })}
      />
      <input
        type="number"
        aria-label="Calls on an fd"
        placeholder="fd"
        min={0}
        className="trace-fd"
        value={criteria.fd}
        onChange={(event) => set({ fd: event.target.value })}
      />
      {isFiltered(criteria) && (
        <button type="button" className="small" onClick={() => setCriteria(NO_CRITERIA)}>
          Clear
        </button>
      )}
      <span className="muted" data-testid="trace-count">
        {plural(trace.calls, 'call')}
        {trace.dropped > 0 ? ` (${trace.dropped.toLocaleString('en-US')} not kept)` : ''}
        {isFiltered(criteria) ? `, ${shown.toLocaleString('en-US')} shown` : ''}
      </span>
    </div>
  );
}

/** The trace of a run: filters, the per-function summary, the calls (virtualized) and the selected one's details. */
function TraceView({ trace }: { trace: Trace }) {
  const [criteria, setCriteria] = useState<TraceCriteria>(NO_CRITERIA);
  const [follow, setFollow] = useState(true);
  const rows = useTraceRows(trace, criteria);
  const list = useVirtualRows(rows.count, ROW_HEIGHT, follow, setFollow);
  const selected = useApp((s) => s.traceSelected);
  const reveal = useApp((s) => s.traceReveal);
  const [revealed, setRevealed] = useState(reveal);

  // A call selected from the log is brought into view (unfiltered if the filter hides it).
  useEffect(() => {
    if (reveal === revealed || selected === null) return;
    const row = rows.indexOf(selected);
    if (row === -1 && isFiltered(criteria)) {
      setCriteria(NO_CRITERIA);
      return;
    }
    setRevealed(reveal);
    setFollow(false);
    list.scrollToRow(row);
  });

  const select = (target: EventTarget) => {
    const seq = (target as Element).closest<HTMLElement>('.trace-row')?.dataset['seq'];
    if (seq === undefined) return;
    setFollow(false);
    store.setState({ traceSelected: Number(seq) });
  };

  return (
    <>
      <TraceFilters trace={trace} criteria={criteria} setCriteria={setCriteria} shown={rows.count} />
      <p className="trace-legend muted" aria-hidden="true">
        ms into the run · call(arguments) = errno and results · time in the call
      </p>
      <VirtualRows
        list={list}
        className="trace"
        label="WASI calls"
        testId="trace-list"
        onClick={select}
        row={(index, key) => {
          const row = rows.row(index);
          return <TraceRowView key={key} trace={trace} row={row} selected={'seq' in row && row.seq === selected} />;
        }}
      />
      <div className="trace-below">
        <TraceDetail trace={trace} />
        <TraceSummary trace={trace} criteria={criteria} setCriteria={setCriteria} />
      </div>
    </>
  );
}

/** The run's WASI calls, and the switch that records them. */
export function TracePane() {
  const enabled = useApp((s) => s.job.brine.trace === true);
  useApp((s) => s.traceCalls);
  const trace = currentTrace();
  return (
    <section className="panel trace-panel" aria-labelledby="trace-title">
      <h2 id="trace-title">WASI calls</h2>
      <label className="inline-check">
        <input
          type="checkbox"
          data-testid="trace-switch"
          checked={enabled}
          onChange={(event) => setTrace(event.target.checked)}
        />
        Record every WASI call of the run (<code>Engine.Params.Brine.Trace</code>)
      </label>
      {trace === null ? (
        <p className="muted">
          {enabled
            ? 'Run the job to see each call it makes to the system, with its arguments, errno and results.'
            : 'Turn it on to see each call the program makes to the system: its arguments, errno and results.'}
        </p>
      ) : (
        <TraceView trace={trace} />
      )}
    </section>
  );
}
