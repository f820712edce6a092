import { type HttpAccess, httpAccessOf } from '../../src/spec/network';
import { useApp } from '../state/store';

function explain(access: HttpAccess | null): string {
  if (access === null) {
    return 'No network: the HTTP host module (wasi:http/requests) is absent, so a program that imports it fails to link.';
  }
  const cors = 'A server on another origin must allow this page with CORS.';
  switch (access.allow) {
    case 'all':
      return `The program may request any host through wasi:http/requests${access.network === 'Default' ? ' (Default is Host in the Bacalhau mode)' : ''}. ${cors}`;
    case 'domains':
      return access.domains.length === 0
        ? 'HTTP with no Domains: every request is refused.'
        : `Only hosts matching Domains are reached; the others are refused (NotAllowed), redirects included. ${cors}`;
    case 'none':
      return `${access.refusal}.`;
  }
}

/** The job's network rule, as the HTTP host module will apply it. */
export function NetworkRule() {
  const network = useApp((s) => s.job.network);
  const compat = useApp((s) => s.job.brine.compat);
  const access = httpAccessOf(network, compat);
  return (
    <section className="panel network-rule" aria-labelledby="network-title" data-testid="network-rule">
      <h2 id="network-title">Network</h2>
      <p>
        <strong data-testid="network-type">{access?.network ?? 'None'}</strong>
        {access !== null && access.domains.length > 0 && (
          <>
            {' '}
            · Domains:{' '}
            <span data-testid="network-domains">
              {access.domains.map((domain, i) => (
                <span key={domain}>
                  {i > 0 && ', '}
                  <code>{domain}</code>
                </span>
              ))}
            </span>
          </>
        )}
      </p>
      <p className="muted">{explain(access)}</p>
    </section>
  );
}
