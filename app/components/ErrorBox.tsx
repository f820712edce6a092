import type { SerializedError } from '../../src/errors/index';

/** A typed error: its code, its message, the field it is about and the hint for fixing it. */
export function ErrorBox({
  error,
  message = error.message,
  testId = 'error',
}: {
  error: SerializedError;
  message?: string;
  testId?: string;
}) {
  const field = error.details?.['field'];
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <p>
        <strong className="error-code">{error.code}</strong> <span className="muted">({error.component})</span>
      </p>
      <p className="error-message">{message}</p>
      {typeof field === 'string' && field !== '' && (
        <p className="error-field">
          Field: <code>{field}</code>
        </p>
      )}
      {error.hint !== '' && <p className="error-hint">Hint: {error.hint}</p>}
    </div>
  );
}
