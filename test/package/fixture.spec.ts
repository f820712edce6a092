// CI checks of brine/playwright beyond examples/playwright, run by test/package.test.ts: the page it
// opens is cross-origin isolated, and a test that navigated elsewhere runs jobs in that page.
import { readFileSync } from 'node:fs';
import { expect, test } from 'brine/playwright';

const job = readFileSync('examples/html/job.yaml', 'utf8');
const files = { 'hello.wasm': readFileSync('examples/html/hello.wasm') };

test('its own page is cross-origin isolated and serves the element too', async ({ brine, page }) => {
  expect((await brine.run(job, { files })).exitCode).toBe(0);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.setContent(
    `<script type="module" src="${brine.assetsUrl}element.js"></script>
     <brine-job autorun><script type="application/yaml">${job}</script></brine-job>`,
  );
  await expect(page.locator('brine-job')).toHaveAttribute('state', 'failed'); // no hello.wasm beside this page
  await expect(page.locator('brine-job [part="error"]')).toContainText('InputConfigError');
});

test('after the test navigates elsewhere, jobs run in that page', async ({ brine, page }) => {
  const site = process.env['BRINE_HTML_URL'];
  if (site === undefined) throw new Error('BRINE_HTML_URL is not set: test/package.test.ts runs this file');
  await page.goto(site);
  const result = await brine.run(job, { files });
  expect(result.stdout).toBe('Hello, world!\n');
  expect(new URL(page.url()).origin).toBe(new URL(site).origin);
});
