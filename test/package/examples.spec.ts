// CI checks of examples/html and examples/vite-app, run by test/package.test.ts in a project that
// installed the packed tarball; the URLs are of the servers that test started (none sends COOP/COEP).
import { expect, test } from '@playwright/test';

const url = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set: test/package.test.ts runs this file`);
  return value;
};

test('examples/html: both elements run on a page without cross-origin isolation', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url('BRINE_HTML_URL'));
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const fromFile = page.locator('#from-file');
  await expect(fromFile).toHaveAttribute('state', 'completed');
  await expect(fromFile.getByRole('log')).toHaveText('Hello, world!\n');
  const inline = page.locator('#inline');
  await expect(inline).toHaveAttribute('state', 'idle');
  await inline.getByRole('button', { name: 'Run' }).click();
  await expect(inline).toHaveAttribute('state', 'completed');
  await expect(page.locator('#status')).toHaveText('inline: completed, exit code -1');
  expect(pageErrors).toEqual([]);
});

for (const [how, name] of [
  ['built', 'BRINE_VITE_BUILT_URL'],
  ['on the dev server', 'BRINE_VITE_DEV_URL'],
] as const) {
  test(`examples/vite-app ${how}: runJob finds its worker and runs the job`, async ({ page }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url(name));
    await page.getByRole('button', { name: 'Run hello.wasm' }).click();
    await expect(page.getByRole('status')).toHaveText('completed, exit code 0');
    await expect(page.locator('#log')).toHaveText('Hello, world!\n');
    expect(pageErrors).toEqual([]);
  });
}
