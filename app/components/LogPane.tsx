import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { StreamName } from '../../src/logs/types';
import { currentLogBytes } from '../executor';
import { type AnsiSegment, type PackedStyle, parseAnsi, stripAnsi } from '../lib/ansi';
import { download } from '../lib/download';
import { plural } from '../lib/format';
import { LogFilter, logIndex, MAX_LINES } from '../state/logIndex';
import { setNotice, store, useApp } from '../state/store';
import { currentTrace } from '../state/trace';
import { useVirtualRows, VirtualRows } from './VirtualRows';

const ROW_HEIGHT = 18;
/** Longer lines are cut when shown (the download has them whole). */
const MAX_SHOWN_CHARS = 1000;
/** Time per frame spent filtering, so that filtering never blocks the page. */
const FILTER_SLICE_MS = 8;

type StreamSelection = Record<StreamName, boolean>;

/**
 * The rows to show: every line, or the lines matching the search and stream selection, found a
 * slice per frame. Re-renders when lines arrive (logVersion) or the filter finds more.
 */
function useLogRows(query: string, streams: StreamSelection) {
  const version = useApp((s) => s.logVersion);
  const lines = useApp((s) => s.logCount);
  const runId = useApp((s) => s.run.id);
  const [found, setFound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runId: a new run empties the index, so the filter starts over
  const filter = useMemo(() => {
    const needle = query.toLowerCase();
    if (needle === '' && streams.stdout && streams.stderr) return null;
    return new LogFilter(
      logIndex,
      (line) => streams[line.stream] && (needle === '' || stripAnsi(line.text).toLowerCase().includes(needle)),
    );
  }, [query, streams, runId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version: new lines are scanned as they arrive
  useEffect(() => {
    if (filter === null) return;
    let frame = 0;
    const step = () => {
      const done = filter.scan(FILTER_SLICE_MS);
      setFound(filter.count);
      if (!done) frame = requestAnimationFrame(step);
    };
    step();
    return () => cancelAnimationFrame(frame);
  }, [filter, version]);
  return filter === null
    ? { count: lines, lineAt: (row: number) => row }
    : { count: Math.min(found, filter.count), lineAt: (row: number) => filter.lineAt(row) };
}

function segmentClass(segment: AnsiSegment): string | undefined {
  const classes = [segment.colour === null ? '' : `ansi-${segment.colour}`, segment.bold ? 'ansi-bold' : ''].filter(
    Boolean,
  );
  return classes.length > 0 ? classes.join(' ') : undefined;
}

/** One line; unchanged rows are not re-rendered as lines stream in. */
const LogRow = memo(function LogRow({
  line,
  text,
  stream,
  style,
  focused,
}: {
  line: number;
  text: string;
  stream: StreamName;
  style: PackedStyle;
  /** Written by the trace record whose details show. */
  focused: boolean;
}) {
  const cut = text.length > MAX_SHOWN_CHARS;
  return (
    <div className="log-line" data-stream={stream} data-line={line + 1} data-focused={focused || undefined}>
      {parseAnsi(cut ? text.slice(0, MAX_SHOWN_CHARS) : text, style).map((segment, i) => (
        <span key={i} className={segmentClass(segment)}>
          {segment.text}
        </span>
      ))}
      {cut && (
        <span className="log-cut"> … {(text.length - MAX_SHOWN_CHARS).toLocaleString('en-US')} more characters</span>
      )}
    </div>
  );
});

function LogToolbar({
  query,
  setQuery,
  streams,
  setStreams,
  follow,
  setFollow,
  onCopy,
  shown,
}: {
  query: string;
  setQuery: (query: string) => void;
  streams: StreamSelection;
  setStreams: (streams: StreamSelection) => void;
  follow: boolean;
  setFollow: (follow: boolean) => void;
  onCopy: () => void;
  shown: number;
}) {
  const hidden = logIndex.hiddenLines; // re-read whenever the pane renders for new lines
  const truncated = useApp(
    (s) => s.run.result !== null && (s.run.result.logStats.stdout.truncated || s.run.result.logStats.stderr.truncated),
  );
  return (
    <div className="log-toolbar">
      <input
        type="search"
        aria-label="Search the logs"
        placeholder="Search…"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {(['stdout', 'stderr'] as const).map((stream) => (
        <label key={stream} className={`inline-check stream-${stream}`}>
          <input
            type="checkbox"
            checked={streams[stream]}
            onChange={(event) => setStreams({ ...streams, [stream]: event.target.checked })}
          />
          {stream}
        </label>
      ))}
      <button type="button" className="small" aria-pressed={follow} onClick={() => setFollow(!follow)}>
        {follow ? 'Pause' : 'Follow'}
      </button>
      <button type="button" className="small" onClick={onCopy}>
        Copy
      </button>
      <button
        type="button"
        className="small"
        onClick={() => void currentLogBytes().then((parts) => download('logs.txt', parts, 'text/plain'))}
      >
        Download
      </button>
      <span className="muted" data-testid="log-count">
        {plural(shown, 'line')}
      </span>
      {hidden > 0 && (
        <span className="problem">
          Only the first {MAX_LINES.toLocaleString('en-US')} lines are shown; download for all.
        </span>
      )}
      {truncated && <span className="problem">The log passed the executor's cap; its tail was dropped.</span>}
    </div>
  );
}

/**
 * A click on a line of a traced run selects the call that wrote it in the trace (a drag that
 * selects text is not a click on a line).
 */
function showWritingCall(target: EventTarget): void {
  const trace = currentTrace();
  const line = (target as Element).closest<HTMLElement>('.log-line')?.dataset['line'];
  if (trace === null || line === undefined || !(window.getSelection()?.isCollapsed ?? true)) return;
  const seq = trace.recordAtLogOffset(logIndex.byteOfLine(Number(line) - 1));
  if (seq === undefined) {
    setNotice(`The call that wrote line ${line} is not kept: it was among the calls the trace dropped.`);
    return;
  }
  store.setState((state) => ({ traceSelected: seq, traceReveal: state.traceReveal + 1 }));
}

/** The live log: both streams in write order, virtualized, with ANSI colours. */
export function LogPane() {
  const [query, setQuery] = useState('');
  const [streams, setStreams] = useState<StreamSelection>({ stdout: true, stderr: true });
  const [follow, setFollow] = useState(true);
  const { count, lineAt } = useLogRows(query, streams);
  const list = useVirtualRows(count, ROW_HEIGHT, follow, setFollow);
  const traced = useApp((s) => s.traceCalls > 0);
  const focus = useApp((s) => s.logFocus);
  const revealed = useRef(0);

  // A trace record's lines are brought into view unfiltered.
  useEffect(() => {
    if (focus === null) return;
    setQuery('');
    setStreams({ stdout: true, stderr: true });
    setFollow(false);
  }, [focus]);
  useLayoutEffect(() => {
    if (focus === null || focus.reveal === revealed.current || query !== '' || !streams.stdout || !streams.stderr)
      return;
    revealed.current = focus.reveal;
    list.scrollToRow(focus.first);
  });

  const copy = () => {
    const text = Array.from({ length: count }, (_, row) => stripAnsi(logIndex.line(lineAt(row)).text)).join('\n');
    navigator.clipboard.writeText(text).then(
      () => setNotice(`Copied ${plural(count, 'log line')}.`),
      () => setNotice('The browser did not allow copying to the clipboard.'),
    );
  };

  return (
    <section className="panel log-panel" aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <LogToolbar
        query={query}
        setQuery={setQuery}
        streams={streams}
        setStreams={setStreams}
        follow={follow}
        setFollow={setFollow}
        onCopy={copy}
        shown={count}
      />
      <VirtualRows
        list={list}
        className="log"
        label="Log lines"
        testId="log-pane"
        onClick={traced ? showWritingCall : undefined}
        marked={traced}
        row={(index, key) => {
          const line = lineAt(index);
          const text = logIndex.line(line);
          const focused = focus !== null && line >= focus.first && line <= focus.last && text.stream === focus.stream;
          return <LogRow key={key} line={line} focused={focused} {...text} />;
        }}
      />
    </section>
  );
}
