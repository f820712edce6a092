/**
 * Bacalhau's HTTP host module in the worker: `wasi:http/requests`.`http_request`, with its ABI,
 * checks and return codes (pkg/executor/wasm/funcs/http/http.go). The request itself goes to a
 * transport: a synchronous XMLHttpRequest where the worker has one (browsers), else the host
 * thread over the lane (Node).
 */
import { errorText } from '../errors/index.js';
import {
  decodeReply,
  HTTP_CODES,
  HTTP_METHODS,
  type HttpCall,
  HttpCode,
  type HttpRecord,
  type HttpReply,
  headerLines,
  maxResponseBytes,
  parseUrl,
} from '../protocol/http.js';
import type { LaneClient } from '../protocol/lane.js';
import { type HttpAccess, refusalOf } from '../spec/network.js';

/** Performs one checked request and waits for its answer. */
export type HttpTransport = (call: HttpCall) => HttpReply;

/** The lane's host answers within the request's timeout; this much more is allowed before giving up on it. */
const LANE_GRACE_MS = 5_000;
/** A URL longer than this is cut in the request's record. */
const RECORDED_URL_CHARS = 2_048;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** http_request for one importing module (it reads and writes that module's memory). */
export class HttpModule {
  /** The importing module's memory, set once it is instantiated (none: every access fails). */
  memory: WebAssembly.Memory | undefined;

  constructor(
    private readonly access: HttpAccess,
    private readonly timeoutMs: number,
    private readonly transport: HttpTransport,
    private readonly onRecord: (record: HttpRecord) => void,
  ) {}

  readonly imports = {
    http_request: (
      method: number,
      urlPtr: number,
      urlLen: number,
      headersPtr: number,
      headersLen: number,
      bodyPtr: number,
      bodyLen: number,
      respHeadersPtr: number,
      respHeadersLenPtr: number,
      respBodyPtr: number,
      respBodyLenPtr: number,
      statusPtr: number,
    ): number => {
      const started = performance.now();
      const memory = new GuestMemory(this.memory);
      const methodName = HTTP_METHODS[method >>> 0] ?? 'GET';
      const urlBytes = memory.read(urlPtr, urlLen);
      const urlText = urlBytes === null ? '' : decoder.decode(urlBytes);
      // Go's url.Parse refuses control characters, which WHATWG URLs would drop or encode.
      const url = hasControlCharacter(urlText) ? null : parseUrl(urlText);
      let reply: HttpReply & { truncated?: boolean };
      if ([respHeadersPtr, respHeadersLenPtr, respBodyPtr, respBodyLenPtr].includes(0)) {
        reply = { code: HttpCode.BadInput, reason: 'a response buffer or length pointer is 0' };
      } else if (urlBytes === null) {
        reply = { code: HttpCode.InvalidURL, reason: 'the URL lies outside the guest memory' };
      } else if (url === null) {
        reply = { code: HttpCode.InvalidURL, reason: 'not a URL' };
      } else {
        reply = this.send(memory, methodName, url, [headersPtr, headersLen], [bodyPtr, bodyLen]);
        if (reply.code === HttpCode.Success) {
          reply = writeResponse(
            memory,
            reply,
            respHeadersPtr,
            respHeadersLenPtr,
            respBodyPtr,
            respBodyLenPtr,
            statusPtr,
          );
        }
      }
      this.onRecord(record(methodName, url?.href ?? urlText, reply, performance.now() - started));
      return reply.code;
    },
  };

  /** Checks the rule, reads the headers and body, and hands the request to the transport. */
  private send(
    memory: GuestMemory,
    method: string,
    url: URL,
    [headersPtr, headersLen]: [number, number],
    [bodyPtr, bodyLen]: [number, number],
  ): HttpReply {
    const refusal = refusalOf(this.access, url);
    if (refusal !== undefined) return { code: HttpCode.NotAllowed, reason: refusal };
    // A header block that cannot be read is ignored, as in Bacalhau; a body that cannot is BadInput.
    const headerBytes = headersPtr !== 0 && headersLen !== 0 ? memory.read(headersPtr, headersLen) : null;
    let body: Uint8Array<ArrayBuffer> | null = null;
    if (bodyPtr !== 0 && bodyLen !== 0) {
      body = memory.read(bodyPtr, bodyLen);
      if (body === null) return { code: HttpCode.BadInput, reason: 'the request body lies outside the guest memory' };
    }
    return this.transport({
      method,
      url: url.href,
      headers: headerBytes === null ? [] : parseHeaders(decoder.decode(headerBytes)),
      body,
      maxBytes: maxResponseBytes(memory.size),
      timeoutMs: this.timeoutMs,
    });
  }
}

/**
 * Bacalhau's writeResponseToMemory: the capacities are read from the length slots, headers and
 * body cut to them, then the status, the lengths and the data written, in that order.
 */
function writeResponse(
  memory: GuestMemory,
  reply: HttpReply,
  headersPtr: number,
  headersLenPtr: number,
  bodyPtr: number,
  bodyLenPtr: number,
  statusPtr: number,
): HttpReply & { truncated?: boolean } {
  const failed = (what: string) => ({
    ...reply,
    code: HttpCode.MemoryError,
    reason: `${what} lies outside the guest memory`,
  });
  const headersCapacity = memory.readU32(headersLenPtr);
  if (headersCapacity === null) return failed('the response headers length');
  const bodyCapacity = memory.readU32(bodyLenPtr);
  if (bodyCapacity === null) return failed('the response body length');
  const allHeaders = encoder.encode(reply.headers ?? '');
  const allBody = reply.body ?? new Uint8Array(0);
  const headers = allHeaders.subarray(0, headersCapacity);
  const body = allBody.subarray(0, bodyCapacity);
  if (statusPtr !== 0 && !memory.writeU32(statusPtr, reply.status ?? 0)) return failed('the status');
  if (!memory.writeU32(headersLenPtr, headers.byteLength)) return failed('the response headers length');
  if (!memory.writeU32(bodyLenPtr, body.byteLength)) return failed('the response body length');
  if (!memory.write(headersPtr, headers)) return failed('the response headers buffer');
  if (!memory.write(bodyPtr, body)) return failed('the response body buffer');
  const truncated = headers.byteLength < allHeaders.byteLength || body.byteLength < allBody.byteLength;
  return truncated ? { ...reply, truncated } : reply;
}

function record(method: string, url: string, reply: HttpReply & { truncated?: boolean }, ms: number): HttpRecord {
  return {
    method,
    url: url.length > RECORDED_URL_CHARS ? `${url.slice(0, RECORDED_URL_CHARS)}…` : url,
    code: reply.code,
    result: HTTP_CODES[reply.code] ?? 'NetworkError',
    ...(reply.status === undefined ? {} : { status: reply.status, bytes: reply.body?.byteLength ?? 0 }),
    ...(reply.truncated ? { truncated: true } : {}),
    ...(reply.redirects?.length ? { redirects: reply.redirects } : {}),
    ...(reply.reason === undefined ? {} : { reason: reply.reason }),
    ms,
  };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Bacalhau's parseHeaders: "Key: Value" lines, trimmed; blank lines and lines without ":" skipped. */
export function parseHeaders(text: string): [string, string][] {
  const headers: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (line === '' || colon < 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** wazero's bounds rule: an access of `length` bytes at `ptr` is allowed when ptr + length ≤ the memory size. */
class GuestMemory {
  private readonly bytes: Uint8Array<ArrayBuffer>;
  private readonly view: DataView;

  constructor(memory: WebAssembly.Memory | undefined) {
    this.bytes = new Uint8Array(memory?.buffer ?? new ArrayBuffer(0));
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  get size(): number {
    return this.bytes.byteLength;
  }

  read(ptr: number, length: number): Uint8Array<ArrayBuffer> | null {
    const start = ptr >>> 0;
    return this.fits(start, length >>> 0) ? this.bytes.slice(start, start + (length >>> 0)) : null;
  }

  readU32(ptr: number): number | null {
    return this.fits(ptr >>> 0, 4) ? this.view.getUint32(ptr >>> 0, true) : null;
  }

  write(ptr: number, data: Uint8Array): boolean {
    if (!this.fits(ptr >>> 0, data.byteLength)) return false;
    this.bytes.set(data, ptr >>> 0);
    return true;
  }

  writeU32(ptr: number, value: number): boolean {
    if (!this.fits(ptr >>> 0, 4)) return false;
    this.view.setUint32(ptr >>> 0, value, true);
    return true;
  }

  private fits(start: number, length: number): boolean {
    return start + length <= this.bytes.byteLength;
  }
}

/** Node: the host thread makes the request (fetch) and answers over the lane. */
export function laneTransport(lane: LaneClient): HttpTransport {
  return (call) => {
    const answer = lane.call('http', call, [], call.timeoutMs + LANE_GRACE_MS);
    if (answer === null) return { code: HttpCode.Timeout, reason: 'the host thread did not answer' };
    if (answer.status < 0) return { code: HttpCode.NetworkError, reason: decoder.decode(answer.data) };
    return decodeReply(answer.data);
  };
}

/**
 * Browsers: a synchronous XMLHttpRequest from the worker (it needs no cross-origin isolation).
 * The browser follows redirects itself: only the final URL can be checked against `access`,
 * after the fact.
 */
export const xhrTransport =
  (access: HttpAccess): HttpTransport =>
  (call) => {
    const url = new URL(call.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { code: HttpCode.NetworkError, reason: `unsupported protocol scheme "${url.protocol}"` };
    }
    const xhr = new XMLHttpRequest();
    xhr.open(call.method, call.url, false);
    xhr.responseType = 'arraybuffer';
    xhr.timeout = call.timeoutMs;
    try {
      // The browser drops the headers it keeps for itself (Host, Cookie, Content-Length...).
      for (const [key, value] of call.headers) xhr.setRequestHeader(key, value);
    } catch (error) {
      return { code: HttpCode.NetworkError, reason: `invalid request header: ${errorText(error)}` };
    }
    try {
      xhr.send(call.body === null || call.method === 'GET' || call.method === 'HEAD' ? null : call.body);
    } catch (error) {
      if ((error as { name?: string }).name === 'TimeoutError') {
        return { code: HttpCode.Timeout, reason: `no complete response within ${call.timeoutMs / 1000} s` };
      }
      return { code: HttpCode.NetworkError, reason: browserFailure(url) };
    }
    url.hash = '';
    const redirects = xhr.responseURL !== '' && xhr.responseURL !== url.href ? [xhr.responseURL] : [];
    const final = redirects.length > 0 ? parseUrl(xhr.responseURL) : null;
    const refusal = final === null ? undefined : refusalOf(access, final);
    if (refusal !== undefined) {
      return {
        code: HttpCode.NotAllowed,
        redirects,
        reason: `the browser followed a redirect to ${xhr.responseURL}, which is refused: ${refusal} (the response was withheld from the guest)`,
      };
    }
    const body = xhr.response instanceof ArrayBuffer ? new Uint8Array(xhr.response) : new Uint8Array(0);
    return {
      code: HttpCode.Success,
      status: xhr.status,
      headers: headerLines(
        xhr
          .getAllResponseHeaders()
          .split('\r\n')
          .filter((line) => line.includes(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      ),
      body: body.subarray(0, call.maxBytes),
      redirects,
    };
  };

/** A failed browser request: the browser does not say whether CORS, the connection or the name failed. */
function browserFailure(url: URL): string {
  const page = self.location.origin;
  if (url.origin === page) return `the browser could not complete the request to ${url.host}`;
  return `the browser refused the request or could not reach ${url.origin}: a server on another origin must allow this page's origin (${page}) with CORS headers (Access-Control-Allow-Origin); the browser does not say which failed`;
}
