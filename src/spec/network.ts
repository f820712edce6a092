/**
 * Who a job's HTTP host module (`wasi:http/requests`) may reach: Bacalhau's network types as its
 * WASM executor applies them (pkg/executor/wasm/funcs/http/http.go: isHostAllowed, matchWildcard).
 * Brine checks the same rule on every redirect hop, where Bacalhau checks only the first URL.
 */
import type { CompatMode, Network } from './types.js';

/** The rule a run's HTTP module applies; absent (null) when the job's network is None. */
export interface HttpAccess {
  /** The job's network type as Bacalhau names it: Default, Host, Full, HTTP or Bridge. */
  network: string;
  /** Which hosts it lets through: every one, those matching `domains`, or none. */
  allow: 'all' | 'domains' | 'none';
  /** Network.Domains, lower-cased and trimmed as Bacalhau normalises them. */
  domains: string[];
  /** Why every host is refused (allow 'none'), said on each refused request. */
  refusal?: string;
}

const CANONICAL: Record<string, string> = {
  default: 'Default',
  none: 'None',
  host: 'Host',
  full: 'Full',
  http: 'HTTP',
  bridge: 'Bridge',
};

/**
 * The job's HTTP rule. None: no module. Host and Full: every host. HTTP: the Domains patterns.
 * Bridge: the module is there but refuses every host, as in Bacalhau. Default is Host on Bacalhau;
 * Brine's default mode keeps the sandbox closed instead: the module is there (the program links
 * as it would on Bacalhau) and each request is refused with the way to allow it. In the Bacalhau
 * compatibility mode, Default is Host.
 */
export function httpAccessOf({ type, domains: written }: Network, compat?: CompatMode): HttpAccess | null {
  const typed = type.trim() || 'Default';
  const network = CANONICAL[typed.toLowerCase()] ?? typed;
  const domains = written.map((domain) => domain.trim().toLowerCase());
  switch (network) {
    case 'None':
      return null;
    case 'HTTP':
      return { network, allow: 'domains', domains };
    case 'Bridge':
      return { network, allow: 'none', domains, refusal: 'Network is Bridge: the HTTP module refuses every host' };
    case 'Default':
      return compat === 'bacalhau'
        ? { network, allow: 'all', domains }
        : {
            network,
            allow: 'none',
            domains,
            refusal:
              'Network is Default, which Brine runs without network access: set Network.Type to HTTP with Domains naming the host (or to Host), or Compat: bacalhau, where Default means Host',
          };
    default:
      return { network, allow: 'all', domains };
  }
}

/** Why `access` refuses `url`, or undefined if it lets the request through. Only the host counts (its port is ignored). */
export function refusalOf(access: HttpAccess, url: URL): string | undefined {
  if (access.allow === 'all') return undefined;
  if (access.allow === 'none') return access.refusal;
  if (access.domains.some((pattern) => matchWildcard(pattern, url.host))) return undefined;
  return access.domains.length === 0
    ? `Network is HTTP with no Domains: host "${url.hostname}" is refused`
    : `host "${url.hostname}" matches none of Network.Domains (${access.domains.join(', ')})`;
}

/**
 * Bacalhau's matchWildcard: the port is cut at the last ":" on both sides; then `*` matches
 * everything, a pattern without `*` matches exactly, `*x` is a suffix, `x*` a prefix and `a*b`
 * both (only the first two pieces of a pattern with several stars count, as in Bacalhau).
 */
export function matchWildcard(pattern: string, host: string): boolean {
  const bare = (text: string) => (text.includes(':') ? text.slice(0, text.lastIndexOf(':')) : text);
  const wanted = bare(pattern);
  const hostLower = bare(host).toLowerCase();
  if (wanted === '*') return true;
  if (!wanted.includes('*')) return wanted === bare(host);
  const parts = wanted.split('*');
  if (wanted.startsWith('*')) return hostLower.endsWith(parts[1]!);
  if (wanted.endsWith('*')) return hostLower.startsWith(parts[0]!);
  return hostLower.startsWith(parts[0]!) && hostLower.endsWith(parts[1]!);
}
