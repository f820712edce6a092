import { describe, expect, it } from 'vitest';
import { preview1Names, preview1Signature } from '../loader/preview1.js';
import { callIds, callName, rawIndexes, TRACED_CALLS } from './calls.js';

describe('TRACED_CALLS', () => {
  it('has every preview1 function, each parameter taking the wasm parameters of its signature', () => {
    const ids = callIds('wasi_snapshot_preview1');
    expect([...ids.keys()].sort()).toEqual(preview1Names().sort());
    for (const [name, id] of ids) {
      const call = TRACED_CALLS[id]!;
      const params = call.params.map((p) => p.kind.sig).join('');
      const types = [...params].map((letter) => (letter === 'I' ? 'i64' : 'i32')).join(', ');
      expect(preview1Signature(name), name).toMatch(new RegExp(`^\\(${types}\\) -> `));
    }
  });

  it('fits a call index in a record header', () => {
    expect(TRACED_CALLS.length).toBeLessThanOrEqual(256);
  });

  it('names preview1 calls by their own name', () => {
    expect(callName(TRACED_CALLS[callIds('wasi_snapshot_preview1').get('path_open')!]!)).toBe('path_open');
  });

  it('finds where each parameter starts among the wasm parameters', () => {
    const pathOpen = TRACED_CALLS[callIds('wasi_snapshot_preview1').get('path_open')!]!;
    // fd, dirflags, path (ptr, len), oflags, rights, rights, fdflags, opened fd
    expect(rawIndexes(pathOpen)).toEqual([0, 1, 2, 4, 5, 6, 7, 8]);
  });
});
