// The HTTP host module (wasi:http/requests) in Chromium: every return code and every access rule,
// through the harness page, against a loopback server on another port (so CORS applies); and the
// demo in the app.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { maxResponseBytes } from '../src/protocol/http.js';
import { jobToJson } from '../src/spec/json.js';
import { type Network, newJob } from '../src/spec/types.js';
import { JSON_DOC, startHttpServer, type TestServer } from '../test/http-server.js';
import { chooseDemo, fixture, logLines, openApp, runJob } from './helpers.js';

let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer();
});
test.afterAll(() => server.close());

const HOST: Network = { type: 'Host', domains: [] };
const client = new Uint8Array(readFileSync(fixture('c/http_client.wasm')));

type Harness = Window & {
  brine: {
    run(job: unknown, options?: { httpTimeoutMs?: number }): Promise<HarnessResult>;
    cancelAll(): Promise<void>;
  };
};
interface HarnessResult {
  state: string;
  stdout: string;
  error: { code: string; message: string } | null;
  http: { result: string; reason?: string; status?: number; redirects?: string[]; url: string }[];
}

function clientJob(args: string[], network: Network, compat = false): unknown {
  return jobToJson(
    newJob('main.wasm', {
      entrypoint: '_start',
      parameters: args,
      network,
      inputs: [
        { target: 'main.wasm', source: { type: 'memory', tree: { kind: 'file', data: client }, readWrite: false } },
      ],
      brine: { argv0: '', preopens: [], ...(compat ? { compat: 'bacalhau' as const } : {}) },
    }),
  );
}

async function openHarness(page: Page): Promise<void> {
  await page.goto('/harness.html');
  await page.waitForSelector('body[data-ready="true"]');
}

/** Runs the client on the harness page; returns what it printed, parsed, and the result. */
async function request(page: Page, args: string[], network: Network = HOST, options = {}, compat = false) {
  const result = await page.evaluate(([job, options]) => (window as unknown as Harness).brine.run(job, options), [
    clientJob(args, network, compat),
    options,
  ] as const);
  const match = /^rc=(\d+) status=(\d+) headers=(\d+) body=(\d+) memory=(\d+)\n/.exec(result.stdout);
  if (match === null) throw new Error(`unexpected output: ${result.stdout} ${JSON.stringify(result.error)}`);
  const [rc, status, headersLength, bodyLength, memory] = match.slice(1).map(Number) as number[];
  const rest = result.stdout.slice(match[0].length);
  const split = rest.indexOf('\n--- body\n');
  const headers = split < 0 ? '' : rest.slice('--- headers\n'.length, split);
  const body = split < 0 ? '' : rest.slice(split + '\n--- body\n'.length);
  return { rc, status, headersLength, bodyLength, memory, headers, body, result };
}

