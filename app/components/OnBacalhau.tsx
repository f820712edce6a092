import { useApp } from '../state/store';

/** What Bacalhau would have reported differently for this run (empty in the compatibility mode). */
export function OnBacalhau() {
  const result = useApp((s) => s.run.result);
  if (result === null) return null;
  if (result.compat !== undefined) {
    return (
      <p className="muted" data-testid="compat-note">
        Ran in the Bacalhau compatibility mode: exit codes, outputs, env and randomness as on a Bacalhau node.
      </p>
    );
  }
  const lines = result.onBacalhau;
  if (lines.length === 0) return null;
  return (
    <details className="on-bacalhau" data-testid="on-bacalhau" open>
      <summary>On Bacalhau, this run would differ</summary>
      <ul className="plain-list">
        {lines.map((line) => (
          <li key={line}>On Bacalhau: {line}</li>
        ))}
      </ul>
    </details>
  );
}
