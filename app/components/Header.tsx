import { useState } from 'react';
import { cancelRun, startRun } from '../executor';
import { loadDemo } from '../state/demos';
import { newJob } from '../state/job';
import { isActive } from '../state/run';
import { setNotice, useApp } from '../state/store';
import { EmbedButton, linkableJob } from './Embed';

function DemoMenu() {
  const demos = useApp((s) => s.demos);
  const demoId = useApp((s) => s.demoId);
  return (
    <label className="inline-field">
      Demo
      <select
        data-testid="demo-select"
        value={demoId}
        onChange={(event) => {
          setNotice(null);
          void loadDemo(event.target.value);
        }}
      >
        <option value="" disabled>
          (your job)
        </option>
        {demos.map((demo) => (
          <option key={demo.id} value={demo.id} title={demo.description}>
            {demo.title}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Puts the job in the page's URL and copies the link; refuses jobs too large for a link. */
function ShareButton() {
  const [link, setLink] = useState<string | null>(null);
  const share = () => {
    const job = linkableJob();
    if (job === null) return setLink(null);
    history.replaceState(null, '', job.hash);
    setLink(location.href);
    navigator.clipboard.writeText(location.href).then(
      () => setNotice('Link copied: it reproduces this job.'),
      () => setNotice('The link is in the address bar (the browser did not allow copying).'),
    );
  };
  return (
    <>
      <button type="button" onClick={share}>
        Share
      </button>
      {link !== null && (
        <input
          className="share-link"
          aria-label="Shareable link"
          data-testid="share-link"
          readOnly
          value={link}
          onFocus={(event) => event.target.select()}
        />
      )}
    </>
  );
}

function Notice() {
  const notice = useApp((s) => s.notice);
  if (notice === null) return null;
  return (
    <p className="notice" role="status" data-testid="notice">
      {notice}{' '}
      <button type="button" className="small" onClick={() => setNotice(null)}>
        Dismiss
      </button>
    </p>
  );
}

export function Header() {
  const active = useApp((s) => isActive(s.run.state));
  return (
    <header className="app-header">
      <h1>Brine</h1>
      <span className="tagline muted">WebAssembly jobs, Bacalhau-style, in your browser</span>
      <DemoMenu />
      <button type="button" onClick={newJob}>
        New job
      </button>
      <button type="button" className="primary" data-testid="run" disabled={active} onClick={() => void startRun()}>
        Run
      </button>
      <button type="button" className="danger" data-testid="cancel" disabled={!active} onClick={cancelRun}>
        Cancel
      </button>
      <ShareButton />
      <EmbedButton />
      <Notice />
    </header>
  );
}
