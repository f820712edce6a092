import { describe, expect, it } from 'vitest';
import { LogStore } from '../logs/store.js';
import { Execution } from './execution.js';
import { LogReceiver } from './log-receiver.js';
import type { ExecutionResult, ExecutionState } from './types.js';

function execution() {
  const states: ExecutionState[] = [];
  const logs = new LogStore(1024);
  const job = {} as never; // the lifecycle never reads the job
  const run = new Execution('x', job, 16, logs, new LogReceiver(logs, () => {}), (state) => states.push(state));
  return { run, states };
}

const resultIn = (state: ExecutionResult['state']) => ({ state }) as ExecutionResult;

describe('the execution lifecycle', () => {
  it('moves forward through its working states and reports each change once', () => {
    const { run, states } = execution();
    for (const state of ['queued', 'loading', 'linking', 'running'] as const) expect(run.transition(state)).toBe(true);
    expect(run.transition('running')).toBe(false);
    expect(run.transition('loading')).toBe(false);
    expect(states).toEqual(['queued', 'loading', 'linking', 'running']);
  });

  it('ends from any working state, once: nothing leaves a final state, and the result is heard before the state', () => {
    const { run, states } = execution();
    run.transition('queued');
    const heard: string[] = [];
    run.end(
      'cancelled',
      () => resultIn('cancelled'),
      () => heard.push(`result with ${states.at(-1)} last`),
    );
    run.end(
      'completed',
      () => resultIn('completed'),
      () => heard.push('second result'),
    );
    expect(run.transition('loading')).toBe(false);
    expect(heard).toEqual(['result with queued last']);
    expect(states).toEqual(['queued', 'cancelled']);
    expect(run.finished).toBe(true);
  });

  it('a cancel while the inputs are still being read ends it before it is queued; queued is never reported after', () => {
    const { run, states } = execution();
    run.end(
      'cancelled',
      () => resultIn('cancelled'),
      () => {},
    );
    expect(run.transition('queued')).toBe(false);
    expect(states).toEqual(['cancelled']);
  });

  it('times the phase a stopped execution was in, not zero', async () => {
    const { run } = execution();
    for (const state of ['queued', 'loading', 'linking', 'running'] as const) run.transition(state);
    await new Promise((resolve) => setTimeout(resolve, 20));
    run.end(
      'timedOut',
      () => resultIn('timedOut'),
      () => {},
    );
    expect(run.timings.runMs).toBeGreaterThanOrEqual(15);
    expect(run.timings.totalMs).toBeGreaterThanOrEqual(run.timings.runMs);
  });
});
