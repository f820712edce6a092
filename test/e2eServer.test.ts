/** The e2e run's web server (playwright.config.ts, e2e/server.ts): never a server it did not start. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

/** Longer than the refusal takes, shorter than the test's timeout. */
const RUN_LIMIT_MS = 45_000;

/**
 * `playwright test` on one spec with BRINE_E2E_PORT=port: its exit code (null if it had to be
 * stopped at RUN_LIMIT_MS, with its browsers and server) and output.
 */
function runE2e(port: number, outputDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    const child = spawn(process.execPath, [cli, 'test', '--output', outputDir, 'e2e/demos.spec.ts'], {
      env: { ...process.env, BRINE_E2E_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, stopped whole
    });
    const limit = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), RUN_LIMIT_MS);
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    child.stderr.on('data', (data) => {
      output += data;
    });
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

it('refuses a port where something else serves, naming it and BRINE_E2E_PORT, before building or testing', async () => {
  const requests: string[] = [];
  const other = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.end('not Brine');
  });
  await new Promise<void>((resolve) => other.listen(0, resolve));
  const { port } = other.address() as AddressInfo;
  const outputDir = await mkdtemp(path.join(tmpdir(), 'brine-e2e-'));
  try {
    const { code, output } = await runE2e(port, outputDir);
    expect(code).not.toBe(0);
    expect(output).toContain(`Port ${port} is in use`);
    expect(output).toContain('BRINE_E2E_PORT');
    expect(requests).toEqual([]);
    expect(existsSync(path.join('.e2e-build', String(port)))).toBe(false);
  } finally {
    other.close();
    await rm(outputDir, { recursive: true, force: true });
  }
}, 60_000);
