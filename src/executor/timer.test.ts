import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLongTimeout } from './timer.js';

describe('setLongTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits out delays longer than setTimeout takes (2^31 ms) instead of firing at once', () => {
    const fired = vi.fn();
    const days30 = 30 * 24 * 3600 * 1000;
    setLongTimeout(fired, days30);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(days30 - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('can be cleared in any step', () => {
    const fired = vi.fn();
    const clear = setLongTimeout(fired, 2 ** 32);
    vi.advanceTimersByTime(2 ** 31);
    clear();
    vi.advanceTimersByTime(2 ** 32);
    expect(fired).not.toHaveBeenCalled();
  });
});
