// The HTTP host module (wasi:http/requests) in Node: every return code and every access rule, with
// the C client fixture against a real loopback server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult, ExecutorOptions } from '../src/executor/types.js';
import { maxResponseBytes } from '../src/protocol/http.js';
import type { Job, Network } from '../src/spec/types.js';
import { executor, fixture, job, newId, run } from './helpers.js';
import { JSON_DOC, startHttpServer, type TestServer } from './http-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

const HOST: Network = { type: 'Host', domains: [] };
const client = fixture('c/http_client.wasm');

function clientJob(args: string[], network: Network = HOST, fields: Partial<Job> = {}): Job {
  return job(client, { parameters: args, network, ...fields });
}

interface Reply {
  rc: number;
  status: number;
  headersLength: number;
  bodyLength: number;
  memory: number;
  headers: string;
  body: string;
}

/** What the client printed: its summary line, then the headers and the body. */
function reply(result: ExecutionResult): Reply {
  expect(result.state, result.errorMsg).toBe('completed');
  const text = result.logs.map((event) => new TextDecoder().decode(event.data)).join('');
  const match = /^rc=(\d+) status=(\d+) headers=(\d+) body=(\d+) memory=(\d+)\n/.exec(text);
  if (match === null) throw new Error(`unexpected output: ${text}`);
  const [, rc, status, headersLength, bodyLength, memory] = match.map(Number) as number[];
  const rest = text.slice(match[0].length);
  const headers = rest.startsWith('--- headers\n') ? rest.slice(12, rest.indexOf('\n--- body\n')) : '';
  const body = rest.includes('\n--- body\n') ? rest.slice(rest.indexOf('\n--- body\n') + 10) : '';
  return {
    rc: rc!,
    status: status!,
    headersLength: headersLength!,
    bodyLength: bodyLength!,
    memory: memory!,
    headers,
    body,
  };
}

async function request(args: string[], network: Network = HOST, options: Partial<ExecutorOptions> = {}) {
  const result = await run(clientJob(args, network), options);
  return { result, ...reply(result) };
}

describe('http_request: success', () => {
  it('GET returns 0, the status, the headers and the body, and the request is recorded', async () => {
    const url = server.url('/json');
    const { rc, status, body, headers, headersLength, bodyLength, result } = await request([url]);
    expect({ rc, status }).toEqual({ rc: 0, status: 200 });
    expect(JSON.parse(body)).toEqual(JSON_DOC);
    expect(bodyLength).toBe(body.length);
    expect(headersLength).toBe(headers.length);
    expect(headers.split('\n')).toContain('Content-Type: application/json');
    expect(result.http).toEqual([
      { method: 'GET', url, code: 0, result: 'Success', status: 200, bytes: body.length, ms: expect.any(Number) },
    ]);
    expect(result.graph.nodes.find((n) => n.id === 'wasi:http/requests')?.kind).toBe('http');
  });

  it.each([
    [0, 'GET', ''],
    [1, 'POST', 'posted'],
    [2, 'PUT', 'put'],
    [3, 'DELETE', ''],
    [5, 'OPTIONS', ''],
    [6, 'PATCH', 'patched'],
    [99, 'GET', ''],
  ])('method %i is %s', async (method, name, body) => {
    const args = ['-m', String(method), ...(body === '' ? [] : ['-d', body]), server.url('/echo')];
    const echoed = JSON.parse((await request(args)).body);
    expect({ method: echoed.method, body: echoed.body }).toEqual({ method: name, body });
  });

  it('HEAD returns the headers and no body', async () => {
    const { rc, status, bodyLength, headers } = await request(['-m', '4', server.url('/json')]);
    expect({ rc, status, bodyLength }).toEqual({ rc: 0, status: 200, bodyLength: 0 });
    expect(headers).toContain('Content-Type: application/json');
  });

  it('sends header lines trimmed, skipping blank and malformed ones, as Bacalhau parses them', async () => {
    const args = ['-H', 'X-One: 1', '-H', '  x-two :  two words  ', '-H', 'malformed', '-H', '', server.url('/echo')];
    const { headers } = JSON.parse((await request(args)).body);
    expect(headers['x-one']).toBe('1');
    expect(headers['x-two']).toBe('two words');
    expect(Object.keys(headers)).not.toContain('malformed');
  });

  it('gives response headers as canonical "Key: value" lines, one per value', async () => {
    const { headers } = await request([server.url('/headers')]);
    const lines = headers.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['Set-Cookie: a=1', 'Set-Cookie: b=2', 'X-Custom: yes']));
    expect(lines.every((line) => /^[A-Z][a-z]*(-[A-Z][a-z]*)*: /.test(line))).toBe(true);
  });

  it('4xx and 5xx are still Success (0), with the status written back', async () => {
    for (const code of [404, 500]) {
      const { rc, status, body } = await request([server.url(`/status/${code}`)]);
      expect({ rc, status, body }).toEqual({ rc: 0, status: code, body: `status ${code}` });
    }
  });

  it('decodes a gzip body as Go does, without the encoding headers that no longer apply', async () => {
    const { body, headers } = await request([server.url('/gzip')]);
    expect(body).toBe('unzipped text');
    expect(headers).not.toMatch(/Content-Encoding|Content-Length/);
  });

  it('a URL with user:password sends Basic authorization, as Go does', async () => {
    const { headers } = JSON.parse((await request([server.url('/echo').replace('//', '//user:p%40ss@')])).body);
    expect(headers.authorization).toBe(`Basic ${btoa('user:p@ss')}`);
  });
});

