import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import type { TraceOptions } from '../protocol/messages.js';
import { type TraceBatch, TraceStaging } from '../protocol/trace-staging.js';
import { callIds, rawIndexes, TRACED_CALLS } from '../trace/calls.js';
import {
  Encoder,
  FLAG_EXIT,
  FLAG_LOG,
  FLAG_STDERR,
  FLAG_THREW,
  FLAG_UNREADABLE,
  HEADER_WORDS,
  MAX_RECORD_WORDS,
  NO_ERRNO,
} from '../trace/record.js';
import type { LogBatcher } from './log-batcher.js';

export type HostFunction = (...args: unknown[]) => unknown;
/** Writes a call's arguments, and its results when it succeeded. */
type Encode = (encoder: Encoder, raw: unknown[], succeeded: boolean) => void;

/**
 * Worker side of the trace: wraps a host module's functions so that each call is recorded (see
 * src/trace/record.ts) in the staging, which is posted in batches: when it is full, and at a call
 * `flushMs` after the last post. Only a traced run makes a Tracer; an untraced one links the
 * functions themselves.
 */
export class Tracer {
  private readonly staging: TraceStaging;
  private readonly encoder: Encoder;
  private readonly origin = performance.now();
  private lastFlush = this.origin;
  /** Records made so far: the next one's sequence number. */
  private made = 0;

  constructor(
    private readonly options: TraceOptions,
    private readonly logs: LogBatcher,
    private readonly send: (batch: TraceBatch) => void,
    /** Milliseconds since the epoch. */
    private readonly now: () => number,
  ) {
    this.staging = new TraceStaging(options.staging ?? new ArrayBuffer(TraceStaging.byteLength(options.batchWords)));
    this.staging.drain(0, now()); // a reused staging starts again at record 0
    this.encoder = new Encoder(this.staging.words, this.staging.bytes);
  }

  /**
   * `functions` (the imports a host module gives instance number `module`) with every call the
   * trace knows wrapped to record it. `memory` is the guest memory their pointers refer to.
   */
  wrap(namespace: string, functions: Record<string, HostFunction>, module: number, memory: () => ArrayBuffer) {
    const ids = callIds(namespace);
    const traced: Record<string, HostFunction> = { ...functions };
    for (const [name, call] of Object.entries(functions)) {
      const id = ids.get(name);
      if (id === undefined) continue;
      const encode = encoderOf(id);
      traced[name] = (...raw: unknown[]) => {
        const start = performance.now();
        const logged = this.logs.position;
        let result: unknown;
        try {
          result = call(...raw);
        } catch (error) {
          const flag = error instanceof WASIProcExit ? FLAG_EXIT : FLAG_THREW;
          this.record(id, module, encode, raw, memory, NO_ERRNO, flag, start, logged);
          throw error;
        }
        this.record(id, module, encode, raw, memory, (result as number) & 0xffff, 0, start, logged);
        return result;
      };
    }
    return traced;
  }

  /** Posts what is staged. */
  flush(): void {
    const batch = this.staging.drain(this.made, this.now());
    this.lastFlush = performance.now();
    this.encoder.at = 0;
    if (batch !== null) this.send(batch);
  }

  private record(
    call: number,
    module: number,
    encode: Encode,
    raw: unknown[],
    memory: () => ArrayBuffer,
    errno: number,
    thrown: number,
    start: number,
    logged: number,
  ): void {
    const end = performance.now();
    const e = this.encoder;
    if (e.at + MAX_RECORD_WORDS > this.staging.words.length) this.flush();
    const begin = e.at;
    let flags = thrown;
    e.at += HEADER_WORDS;
    const logBytes = this.logs.position - logged;
    if (logBytes > 0) {
      flags |= FLAG_LOG | (this.logs.lastStream === 'stderr' ? FLAG_STDERR : 0);
      e.f64(logged);
      e.u32(logBytes);
    }
    const payload = e.at;
    e.readFrom(memory);
    try {
      encode(e, raw, errno === 0);
    } catch {
      // A pointer outside the guest's memory (the call said EFAULT), or no memory at all.
      e.at = payload;
      flags |= FLAG_UNREADABLE;
    }
    const stop = e.at;
    e.at = begin;
    e.u32(call | (flags << 8) | ((stop - begin) << 16));
    e.u32(errno | (module << 16));
    e.f64(start - this.origin);
    e.f32((end - start) * 1000);
    e.at = stop;
    this.staging.commit(stop);
    this.made++;
    if (end - this.lastFlush >= this.options.flushMs) this.flush();
  }
}

/** The encoder of call `id`: its in parameters, then its out parameters. */
function encoderOf(id: number): Encode {
  const call = TRACED_CALLS[id]!;
  const at = rawIndexes(call);
  const params = call.params.map((param, i) => ({ kind: param.kind, at: at[i]! }));
  const ins = params.filter((param) => !param.kind.out);
  const outs = params.filter((param) => param.kind.out);
  return (e, raw, succeeded) => {
    for (const param of ins) param.kind.encode(e, raw, param.at);
    if (succeeded) for (const param of outs) param.kind.encode(e, raw, param.at);
  };
}
