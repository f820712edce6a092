// Runs a Bacalhau WASM job in the test's browser page with the `brine` fixture, and checks what it
// printed. Copy this folder into your repository: npm install, then npx playwright test.
import { readFileSync } from 'node:fs';
import { streamText } from 'brine';
import { expect, test } from 'brine/playwright';

const job = readFileSync(new URL('../job.yaml', import.meta.url), 'utf8');
// The job's localDirectory source, by its SourcePath.
const files = { 'hello.wasm': readFileSync(new URL('../hello.wasm', import.meta.url)) };

test('hello.wasm prints a greeting in the browser', async ({ brine }) => {
  const result = await brine.run(job, { files });
  expect(result.state).toBe('completed');
  expect(result.exitCode).toBe(0);
  expect(streamText(result.logs, 'stdout')).toBe('Hello, world!\n');
});

test('in the compatibility mode the result is what Bacalhau reports', async ({ brine }) => {
  const result = await brine.run(job, { files, compat: 'bacalhau' });
  // The entrypoint returned without calling proc_exit: Bacalhau's executor reports -1.
  expect(result.exitCode).toBe(-1);
});

test('a job that cannot start rejects with its typed error', async ({ brine }) => {
  await expect(brine.run(job)).rejects.toMatchObject({ code: 'InputConfigError' });
});