test.describe('http_request in Chromium', () => {
  test.beforeEach(({ page }) => openHarness(page));

  test('Success (0): a cross-origin GET with CORS, recorded; methods, headers and bodies', async ({ page }) => {
    const url = server.url('/json');
    const got = await request(page, [url]);
    expect({ rc: got.rc, status: got.status }).toEqual({ rc: 0, status: 200 });
    expect(JSON.parse(got.body)).toEqual(JSON_DOC);
    expect(got.headers.split('\n')).toContain('Content-Type: application/json');
    expect(got.result.http).toEqual([expect.objectContaining({ url, result: 'Success', status: 200 })]);

    for (const [method, name, body] of [
      ['1', 'POST', 'posted'],
      ['2', 'PUT', 'put'],
      ['3', 'DELETE', ''],
      ['5', 'OPTIONS', ''],
      ['6', 'PATCH', 'patched'],
    ] as const) {
      const args = ['-m', method, '-H', 'X-One: 1', ...(body === '' ? [] : ['-d', body]), server.url('/echo')];
      const echoed = JSON.parse((await request(page, args)).body);
      expect({ method: echoed.method, body: echoed.body, one: echoed.headers['x-one'] }).toEqual({
        method: name,
        body,
        one: '1',
      });
    }
    const head = await request(page, ['-m', '4', server.url('/json')]);
    expect({ rc: head.rc, bodyLength: head.bodyLength }).toEqual({ rc: 0, bodyLength: 0 });
    const gzip = await request(page, [server.url('/gzip')]);
    expect(gzip.body).toBe('unzipped text');
    expect(gzip.headers).not.toMatch(/Content-Encoding|Content-Length/);
    // Exposed headers reach the guest; Set-Cookie never does in a browser.
    const headers = (await request(page, [server.url('/headers')])).headers.split('\n');
    expect(headers).toContain('X-Custom: yes');
    expect(headers.some((line) => line.startsWith('Set-Cookie'))).toBe(false);
  });

  test('4xx and 5xx are Success with the status; large responses are cut, never TooLarge (5)', async ({ page }) => {
    for (const code of [404, 500]) {
      const { rc, status, body } = await request(page, [server.url(`/status/${code}`)]);
      expect({ rc, status, body }).toEqual({ rc: 0, status: code, body: `status ${code}` });
    }
    const cut = await request(page, ['-h', '10', '-b', '5', server.url('/big?bytes=100')]);
    expect({ rc: cut.rc, headersLength: cut.headersLength, body: cut.body }).toEqual({
      rc: 0,
      headersLength: 10,
      body: '01234',
    });
    const size = 8 * 1024 * 1024;
    const capped = await request(page, ['-q', '-b', String(size), server.url(`/big?bytes=${size}`)]);
    expect(capped.rc).toBe(0);
    expect(capped.bodyLength).toBe(maxResponseBytes(capped.memory));
  });

  test('InvalidURL (1), BadInput (6) and MemoryError (7)', async ({ page }) => {
    expect((await request(page, ['not a url'])).rc).toBe(1);
    expect((await request(page, ['-r', 'url_ptr=0xfffffff0', server.url('/json')])).rc).toBe(1);
    expect((await request(page, ['-r', 'resp_body_ptr=0', server.url('/json')])).rc).toBe(6);
    expect((await request(page, ['-d', 'x', '-r', 'body_ptr=0xffffff00', server.url('/echo')])).rc).toBe(6);
    expect((await request(page, ['-r', 'status_ptr=0xfffffffe', server.url('/json')])).rc).toBe(7);
    expect((await request(page, ['-r', 'resp_headers_len_ptr=0xfffffffe', server.url('/json')])).rc).toBe(7);
  });

  test('NetworkError (2): CORS refused, a closed port, an unsupported scheme; the error says what failed', async ({
    page,
  }) => {
    const noCors = await request(page, [server.url('/no-cors')]);
    expect(noCors.rc).toBe(2);
    expect(noCors.result.http[0]?.reason).toMatch(/CORS headers \(Access-Control-Allow-Origin\)/);
    const closed = await startHttpServer();
    const closedUrl = closed.url('/');
    await closed.close();
    expect((await request(page, [closedUrl])).rc).toBe(2);
    expect((await request(page, ['ftp://127.0.0.1/file'])).rc).toBe(2);
  });

  test('Timeout (3)', async ({ page }) => {
    const { rc, result } = await request(page, [server.url('/stall')], HOST, { httpTimeoutMs: 300 });
    expect(rc).toBe(3);
    expect(result.http[0]).toMatchObject({ result: 'Timeout', reason: 'no complete response within 0.3 s' });
  });

  test('access rules: None, Bridge, Default (both modes), HTTP Domains, Host and Full', async ({ page }) => {
    const url = server.url('/json');
    const none = await page.evaluate(
      (job) => (window as unknown as Harness).brine.run(job),
      clientJob([url], { type: 'None', domains: [] }),
    );
    expect(none.error).toMatchObject({ code: 'UnknownModuleError', message: 'unknown module "wasi:http/requests"' });
    expect((await request(page, [url], { type: 'Bridge', domains: [] })).rc).toBe(4);
    const brineDefault = await request(page, [url], { type: '', domains: [] });
    expect(brineDefault.rc).toBe(4);
    expect(brineDefault.result.http[0]?.reason).toMatch(/^Network is Default/);
    expect((await request(page, [url], { type: 'Default', domains: [] }, {}, true)).rc).toBe(0);
    expect((await request(page, [url], { type: 'HTTP', domains: ['127.0.0.1:1'] })).rc).toBe(0);
    const refused = await request(page, [url], { type: 'HTTP', domains: ['localhost'] });
    expect(refused.rc).toBe(4);
    expect(refused.result.http[0]?.reason).toBe('host "127.0.0.1" matches none of Network.Domains (localhost)');
    for (const type of ['Host', 'Full']) expect((await request(page, [url], { type, domains: [] })).rc).toBe(0);
  });

  test('redirects: the browser follows them itself, so only the final URL is checked', async ({ page }) => {
    const only127: Network = { type: 'HTTP', domains: ['127.0.0.1'] };
    const within = server.url('/echo');
    const followed = await request(page, [server.url(`/redirect?to=${encodeURIComponent(within)}`)], only127);
    expect(followed.rc).toBe(0);
    expect(followed.result.http[0]?.redirects).toEqual([within]);

    const across = server.url('/echo?browser-cross', 'localhost');
    const refused = await request(page, [server.url(`/redirect?to=${encodeURIComponent(across)}`)], only127);
    expect(refused.rc).toBe(4);
    expect(refused.result.http[0]?.reason).toMatch(
      /^the browser followed a redirect to .*\(the response was withheld from the guest\)$/,
    );
    // The documented limit: the browser requested the refused hop before Brine could see it.
    expect(server.seen.some((seen) => seen.url === '/echo?browser-cross')).toBe(true);
  });

  test('a cancel ends a request in flight: the worker and its connection go', async ({ page }) => {
    const running = page.evaluate(
      (job) => (window as unknown as Harness).brine.run(job),
      clientJob([server.url('/stall?browser-cancel')], HOST),
    );
    await expect.poll(() => server.seen.some((seen) => seen.url === '/stall?browser-cancel')).toBe(true);
    await page.evaluate(() => (window as unknown as Harness).brine.cancelAll());
    expect((await running).state).toBe('cancelled');
    await server.stallClosed();
  });
});

