import { Executor } from '../src/executor/executor.js';
import { createNodeWorker } from '../src/host/node.js';
import { judge, type SuiteTest, type Verdict } from './suite.js';

/** Runs the tests on Brine's executor in Node (worker_threads), two at a time. */
export async function runInNode(tests: SuiteTest[]): Promise<Verdict[]> {
  const executor = new Executor({ createWorker: createNodeWorker, maxWorkers: 2 });
  try {
    return await Promise.all(
      tests.map(async (test, i) => judge(test, await executor.run({ executionId: `conformance-${i}`, job: test.job }))),
    );
  } finally {
    executor.dispose();
  }
}
