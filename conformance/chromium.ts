import { jobToJson } from '../src/spec/json.js';
import { openBuiltPage } from './built-page.js';
import { judge, type SuiteTest, type Verdict } from './suite.js';

type Harness = { brine: { run(job: unknown): Promise<Parameters<typeof judge>[1]> } };

/** Runs the tests on the browser executor (dist-app/harness.html, built by `vite build`) in Debian's Chromium. */
export async function runInChromium(tests: SuiteTest[]): Promise<{ verdicts: Verdict[]; version: string }> {
  const { page, browser, close } = await openBuiltPage('harness.html');
  try {
    await page.waitForSelector('body[data-ready="true"]');
    const verdicts = await Promise.all(
      tests.map(async (test) =>
        judge(
          test,
          await page.evaluate((job) => (globalThis as unknown as Harness).brine.run(job), jobToJson(test.job)),
        ),
      ),
    );
    return { verdicts, version: browser.version() };
  } finally {
    await close();
  }
}
