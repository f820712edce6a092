import { statSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixture, logLines, newJob, openApp, runJob } from './helpers.js';

for (const viewport of [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
]) {
  test(`output previews stay inside the page ${viewport.width} px wide`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openApp(page);
    await newJob(page);
    // write_file writes a 1 MiB line to /outputs/long.txt; the writable mount comes back as a binary output.
    await page.getByTestId('module-input').setInputFiles(fixture('c/write_file.wasm'));
    await page.getByTestId('mount-input').setInputFiles({
      name: 'data.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    });
    await page.getByTestId('mount-target').fill('/work/data.bin');
    await page.getByLabel('writable').check();
    await page.getByTestId('args-input').fill('/outputs/long.txt\n1\n65536');
    await page.getByRole('button', { name: 'Add output' }).click();
    await runJob(page, 'completed');
    await expect(logLines(page, 'stdout')).toHaveText(['wrote 1048576 bytes']);

    const previews = [
      { path: 'outputs/long.txt', shows: /^o{1000}/, bytes: 1_048_576 },
      { path: 'work/data.bin', shows: /^00000000 {2}00 01 02 03 04 05 06 07/, bytes: 256 },
    ];
    for (const { path, shows, bytes } of previews) {
      await page.locator(`[data-testid="output-file"][data-path="${path}"]`).click();
      await expect(page.getByTestId('file-preview')).toHaveText(shows);
      const download = page.getByTestId('outputs').getByRole('button', { name: 'Download', exact: true });
      await expect(download).toBeVisible();
      // Where the button is across the page (whatever the page is scrolled to), and how wide the page is.
      const layout = await download.evaluate((button) => {
        const { left, right } = button.getBoundingClientRect();
        const { scrollWidth, clientWidth } = document.documentElement;
        return { left: left + window.scrollX, right: right + window.scrollX, scrollWidth, clientWidth };
      });
      expect(layout.scrollWidth, `${path}: the page scrolls sideways`).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.left).toBeGreaterThanOrEqual(0);
      expect(layout.right, `${path}: Download is off-screen`).toBeLessThanOrEqual(viewport.width);
      const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
      expect(file.suggestedFilename()).toBe(path.split('/').pop());
      expect(statSync((await file.path())!).size).toBe(bytes);
    }
  });
}
