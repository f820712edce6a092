/**
 * The host's side of a guest's HTTP request where the worker cannot make it itself (Node): fetch
 * with redirects followed here, hop by hop, so each hop is checked against the job's rule before
 * it is requested. Redirects, limits and errors follow Go's http.Client as Bacalhau uses it.
 */
import { errorText } from '../errors/index.js';
import { encodeReply, type HttpCall, HttpCode, type HttpReply, headerLines, parseUrl } from '../protocol/http.js';
import { LaneServer } from '../protocol/lane.js';
import type { HttpOptions } from '../protocol/messages.js';
import { type HttpAccess, refusalOf } from '../spec/network.js';

/** Go's http.Client makes at most this many requests per call: it stops at the 10th redirect. */
const MAX_REQUESTS = 10;
const REDIRECTS = [301, 302, 303, 307, 308];
/** Headers Go drops on a redirect to another domain (net/http: shouldCopyHeaderOnRedirect). */
const SENSITIVE = ['authorization', 'www-authenticate', 'cookie', 'cookie2'];

/** Answers the calls a worker makes over its HTTP lane: requests under the job's rule, ended with the execution. */
export function httpLaneServer(lane: SharedArrayBuffer, http: HttpOptions, signal: AbortSignal): LaneServer {
  return new LaneServer(lane, async (kind, payload) => {
    if (kind !== 'http') throw new Error(`no lane call "${kind}"`);
    const reply = await fetchForGuest({ ...(payload as HttpCall), timeoutMs: http.timeoutMs }, http.access, signal);
    return { status: reply.code, data: encodeReply(reply) };
  });
}

/**
 * Performs `call` under the job's rule `access` (the host's own copy: what the worker sends is not
 * trusted for it), checking every URL, the first included. Never rejects; `signal` ends it when
 * the execution ends.
 */
export async function fetchForGuest(call: HttpCall, access: HttpAccess, signal: AbortSignal): Promise<HttpReply> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const first = new URL(call.url);
  let url = first;
  let method = call.method;
  let body = call.body;
  let headers = call.headers;
  const redirects: string[] = [];
  try {
    for (;;) {
      const refusal = refusalOf(access, url);
      if (refusal !== undefined) {
        const reason = url === first ? refusal : `redirect to ${url.href} refused: ${refusal}`;
        return { code: HttpCode.NotAllowed, redirects, reason };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { code: HttpCode.NetworkError, redirects, reason: `unsupported protocol scheme "${url.protocol}"` };
      }
      const response = await fetch(withoutCredentials(url), {
        method,
        headers: withBasicAuth(headers, url),
        // fetch refuses a body on GET and HEAD, which Go would send.
        ...(body === null || method === 'GET' || method === 'HEAD' ? {} : { body }),
        redirect: 'manual',
        signal: both,
      });
      const location = response.headers.get('location');
      if (!REDIRECTS.includes(response.status) || location === null) {
        const read = await readResponse(response, call.maxBytes);
        return { code: HttpCode.Success, status: response.status, ...read, redirects };
      }
      await response.body?.cancel();
      const next = parseUrl(location, url);
      if (next === null) {
        return { code: HttpCode.NetworkError, redirects, reason: `failed to parse Location header "${location}"` };
      }
      if (redirects.length + 1 === MAX_REQUESTS) {
        return { code: HttpCode.NetworkError, redirects, reason: `stopped after ${MAX_REQUESTS} redirects` };
      }
      redirects.push(next.href);
      if (response.status <= 303) {
        if (method !== 'GET' && method !== 'HEAD') method = 'GET';
        body = null;
      }
      if (!isDomainOrSubdomain(next.hostname, first.hostname)) {
        headers = headers.filter(([key]) => !SENSITIVE.includes(key.toLowerCase()));
      }
      url = next;
    }
  } catch (error) {
    if (timeout.aborted) {
      return { code: HttpCode.Timeout, redirects, reason: `no complete response within ${call.timeoutMs / 1000} s` };
    }
    return { code: HttpCode.NetworkError, redirects, reason: signal.aborted ? 'the execution ended' : failure(error) };
  }
}

/** The response's headers as the guest gets them and its body, up to `maxBytes` (the rest is not read). */
async function readResponse(response: Response, maxBytes: number): Promise<Pick<HttpReply, 'headers' | 'body'>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (reader !== undefined) {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    await reader.cancel();
  }
  const body = new Uint8Array(Math.min(size, maxBytes));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk.subarray(0, body.byteLength - at), at);
    at += chunk.byteLength;
  }
  return { headers: headerLines(response.headers), body };
}

/** Go sends a URL's user:password as Basic authorization, unless the request has its own. */
function withBasicAuth(headers: [string, string][], url: URL): [string, string][] {
  if (url.username === '' && url.password === '') return headers;
  if (headers.some(([key]) => key.toLowerCase() === 'authorization')) return headers;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const bytes = new TextEncoder().encode(credentials);
  return [...headers, ['Authorization', `Basic ${btoa(String.fromCharCode(...bytes))}`]];
}

/** fetch refuses URLs with credentials (they become a header above). */
function withoutCredentials(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

function isDomainOrSubdomain(sub: string, parent: string): boolean {
  return sub === parent || sub.endsWith(`.${parent}`);
}

/** What fetch says went wrong, with the system's reason (ECONNREFUSED, ENOTFOUND...) when it gives one. */
function failure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail === undefined ? errorText(error) : `${errorText(error)}: ${detail}`;
}
