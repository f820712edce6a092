// The app's Embed action: an <iframe> of /embed that runs the job on another site, and the
// <brine-job> snippet for the current job.
import { expect, test } from '@playwright/test';
import { type StaticServer, serveStatic } from '../src/package/static-server.js';
import { chooseDemo, openApp } from './helpers.js';

let otherSite: StaticServer;
test.beforeAll(async () => {
  otherSite = await serveStatic({ pages: { '/': '' } });
});
test.afterAll(() => otherSite.close());

test('Embed gives an iframe that runs the job framed by another site, and the element snippet', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  await page.getByRole('button', { name: 'Embed' }).click();
  const iframe = await page.getByTestId('embed-iframe').inputValue();
  expect(iframe).toMatch(/^<iframe src="http:\/\/localhost:\d+\/embed#job=[\w-]+" title="Brine job"/);
  const element = await page.getByTestId('embed-element').inputValue();
  expect(element).toContain('<script type="module" src="./brine/element.js"></script>\n<brine-job>');
  expect(element).toContain('<script type="application/yaml">\nName: hello-world\n');
  expect(element).toContain('Type: inline'); // the module travels in the job

  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${otherSite.url}/`);
  await page.setContent(`<h1>Another site</h1>${iframe}`);
  const framed = page.frameLocator('iframe').locator('brine-job');
  await expect(framed).toHaveAttribute('state', 'idle');
  await framed.getByRole('button', { name: 'Run' }).click();
  await expect(framed).toHaveAttribute('state', 'completed');
  await expect(framed.getByRole('log')).toHaveText('Hello, world!\n');
  await expect(framed.locator('[part="title"]')).toHaveText('hello-world');
  expect(pageErrors).toEqual([]);
});

test('/embed?autorun starts the job at once; a link without a job says so', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'dynamic');
  await page.getByRole('button', { name: 'Embed' }).click();
  const src = /src="([^"]+)"/.exec(await page.getByTestId('embed-iframe').inputValue())![1]!;
  await page.goto(src.replace('/embed#', '/embed?autorun#'));
  await expect(page.locator('brine-job')).toHaveAttribute('state', 'completed');
  await expect(page.locator('brine-job').getByRole('log')).toHaveText('17\n');
  await page.goto('/embed');
  await expect(page.getByRole('alert')).toHaveText(
    'This link holds no job: make one with the Embed button of the Brine app.',
  );
});
