import { describe, expect, it } from 'vitest';
import { LogStore } from './store.js';
import { type LogEvent, type StreamName, SUMMARY_BYTES, streamText } from './types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const ev = (stream: StreamName, text: string, timestamp = 0): LogEvent => ({ stream, data: enc(text), timestamp });

async function collect(iterable: AsyncIterable<LogEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const event of iterable) out.push(`${event.stream}:${dec(event.data)}`);
  return out;
}

/** Lets pending promise callbacks run. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('LogStore cap', () => {
  it('keeps each stream up to the cap and flags the truncation', () => {
    const store = new LogStore(10);
    store.append(ev('stdout', 'abcd'));
    store.append(ev('stderr', '0123456789'));
    store.append(ev('stdout', 'efgh'));
    expect(store.statsOf('stdout')).toEqual({ written: 8, kept: 8, truncated: false });
    expect(store.statsOf('stderr')).toEqual({ written: 10, kept: 10, truncated: false });
    store.append(ev('stdout', 'ijkl'));
    store.append(ev('stdout', 'mn'));
    store.append(ev('stderr', 'X'));
    expect(store.statsOf('stdout')).toEqual({ written: 14, kept: 10, truncated: true });
    expect(store.statsOf('stderr')).toEqual({ written: 11, kept: 10, truncated: true });
    expect(streamText(store.events, 'stdout')).toBe('abcdefghij');
    expect(streamText(store.events, 'stderr')).toBe('0123456789');
    // Writes dropped entirely leave no (empty) events behind.
    expect(store.events.map((e) => dec(e.data))).toEqual(['abcd', '0123456789', 'efgh', 'ij']);
  });

  it('keeps a single write bigger than the cap up to the cap', () => {
    const store = new LogStore(5);
    store.append(ev('stdout', 'hello world', 42));
    expect(store.statsOf('stdout')).toEqual({ written: 11, kept: 5, truncated: true });
    expect(store.events).toHaveLength(1);
    expect(dec(store.events[0]!.data)).toBe('hello');
    expect(store.events[0]!.timestamp).toBe(42);
    expect(store.events[0]!.stream).toBe('stdout');
  });

  it('a cap of zero keeps nothing but counts everything', () => {
    const store = new LogStore(0);
    store.append(ev('stderr', 'abc'));
    expect(store.events).toHaveLength(0);
    expect(store.statsOf('stderr')).toEqual({ written: 3, kept: 0, truncated: true });
  });

  it('counts bytes a worker dropped before sending', () => {
    const store = new LogStore(100);
    store.append(ev('stdout', 'abc'));
    store.addDropped('stdout', 0);
    expect(store.statsOf('stdout').truncated).toBe(false);
    store.addDropped('stdout', 50);
    expect(store.statsOf('stdout')).toEqual({ written: 53, kept: 3, truncated: true });
    expect(store.statsOf('stderr').truncated).toBe(false);
  });

  it('statsOf returns a copy', () => {
    const store = new LogStore(100);
    const stats = store.statsOf('stdout');
    stats.kept = 99;
    expect(store.statsOf('stdout').kept).toBe(0);
  });
});

describe('LogStore summary', () => {
  it('is the first 2048 bytes of each stream across interleaved events', () => {
    const store = new LogStore(1 << 20);
    store.append(ev('stdout', 'a'.repeat(1000)));
    store.append(ev('stderr', 'x'.repeat(500)));
    store.append(ev('stdout', 'b'.repeat(1500)));
    store.append(ev('stderr', 'y'.repeat(100)));
    store.append(ev('stdout', 'c'.repeat(10)));
    const out = store.summary('stdout');
    expect(SUMMARY_BYTES).toBe(2048);
    expect(out.bytes.byteLength).toBe(2048);
    expect(dec(out.bytes)).toBe('a'.repeat(1000) + 'b'.repeat(1048));
    expect(out.truncated).toBe(true);
    const err = store.summary('stderr');
    expect(dec(err.bytes)).toBe('x'.repeat(500) + 'y'.repeat(100));
    expect(err.truncated).toBe(false);
    expect(dec(store.summary('stdout', 1001).bytes)).toBe(`${'a'.repeat(1000)}b`);
  });

  it('is not truncated at exactly the limit, and is truncated past the cap', () => {
    const store = new LogStore(1 << 20);
    store.append(ev('stdout', 'z'.repeat(2048)));
    expect(store.summary('stdout').truncated).toBe(false);
    store.append(ev('stdout', '!'));
    expect(store.summary('stdout').truncated).toBe(true);
    const small = new LogStore(10);
    small.append(ev('stdout', 'abc'));
    small.addDropped('stdout', 5000);
    expect(small.summary('stdout')).toEqual({ bytes: enc('abc'), truncated: true });
    expect(new LogStore(10).summary('stderr')).toEqual({ bytes: new Uint8Array(0), truncated: false });
  });
});

describe('LogStore stream', () => {
  it('replays the history in order, then ends without follow', async () => {
    const store = new LogStore(100);
    store.append(ev('stdout', 'one'));
    store.append(ev('stderr', 'two'));
    store.append(ev('stdout', 'three'));
    expect(await collect(store.stream())).toEqual(['stdout:one', 'stderr:two', 'stdout:three']);
    // Twice, independently.
    expect(await collect(store.stream())).toHaveLength(3);
  });

  it('with follow, receives events appended later and ends on close()', async () => {
    const store = new LogStore(100);
    store.append(ev('stdout', 'before'));
    const collected = collect(store.stream({ follow: true }));
    let done = false;
    void collected.then(() => (done = true));
    await tick();
    store.append(ev('stderr', 'during-1'));
    await tick();
    store.append(ev('stdout', 'during-2'));
    store.append(ev('stdout', 'during-3'));
    await tick();
    expect(done).toBe(false);
    store.close();
    expect(await collected).toEqual(['stdout:before', 'stderr:during-1', 'stdout:during-2', 'stdout:during-3']);
    // Closed: appends after close are ignored.
    store.append(ev('stdout', 'after'));
    expect(store.events).toHaveLength(4);
  });

  it('several followers each get every event', async () => {
    const store = new LogStore(100);
    const a = collect(store.stream({ follow: true }));
    const b = collect(store.stream({ follow: true }));
    await tick();
    store.append(ev('stdout', '1'));
    await tick();
    store.append(ev('stdout', '2'));
    store.close();
    expect(await a).toEqual(['stdout:1', 'stdout:2']);
    expect(await b).toEqual(['stdout:1', 'stdout:2']);
  });

  it('tail: false skips the history', async () => {
    const store = new LogStore(100);
    store.append(ev('stdout', 'old'));
    expect(await collect(store.stream({ tail: false }))).toEqual([]);
    const live = collect(store.stream({ tail: false, follow: true }));
    await tick();
    store.append(ev('stdout', 'new'));
    store.close();
    expect(await live).toEqual(['stdout:new']);
  });

  it('following a closed store replays the history and ends', async () => {
    const store = new LogStore(100);
    store.append(ev('stdout', 'x'));
    store.close();
    expect(await collect(store.stream({ follow: true }))).toEqual(['stdout:x']);
  });

  it('an early return() ends the iteration', async () => {
    const store = new LogStore(100);
    for (const text of ['a', 'b', 'c']) store.append(ev('stdout', text));
    const seen: string[] = [];
    for await (const event of store.stream({ follow: true })) {
      seen.push(dec(event.data));
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['a', 'b']);
    const iterator = store.stream({ follow: true })[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.data).toEqual(enc('a'));
    expect(await iterator.return!()).toEqual({ done: true, value: undefined });
    store.append(ev('stdout', 'd'));
    // After return(), next() is done at once even though the store is open and has more.
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    // The store itself stays open: it still takes events.
    store.append(ev('stdout', 'e'));
    expect(store.events.at(-1)?.data).toEqual(enc('e'));
  });
});
