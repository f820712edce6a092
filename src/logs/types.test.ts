import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, type LogEvent } from './types.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('log frames', () => {
  it('encodes the 8-byte header: stream tag, three zeros, big-endian size', () => {
    const frame = encodeFrame({ stream: 'stderr', data: new Uint8Array(0x0102_03), timestamp: 5 });
    expect([...frame.subarray(0, 8)]).toEqual([2, 0, 0, 0, 0x00, 0x01, 0x02, 0x03]);
    expect(frame.byteLength).toBe(8 + 0x010203);
    expect([...encodeFrame({ stream: 'stdout', data: enc('hi'), timestamp: 0 })]).toEqual([
      1, 0, 0, 0, 0, 0, 0, 2, 104, 105,
    ]);
  });

  it('round-trips a sequence of frames (timestamps come back as 0)', () => {
    const events: LogEvent[] = [
      { stream: 'stdout', data: enc('hello\n'), timestamp: 11 },
      { stream: 'stderr', data: enc('oops'), timestamp: 12 },
      { stream: 'stdout', data: new Uint8Array(0), timestamp: 13 },
      { stream: 'stdout', data: new Uint8Array(70_000).map((_, i) => i & 0xff), timestamp: 14 },
    ];
    const frames = events.map(encodeFrame);
    const joined = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
    let at = 0;
    for (const frame of frames) {
      joined.set(frame, at);
      at += frame.byteLength;
    }
    expect(decodeFrames(joined)).toEqual(events.map((e) => ({ ...e, timestamp: 0 })));
  });

  it('decodes frames from a view with an offset', () => {
    const frame = encodeFrame({ stream: 'stderr', data: enc('abc'), timestamp: 0 });
    const padded = new Uint8Array(frame.byteLength + 5);
    padded.set(frame, 5);
    expect(decodeFrames(padded.subarray(5))).toEqual([{ stream: 'stderr', data: enc('abc'), timestamp: 0 }]);
    expect(decodeFrames(new Uint8Array(0))).toEqual([]);
  });
});
