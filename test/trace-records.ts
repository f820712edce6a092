// Trace records laid out as the worker's Tracer lays them out, for the tests of src/trace.
import type { TraceBatch } from '../src/protocol/trace-staging.js';
import { callIds } from '../src/trace/calls.js';
import { Encoder, FLAG_LOG, HEADER_WORDS } from '../src/trace/record.js';

const ids = callIds('wasi_snapshot_preview1');

export type Call = { errno?: number; dur?: number } & (
  | { fn: 'sched_yield' }
  | { fn: 'proc_raise' }
  /** To fd 1 unless given; `log`: the bytes it wrote to the log (offset, length). */
  | { fn: 'fd_write'; fd?: number; log?: [number, number] }
  /** Opens `path` in fd 3 as fd `opened`. */
  | { fn: 'path_open'; path: string; opened?: number }
);

/** A batch of records made from `firstSeq` on; each starts at ms `seq` and lasts `dur` µs (1). */
export function batch(firstSeq: number, calls: Call[]): TraceBatch {
  const words = new Int32Array(calls.length * 64);
  const e = new Encoder(words, new Uint8Array(words.buffer));
  for (const [i, call] of calls.entries()) {
    const begin = e.at;
    const succeeded = (call.errno ?? 0) === 0;
    const log = call.fn === 'fd_write' ? call.log : undefined;
    e.at += HEADER_WORDS;
    if (log !== undefined) {
      e.f64(log[0]);
      e.u32(log[1]);
    }
    if (call.fn === 'proc_raise') e.u32(9);
    if (call.fn === 'fd_write') {
      e.u32(call.fd ?? 1);
      e.u32(1);
      e.f64(log?.[1] ?? 0);
      if (succeeded) e.u32(log?.[1] ?? 0);
    }
    if (call.fn === 'path_open') {
      e.u32(3);
      e.u32(1);
      e.blob(new TextEncoder().encode(call.path));
      e.u32(0);
      e.i64(2n);
      e.i64(0n);
      e.u32(0);
      if (succeeded) e.u32(call.opened ?? 4);
    }
    const stop = e.at;
    e.at = begin;
    e.u32(ids.get(call.fn)! | ((log ? FLAG_LOG : 0) << 8) | ((stop - begin) << 16));
    e.u32(call.errno ?? 0);
    e.f64(firstSeq + i);
    e.f32(call.dur ?? 1);
    e.at = stop;
  }
  return { firstSeq, words: words.slice(0, e.at) };
}
