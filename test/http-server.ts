/**
 * A loopback HTTP server for the HTTP host module's tests (vitest, Playwright, bench). It answers
 * under two host names (127.0.0.1 and localhost), so redirects can cross hosts, and allows every
 * origin with CORS except on /no-cors.
 *
 *   /echo          the request as JSON: method, url, headers, body
 *   /json          a small JSON document
 *   /status/N      status N, body "status N"
 *   /redirect?to=URL[&status=N]   a redirect (302 by default) to URL
 *   /chain/N       N redirects in a row, then /echo
 *   /big?bytes=N   N bytes of "0123456789" repeated
 *   /gzip          a gzip-encoded body
 *   /headers       several headers, two Set-Cookie among them
 *   /stall         never answers; /stall-body sends the headers and 5 bytes, then nothing
 *   /no-cors       a body without CORS headers
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  port: number;
  /** A URL on this server under `host` (127.0.0.1 or localhost). */
  url(path: string, host?: string): string;
  /** Every request answered or stalled, in order (CORS preflights left out). */
  seen: SeenRequest[];
  /** Resolves when a stalled request's connection is closed by the client. */
  stallClosed(): Promise<void>;
  close(): Promise<void>;
}

export const JSON_DOC = { stations: [{ name: 'a', temp: 12.5 }] };

export async function startHttpServer(): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  let closedStall: () => void = () => {};
  let stallClosed = new Promise<void>((resolve) => {
    closedStall = resolve;
  });
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://server');
    const noCors = url.pathname === '/no-cors';
    if (!noCors) {
      response.setHeader('Access-Control-Allow-Origin', '*');
      response.setHeader('Access-Control-Expose-Headers', '*');
    }
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      response.writeHead(204, { 'Access-Control-Allow-Methods': '*', 'Access-Control-Allow-Headers': '*' }).end();
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    route(url, request, response, body, () => {
      response.on('close', () => closedStall());
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    seen,
    stallClosed: async () => {
      await stallClosed;
      stallClosed = new Promise<void>((resolve) => {
        closedStall = resolve;
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(url: URL, request: IncomingMessage, response: ServerResponse, body: string, onStall: () => void): void {
  const path = url.pathname;
  const json = (value: unknown) => {
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify(value));
  };
  if (path === '/echo') {
    json({ method: request.method, url: request.url, headers: request.headers, body });
  } else if (path === '/json') {
    json(JSON_DOC);
  } else if (path.startsWith('/status/')) {
    const status = Number(path.slice('/status/'.length));
    response.writeHead(status, { 'Content-Type': 'text/plain' }).end(`status ${status}`);
  } else if (path === '/redirect') {
    response.writeHead(Number(url.searchParams.get('status') ?? 302), { Location: url.searchParams.get('to') ?? '/' });
    response.end();
  } else if (path.startsWith('/chain/')) {
    const left = Number(path.slice('/chain/'.length));
    response.writeHead(302, { Location: left > 1 ? `/chain/${left - 1}` : '/echo' }).end();
  } else if (path === '/big') {
    const bytes = Number(url.searchParams.get('bytes') ?? 0);
    const data = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) data[i] = 48 + (i % 10);
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes }).end(data);
  } else if (path === '/gzip') {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
    response.end(gzipSync('unzipped text'));
  } else if (path === '/headers') {
    response.setHeader('Set-Cookie', ['a=1', 'b=2']);
    response.setHeader('X-Custom', 'yes');
    response.end('ok');
  } else if (path === '/stall') {
    onStall();
  } else if (path === '/stall-body') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.write('start');
    onStall();
  } else if (path === '/no-cors') {
    response.end('no cors');
  } else {
    response.writeHead(404).end('not found');
  }
}
