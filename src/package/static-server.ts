import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

export interface StaticServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface StaticOptions {
  /** URL path prefixes ("/", "/brine/") and the directories served under them; the longest prefix wins. */
  dirs?: Record<string, string>;
  /** HTML pages at exact paths ("/"). */
  pages?: Record<string, string>;
  /** Headers added to every response. */
  headers?: Record<string, string>;
  /** 0 (the default): a free port. */
  port?: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The file `path` (a URL path, decoded) stands for in `dirs`, or null when outside them. */
function fileFor(dirs: Record<string, string>, path: string): string | null {
  const prefix = Object.keys(dirs)
    .filter((candidate) => path.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return null;
  const root = resolve(dirs[prefix]!);
  const file = resolve(root, `.${sep}${path.slice(prefix.length)}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * A static HTTP server on 127.0.0.1, for tests and the Playwright fixture: GET and HEAD only; a
 * directory's index.html, "dir" redirected to "dir/" as most servers do, no directory listings.
 */
export function serveStatic({ dirs = {}, pages = {}, headers = {}, port = 0 }: StaticOptions): Promise<StaticServer> {
  const server = createServer(async (request, response) => {
    const send = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8', extra = {}) => {
      response.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'method not allowed');
    const url = new URL(request.url ?? '/', 'http://localhost');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(400, 'bad path');
    }
    const page = pages[path];
    if (page !== undefined) return send(200, page, TYPES['.html']);
    let file = fileFor(dirs, path);
    if (file === null) return send(404, 'not found');
    try {
      if ((await stat(file)).isDirectory()) {
        if (!path.endsWith('/')) return send(301, '', undefined, { Location: `${url.pathname}/${url.search}` });
        file = resolve(file, 'index.html');
      }
      send(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, 'not found');
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolveServer({
        url: `http://127.0.0.1:${bound}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
