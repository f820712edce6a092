import '../teaching.css';
import { useApp } from '../state/store';

/** What to notice in the demo the job began as, beside it (edits such as turning the trace on keep it). */
export function TeachingNote() {
  const demo = useApp((s) => s.demos.find((d) => d.id === s.startedFromDemo));
  if (demo?.notice === undefined) return null;
  return (
    <aside className="panel teaching-note" aria-labelledby="teaching-note-title" data-testid="teaching-note">
      <h2 id="teaching-note-title">What to notice: {demo.title}</h2>
      <p>{demo.notice}</p>
    </aside>
  );
}