describe('http_request: sizes (TooLarge is never returned: a large response is cut instead)', () => {
  it('cuts headers and body to the guest buffers and writes the lengths it copied', async () => {
    const { rc, headersLength, bodyLength, body, result } = await request([
      '-h',
      '10',
      '-b',
      '5',
      server.url('/big?bytes=100'),
    ]);
    expect({ rc, headersLength, bodyLength, body }).toEqual({ rc: 0, headersLength: 10, bodyLength: 5, body: '01234' });
    expect(result.http[0]).toMatchObject({ bytes: 100, truncated: true });
  });

  it('reads at most clamp(0.8 × the caller memory, 64 KiB, 100 MiB) of the body', async () => {
    const size = 8 * 1024 * 1024;
    const { rc, bodyLength, memory, result } = await request([
      '-q',
      '-b',
      String(size),
      server.url(`/big?bytes=${size}`),
    ]);
    expect(rc).toBe(0);
    expect(memory).toBeGreaterThan(size);
    expect(bodyLength).toBe(maxResponseBytes(memory));
    expect(bodyLength).toBeLessThan(size);
    expect(result.http[0]?.bytes).toBe(bodyLength);
  });
});

describe('http_request: errors', () => {
  it('InvalidURL (1): text that is not a URL, or a URL outside the guest memory', async () => {
    expect((await request(['not a url'])).rc).toBe(1);
    expect((await request(['http://exa\tmple.com/'])).rc).toBe(1);
    const outside = await request(['-r', 'url_ptr=0xfffffff0', server.url('/json')]);
    expect(outside.rc).toBe(1);
    expect(outside.result.http[0]).toMatchObject({
      result: 'InvalidURL',
      reason: 'the URL lies outside the guest memory',
    });
  });

  it('NetworkError (2): a closed port, an unsupported scheme, an invalid header name', async () => {
    const closed = await startHttpServer();
    const closedUrl = closed.url('/');
    await closed.close();
    const refused = await request([closedUrl]);
    expect(refused.rc).toBe(2);
    expect(refused.result.http[0]?.reason).toMatch(/ECONNREFUSED/);
    expect((await request(['ftp://127.0.0.1/file'])).rc).toBe(2);
    expect((await request(['-H', 'Bad Name: x', server.url('/echo')])).rc).toBe(2);
  });

  it('Timeout (3): no answer, or a body that stops, within the request timeout', async () => {
    const options = { httpTimeoutMs: 300 };
    for (const path of ['/stall', '/stall-body']) {
      const { rc, result } = await request([server.url(path)], HOST, options);
      expect(rc).toBe(3);
      expect(result.http[0]).toMatchObject({ result: 'Timeout', reason: 'no complete response within 0.3 s' });
    }
  });

  it('BadInput (6): a zero response pointer, or a request body outside the guest memory', async () => {
    for (const name of ['resp_headers_ptr', 'resp_headers_len_ptr', 'resp_body_ptr', 'resp_body_len_ptr']) {
      expect((await request(['-r', `${name}=0`, server.url('/json')])).rc).toBe(6);
    }
    expect((await request(['-d', 'x', '-r', 'body_ptr=0xffffff00', server.url('/echo')])).rc).toBe(6);
  });

  it('a header block outside the guest memory is ignored, as in Bacalhau', async () => {
    const { rc, body } = await request(['-H', 'X-One: 1', '-r', 'headers_ptr=0xffffff00', server.url('/echo')]);
    expect(rc).toBe(0);
    expect(JSON.parse(body).headers['x-one']).toBeUndefined();
  });

  it('MemoryError (7): a length or status slot outside the guest memory', async () => {
    for (const name of ['resp_headers_len_ptr', 'resp_body_len_ptr', 'status_ptr']) {
      const { rc, result } = await request(['-r', `${name}=0xfffffffe`, server.url('/json')]);
      expect(rc).toBe(7);
      expect(result.http[0]?.status).toBe(200); // the request was made: the slots are read afterwards
    }
    expect((await request(['-r', 'resp_body_ptr=0xfffffff0', server.url('/json')])).rc).toBe(7);
  });

  it('a module without memory gets a code, not a crash', async () => {
    const result = await run(job(fixture('wat/http_no_memory.wasm'), { network: HOST }));
    expect({ state: result.state, exitCode: result.exitCode }).toEqual({ state: 'completed', exitCode: 1 });
  });
});

