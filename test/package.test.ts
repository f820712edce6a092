// The package as a user gets it: `npm pack`, then the tarball installed into an empty project,
// where each entry point is used as documented: the Node API, the bin, the types, and in Chromium
// the examples (examples/): the element on a static server without COOP/COEP, runJob in a Vite app
// (built, and on the dev server), the Playwright fixture. A file missing from the tarball fails here.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../e2e/chromium.js';
import { type StaticServer, serveStatic } from '../src/package/static-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let dir: string;
let project: string;

/** Runs a command to the end; its output, and a thrown error naming it when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

function mustRun(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const out = run(command, args, cwd, env);
  if (out.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** `run` without blocking this process, whose servers the command talks to. */
function runBeside(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise<{ status: number | null; output: string }>((resolve) =>
    child.on('close', (status) => resolve({ status, output })),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'brine-package-'));
  project = join(dir, 'project');
  // The build `npm pack` would run (prepack also empties dist/ first, which tests running beside this one read).
  mustRun('npm', ['run', '--silent', 'build:package'], root);
  const [packed] = JSON.parse(mustRun('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root));
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-brine', private: true, type: 'module' }));
  const dev = repoPackage.devDependencies;
  mustRun(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(dir, packed.filename),
      `@playwright/test@${dev['@playwright/test']}`,
      `@types/node@${dev['@types/node']}`,
    ],
    project,
  );
  cpSync(join(root, 'examples'), join(project, 'examples'), { recursive: true });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the installed package', () => {
  it('installs only what the published code needs', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/brine/package.json'), 'utf8'));
    expect(Object.keys(installed.dependencies).sort()).toEqual([
      '@bjorn3/browser_wasi_shim',
      'comlink',
      'fflate',
      'yaml',
    ]);
    for (const appOnly of ['react', 'zustand', '@xyflow/react']) {
      expect(existsSync(join(project, 'node_modules', appOnly)), appOnly).toBe(false);
    }
  });

  it('runs jobs from Node: runJob with baseDir and with files, a refusal, the Executor on brine/node', () => {
    writeFileSync(
      join(project, 'node-api.mjs'),
      `import { readFileSync } from 'node:fs';
      import { BrineError, Executor, file, parseJob, runJob, streamText } from 'brine';
      import { createNodeWorker } from 'brine/node';
      const yaml = readFileSync('examples/html/job.yaml', 'utf8');
      const wasm = readFileSync('examples/html/hello.wasm');
      const summary = (r) => [r.state, r.exitCode, streamText(r.logs, 'stdout')];
      const fromDisk = summary(await runJob(yaml, { baseDir: 'examples/html' }));
      const fromFiles = summary(await runJob(yaml, { files: { 'hello.wasm': new Blob([wasm]) }, compat: 'bacalhau' }));
      const refused = await runJob(yaml).catch((e) => e instanceof BrineError && e.code);
      const job = parseJob(yaml);
      job.inputs = [{ target: 'main.wasm', source: { type: 'memory', tree: file(new Uint8Array(wasm)), readWrite: false } }];
      const executor = new Executor({ createWorker: createNodeWorker });
      const low = summary(await executor.run({ executionId: 'e1', job }));
      executor.dispose();
      console.log(JSON.stringify({ fromDisk, fromFiles, refused, low }));`,
    );
    expect(JSON.parse(mustRun(process.execPath, ['node-api.mjs'], project))).toEqual({
      fromDisk: ['completed', 0, 'Hello, world!\n'],
      fromFiles: ['completed', -1, 'Hello, world!\n'],
      refused: 'InputConfigError',
      low: ['completed', 0, 'Hello, world!\n'],
    });
  });

  it('has the brine command: npx brine run and validate', () => {
    expect(run('npx', ['--no-install', 'brine', 'run', 'examples/html/job.yaml'], project)).toMatchObject({
      status: 0,
      stdout: 'Hello, world!\n',
    });
    const validate = run('npx', ['--no-install', 'brine', 'validate', 'examples/html/job.yaml'], project);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain('valid: main.wasm, entrypoint _start');
  });

  it('has types for every entry point, under Node and bundler resolution', () => {
    writeFileSync(
      join(project, 'uses.ts'),
      `import { type ExecutionResult, type RunJobOptions, runJob, streamText } from 'brine';
      import { createBrowserWorker } from 'brine/browser';
      import type { BrineJobElement, BrineJobOutcome } from 'brine/element';
      import { createNodeWorker, writeHostTree } from 'brine/node';
      import { type BrineFixture, expect, test } from 'brine/playwright';
      const options: RunJobOptions = { files: { 'a.wasm': new Blob([]), 'b.txt': 'text' }, baseDir: '.', compat: 'bacalhau' };
      const result: Promise<ExecutionResult> = runJob('Tasks: []', options);
      const element: BrineJobElement | null = document.querySelector('brine-job');
      element?.addEventListener('brine-result', (event) => {
        const outcome: BrineJobOutcome = event.detail;
        console.log(outcome.result?.exitCode, element.state, streamText(element.result?.logs ?? [], 'stdout'));
      });
      test('typed', async ({ brine }: { brine: BrineFixture }) => expect((await brine.run('', {})).state).toBe('completed'));
      export { createBrowserWorker, createNodeWorker, result, writeHostTree };`,
    );
    for (const moduleResolution of ['nodenext', 'bundler']) {
      const config = join(project, `tsconfig.${moduleResolution}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: moduleResolution === 'bundler' ? 'ESNext' : 'NodeNext',
            moduleResolution,
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            types: ['node'],
            strict: true,
            noEmit: true,
          },
          files: ['uses.ts'],
        }),
      );
      expect(run(join(root, 'node_modules/.bin/tsc'), ['-p', config], project)).toMatchObject({
        status: 0,
        stdout: '',
      });
    }
  });

  describe('in Chromium', () => {
    const servers: StaticServer[] = [];
    let dev: ViteDevServer | undefined;

    afterAll(async () => {
      await dev?.close();
      for (const server of servers) await server.close();
    });

    it('the element, the Vite app (built and on the dev server) and the Playwright fixture, as the examples use them', async () => {
      const examples = join(project, 'examples');
      // No COOP/COEP anywhere: most sites send neither.
      const html = await serveStatic({
        dirs: { '/': join(examples, 'html'), '/node_modules/': join(project, 'node_modules') },
      });
      servers.push(html);
      const viteApp = join(examples, 'vite-app');
      const outDir = join(dir, 'vite-dist');
      await build({ root: viteApp, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
      const built = await serveStatic({ dirs: { '/': outDir } });
      servers.push(built);
      // The example's node_modules is the project's, above the app's root: let the dev server read it.
      const server = { port: 0, fs: { allow: [project] } };
      dev = await createServer({ root: viteApp, configFile: false, logLevel: 'warn', server });
      await dev.listen();
      cpSync(join(root, 'test/package'), join(project, 'ci'), { recursive: true });
      writeFileSync(
        join(project, 'ci.config.ts'),
        `import { defineConfig } from '@playwright/test';
        export default defineConfig({
          testMatch: ['examples/playwright/tests/*.spec.ts', 'ci/*.spec.ts'],
          timeout: 60_000,
          expect: { timeout: 15_000 },
          workers: 2,
          reporter: 'line',
          use: { launchOptions: ${JSON.stringify(CHROMIUM)} },
        });`,
      );
      const playwright = ['node_modules/@playwright/test/cli.js', 'test', '-c', 'ci.config.ts'];
      const out = await runBeside(process.execPath, playwright, project, {
        BRINE_HTML_URL: `${html.url}/`,
        BRINE_VITE_BUILT_URL: `${built.url}/`,
        BRINE_VITE_DEV_URL: dev.resolvedUrls!.local[0]!,
      });
      expect(out.status, out.output).toBe(0);
      expect(out.output).toMatch(/\b8 passed\b/);
    }, 240_000);
  });
});
