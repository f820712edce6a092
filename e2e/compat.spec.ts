// The Bacalhau compatibility mode in Chromium (the brine/playwright fixture), and the "On Bacalhau"
// lines in the UI.
import { expect, test } from '../src/package/playwright.js';
import type { Job } from '../src/spec/types.js';
import { chooseDemo, fixtureJob, fullStdout, openApp, outputFiles, runJob } from './helpers.js';

const job = (module: string, fields: Partial<Job> = {}, compat = true): Job =>
  fixtureJob(module, {
    ...fields,
    brine: { argv0: '', preopens: [], ...(compat ? { compat: 'bacalhau' as const } : {}) },
  });

test.describe('the compatibility mode in the browser', () => {
  test('exit code -1 when the entrypoint returns; traps read as wazero words them', async ({ brine }) => {
    expect(await brine.run(job('c/hello.wasm'))).toMatchObject({
      state: 'completed',
      exitCode: -1,
      compat: 'bacalhau',
    });
    expect(await brine.run(job('wat/unreachable.wasm'))).toMatchObject({
      state: 'failed',
      exitCode: 1,
      errorMsg: 'wasm error: unreachable',
    });
    const ownMode = await brine.run(job('c/hello.wasm', {}, false));
    expect(ownMode).toMatchObject({ exitCode: 0 });
    expect(ownMode.onBacalhau).toContain('exit code -1: the entrypoint returned without calling proc_exit');
  });

  test('outputs are touchfs; random_get is the same on every run; summaries hold the first write', async ({
    brine,
  }) => {
    const probe = await brine.run(
      job('c/touchfs_probe.wasm', { outputs: [{ name: 'outputs', path: '/outputs' }], parameters: ['/outputs'] }),
    );
    expect(fullStdout(probe)).toBe(
      'create: ok\nwrite again: EBADF\nmkdir: ENOSYS\nstat missing: ok\nopen missing read-only: ok\nrename: ENOSYS\nunlink: ENOSYS\n',
    );
    expect(outputFiles(probe)[0]?.files.sort()).toEqual(['new.txt', 'open-missing.txt', 'stat-missing.txt']);
    expect(probe.stdout).toBe('create: ok\n');
    const random = async () => /random=(\w+)/.exec(fullStdout(await brine.run(job('c/clock_random.wasm'))))?.[1];
    const first = await random();
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(await random()).toBe(first);
  });

  test('the guest gets env, argv and stdin as a Bacalhau node gives them', async ({ brine }) => {
    const env = await brine.run(
      fixtureJob('c/env.wasm', {
        type: 'ops',
        env: { GREETING: 'hi' },
        brine: { argv0: 'prog', preopens: [], env: { lower: 'x' }, systemEnv: false, compat: 'bacalhau' },
      }),
    );
    expect(fullStdout(env)).toMatch(
      /^BACALHAU_EXECUTION_ID=.+\nBACALHAU_JOB_ID=.+\nBACALHAU_JOB_TYPE=ops\nBACALHAU_PARTITION_COUNT=0\nBACALHAU_PARTITION_INDEX=0\nGREETING=hi\n$/,
    );
    const args = await brine.run(
      fixtureJob('c/args.wasm', { brine: { argv0: 'prog', preopens: [], compat: 'bacalhau' } }),
    );
    expect(fullStdout(args)).toBe('argc=1\nargv[0]=\n');
  });

  test('a timeout reads as Bacalhau reports it', async ({ brine }) => {
    const timedOut = await brine.run(job('wat/spin.wasm', { timeouts: { executionTimeout: 1 } }));
    expect(timedOut).toMatchObject({ state: 'failed', errorMsg: 'Execution timed out after 1s' });
  });
});

test('the result says what Bacalhau would have reported differently; the switch runs the job as Bacalhau would', async ({
  page,
}) => {
  await openApp(page);
  await chooseDemo(page, 'hello');
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('0');
  await expect(page.getByTestId('on-bacalhau')).toContainText(
    'On Bacalhau: exit code -1: the entrypoint returned without calling proc_exit',
  );
  await page.getByTestId('compat-switch').check();
  await expect(page.getByTestId('job-yaml')).toHaveValue(/Compat: bacalhau/);
  await runJob(page, 'completed');
  await expect(page.getByTestId('exit-code')).toHaveText('-1');
  await expect(page.getByTestId('compat-note')).toBeVisible();
  await expect(page.getByTestId('on-bacalhau')).toHaveCount(0);
});

test('a cancel in the compatibility mode completes with exit code 4294967295', async ({ page }) => {
  await openApp(page);
  await chooseDemo(page, 'spin');
  await page.getByTestId('compat-switch').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveText('running');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveText('completed');
  await expect(page.getByTestId('exit-code')).toHaveText('4294967295');
});
