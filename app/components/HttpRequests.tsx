import type { HttpRecord } from '../../src/protocol/http';
import { formatBytes } from '../../src/spec/memory';
import { formatMs, plural } from '../lib/format';
import { useApp } from '../state/store';

function Request({ request }: { request: HttpRecord }) {
  const ok = request.result === 'Success';
  return (
    <li className={`http-request${ok ? '' : ' problem'}`} data-testid="http-request" data-result={request.result}>
      <span className="http-method mono">{request.method}</span>
      <span className="http-url mono" title={request.url}>
        {request.url}
      </span>
      <span className="http-outcome">{ok ? request.status : request.result}</span>
      <span className="http-size">{request.bytes === undefined ? '' : formatBytes(request.bytes)}</span>
      <span className="http-time">{formatMs(request.ms)}</span>
      {request.redirects !== undefined && (
        <span className="http-note mono">redirected to {request.redirects.join(' → ')}</span>
      )}
      {request.reason !== undefined && <span className="http-note">{request.reason}</span>}
      {request.truncated && <span className="http-note">cut to the program's buffers</span>}
    </li>
  );
}

/** The program's HTTP requests (wasi:http/requests) as they end: method, URL, status or why not, bytes, time. */
export function HttpRequests() {
  const requests = useApp((s) => s.run.http);
  const omitted = useApp((s) => s.run.result?.httpOmitted ?? 0);
  if (requests.length === 0) return null;
  return (
    <div className="http-requests" data-testid="http-requests">
      <h3>HTTP requests ({(requests.length + omitted).toLocaleString('en-US')})</h3>
      <ol>
        {requests.map((request, index) => (
          <Request key={index} request={request} />
        ))}
      </ol>
      {omitted > 0 && <p className="muted">and {plural(omitted, 'later request')}, counted but not listed</p>}
    </div>
  );
}
