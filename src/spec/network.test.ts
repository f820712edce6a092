import { describe, expect, it } from 'vitest';
import { httpAccessOf, matchWildcard, refusalOf } from './network.js';
import type { Network } from './types.js';

const accessOf = (network: Network, compat = false) => httpAccessOf(network, compat ? 'bacalhau' : undefined);

describe('matchWildcard (Bacalhau funcs/http)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['example.com', 'api.example.com', false],
    ['*', 'anything.org', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['api.*', 'api.example.com', true],
    ['api.*', 'web.example.com', false],
    ['api.*.org', 'api.data.org', true],
    ['api.*.org', 'api.data.com', false],
    ['example.com:8080', 'example.com:9090', true],
    ['example.com', 'example.com:443', true],
    ['*.example.com', 'API.EXAMPLE.COM', true],
    ['example.com', 'EXAMPLE.COM', false],
  ])('%s against %s: %s', (pattern, host, expected) => {
    expect(matchWildcard(pattern, host)).toBe(expected);
  });
});

describe('httpAccessOf and refusalOf', () => {
  const url = new URL('http://api.example.com:8080/x');

  it('None has no module; Host and Full allow every host', () => {
    expect(accessOf({ type: 'None', domains: [] })).toBeNull();
    expect(accessOf({ type: ' none ', domains: [] })).toBeNull();
    for (const type of ['Host', 'FULL']) expect(refusalOf(accessOf({ type, domains: [] })!, url)).toBeUndefined();
  });

  it('HTTP allows the Domains patterns, lower-cased and trimmed as Bacalhau normalises them', () => {
    const access = accessOf({ type: 'http', domains: [' *.Example.COM '] })!;
    expect(access).toMatchObject({ network: 'HTTP', allow: 'domains', domains: ['*.example.com'] });
    expect(refusalOf(access, url)).toBeUndefined();
    expect(refusalOf(access, new URL('http://example.org/'))).toBe(
      'host "example.org" matches none of Network.Domains (*.example.com)',
    );
    expect(refusalOf(accessOf({ type: 'HTTP', domains: [] })!, url)).toMatch(/no Domains/);
  });

  it('Bridge refuses every host; Default too in Brine mode, and is Host in the Bacalhau mode', () => {
    expect(refusalOf(accessOf({ type: 'Bridge', domains: [] })!, url)).toMatch(/Bridge/);
    expect(refusalOf(accessOf({ type: '', domains: [] })!, url)).toMatch(/^Network is Default/);
    expect(refusalOf(accessOf({ type: 'Default', domains: [] }, true)!, url)).toBeUndefined();
  });
});