test('works on a page without cross-origin isolation (no SharedArrayBuffer)', async ({ page, baseURL }) => {
  // The app as built for this run (e2e/server.ts), served without COOP/COEP.
  const built = join('.e2e-build', new URL(baseURL!).port);
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const plain = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    try {
      const body = await readFile(join(built, path));
      response.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/harness.html`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const got = await request(page, [server.url('/json', 'localhost')]);
    expect({ rc: got.rc, status: got.status, body: JSON.parse(got.body) }).toEqual({
      rc: 0,
      status: 200,
      body: JSON_DOC,
    });
  } finally {
    plain.closeAllConnections();
    plain.close();
  }
});

test('only the execution worker may connect to other origins: the page keeps connect-src self', async ({ page }) => {
  const response = await page.goto('/harness.html');
  expect(response?.headers()['content-security-policy']).toContain("connect-src 'self';");
  await page.waitForSelector('body[data-ready="true"]');
  const worker = page.waitForResponse(/execution\.worker-[\w-]+\.js$/);
  await request(page, [server.url('/json')]);
  const policy = (await worker).headers()['content-security-policy'] ?? '';
  expect(policy).toContain("connect-src 'self' http: https:;");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
});

test('the HTTP demo fetches a JSON file from the page and lists the request', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'http');
  await expect(page.getByTestId('network-type')).toHaveText('HTTP');
  await expect(page.getByTestId('network-domains')).toHaveText('localhost');
  await runJob(page, 'completed');
  await expect(logLines(page, 'stdout').filter({ hasText: '6 stations' })).toHaveCount(1);
  const row = page.getByTestId('http-request');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-result', 'Success');
  await expect(row).toContainText('/demos/http/stations.json');
  await expect(row).toContainText('200');
});