describe('access rules', () => {
  it('None: the module is absent and linking fails with Bacalhau\'s "unknown module"', async () => {
    const result = await run(clientJob([server.url('/json?none')], { type: 'None', domains: [] }));
    expect(result.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'UnknownModuleError', message: 'unknown module "wasi:http/requests"' });
    expect(result.error?.hint).toMatch(/Network/);
    expect(server.seen.some((seen) => seen.url === '/json?none')).toBe(false);
  });

  it('Bridge: the module is there and refuses every host (NotAllowed, 4)', async () => {
    const { rc, result } = await request([server.url('/json')], { type: 'Bridge', domains: [] });
    expect(rc).toBe(4);
    expect(result.http[0]?.reason).toMatch(/Bridge/);
  });

  it("Default: refused in Brine's mode, with the way to allow it; Host in the Bacalhau mode", async () => {
    const url = server.url('/json');
    const brine = await request([url], { type: '', domains: [] });
    expect(brine.rc).toBe(4);
    expect(brine.result.http[0]?.reason).toMatch(/set Network.Type to HTTP/);
    expect(brine.result.onBacalhau).toContain(
      `Network Default is Host: the requests refused here would have been made (1, first GET ${url})`,
    );
    const compat = await run(
      clientJob([url], { type: 'Default', domains: [] }, { brine: { argv0: '', preopens: [], compat: 'bacalhau' } }),
    );
    expect(reply(compat).rc).toBe(0);
  });

  it('HTTP: only hosts matching Domains, ports ignored on both sides', async () => {
    const allowed = await request([server.url('/json')], { type: 'HTTP', domains: ['127.0.0.1:1'] });
    expect(allowed.rc).toBe(0);
    const wildcard = await request([server.url('/json', 'localhost')], { type: 'HTTP', domains: ['local*'] });
    expect(wildcard.rc).toBe(0);
    const refused = await request([server.url('/json', 'localhost')], { type: 'HTTP', domains: ['127.0.0.1'] });
    expect(refused.rc).toBe(4);
    expect(refused.result.http[0]?.reason).toBe('host "localhost" matches none of Network.Domains (127.0.0.1)');
  });

  it('Host and Full: every host', async () => {
    for (const type of ['Host', 'full']) {
      expect((await request([server.url('/json', 'localhost')], { type, domains: [] })).rc).toBe(0);
    }
  });
});

describe('redirects: every hop is checked (Bacalhau checks only the first URL)', () => {
  const only127: Network = { type: 'HTTP', domains: ['127.0.0.1'] };

  it('follows a redirect within the allowed hosts and records it', async () => {
    const to = server.url('/echo');
    const { rc, body, result } = await request([server.url(`/redirect?to=${encodeURIComponent(to)}`)], only127);
    expect(rc).toBe(0);
    expect(JSON.parse(body).url).toBe('/echo');
    expect(result.http[0]?.redirects).toEqual([to]);
  });

  it('refuses a redirect to a host the rule does not allow, before requesting it', async () => {
    const to = server.url('/echo?cross', 'localhost');
    const { rc, result } = await request([server.url(`/redirect?to=${encodeURIComponent(to)}`)], only127);
    expect(rc).toBe(4);
    expect(result.http[0]?.reason).toBe(
      `redirect to ${to} refused: host "localhost" matches none of Network.Domains (127.0.0.1)`,
    );
    expect(server.seen.some((seen) => seen.url === '/echo?cross')).toBe(false);
    expect(result.onBacalhau).toContain(
      `only the first URL is checked: the redirects refused here would have been followed (1, first to ${to})`,
    );
  });

  it('stops at the 10th redirect, as Go does', async () => {
    expect((await request([server.url('/chain/9')])).rc).toBe(0);
    const { rc, result } = await request([server.url('/chain/10')]);
    expect(rc).toBe(2);
    expect(result.http[0]?.reason).toBe('stopped after 10 redirects');
  });

  it('303 turns a POST into a GET without body; 307 keeps both', async () => {
    const to = encodeURIComponent(server.url('/echo'));
    const see = JSON.parse((await request(['-m', '1', '-d', 'b', server.url(`/redirect?status=303&to=${to}`)])).body);
    expect({ method: see.method, body: see.body }).toEqual({ method: 'GET', body: '' });
    const temp = JSON.parse((await request(['-m', '1', '-d', 'b', server.url(`/redirect?status=307&to=${to}`)])).body);
    expect({ method: temp.method, body: temp.body }).toEqual({ method: 'POST', body: 'b' });
  });
});

describe('a request in flight', () => {
  it('is aborted at once when the execution is cancelled', async () => {
    const ex = executor();
    const id = newId();
    await ex.start({ executionId: id, job: clientJob([server.url('/stall?cancel')]) });
    await expect.poll(() => server.seen.some((seen) => seen.url === '/stall?cancel'), { timeout: 20_000 }).toBe(true);
    await ex.cancel(id);
    await server.stallClosed();
    expect((await ex.wait(id)).state).toBe('cancelled');
  });

  it('is aborted when the job times out', async () => {
    const result = await run(clientJob([server.url('/stall?timeout')], HOST, { timeouts: { executionTimeout: 1 } }));
    expect(result.state).toBe('timedOut');
    await server.stallClosed();
  });
});

it('records the first 1,000 requests of a run and counts the rest', async () => {
  const result = await run(clientJob(['-q', '-n', '1001', server.url('/status/204')]));
  expect(reply(result).rc).toBe(0);
  expect(result.http).toHaveLength(1000);
  expect(result.httpOmitted).toBe(1);
});

it("checks the import against Bacalhau's signature before running anything", async () => {
  const result = await run(job(fixture('wat/http_bad_sig.wasm'), { network: HOST }));
  expect(result.error).toMatchObject({
    code: 'ModuleLoadError',
    message: `failed to load module at "main.wasm": import "wasi:http/requests"."http_request" (function): the import expects (i32, i32, i32) -> (i32) but Bacalhau's HTTP module defines (${Array(12).fill('i32').join(', ')}) -> (i32)`,
  });
});

it('appears in the WASI call trace with its URL, method, result name, status and response sizes', async () => {
  const url = server.url('/json');
  const refusedUrl = server.url('/json', 'localhost');
  const ex = executor();
  const traced = async (args: string[], network: Network) => {
    const id = newId();
    const base = clientJob(args, network);
    await ex.run({ executionId: id, job: { ...base, brine: { ...base.brine, trace: true } } });
    return [...ex.getTrace(id)!.entries()].filter((e) => 'fn' in e && e.fn === 'wasi:http/requests.http_request');
  };
  const [ok] = await traced(['-m', '1', '-d', 'hello', url], { type: 'HTTP', domains: ['127.0.0.1'] });
  expect(ok).toMatchObject({
    args: { method: 'POST', url, headers: '', body_bytes: 5 },
    errno: 'Success',
    result: { status: 200, body_bytes: expect.any(Number), headers: expect.stringContaining('Content-Type: ') },
  });
  const [refused] = await traced([refusedUrl], { type: 'HTTP', domains: ['127.0.0.1'] });
  expect(refused).toMatchObject({ args: { method: 'GET', url: refusedUrl }, errno: 'NotAllowed' });
  expect(refused).not.toHaveProperty('result');
});
