/**
 * The package's browser files (dist/browser), each one self-contained ES module without imports:
 * brine.js (`brine` in browsers, `brine/browser`), element.js (`brine/element`) and the worker
 * both start, execution.worker.js, which they find beside themselves. Run after `tsc -b`
 * (`npm run build:package`); e2e/server.ts runs it before the end-to-end tests.
 *
 * And the `brine` command (dist/node): brine.cjs, the CLI, and execution.node.cjs, its worker,
 * each in one file. One file loads far faster than the hundred modules of dist/src (a cold
 * `brine run` spends most of its time loading code).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BROWSER_DIR = join(ROOT, 'dist', 'browser');
const NODE_DIR = join(ROOT, 'dist', 'node');
/** The sources import their TypeScript siblings as .js (NodeNext style). */
const resolve = { extensionAlias: { '.js': ['.ts', '.js'] } };

/** Each bundle's entry and file. Minified: the element and the worker are loaded as they are, with no bundler. */
const BUNDLES = [
  { input: 'src/package/browser.ts', file: 'brine.js', minify: true },
  { input: 'src/package/element.ts', file: 'element.js', minify: true },
  { input: 'workers/execution.worker.ts', file: 'execution.worker.js', minify: true },
];

/** Writes the bundles over the old ones (never empties the folder: tests running on other ports may be reading it). */
export async function bundleBrowser(outDir = BROWSER_DIR): Promise<void> {
  for (const { input, file, minify } of BUNDLES) {
    await build({
      cwd: ROOT,
      input,
      platform: 'browser',
      resolve,
      output: { file: join(outDir, file), format: 'es', minify },
      logLevel: 'warn',
    });
  }
}

/**
 * The `brine` command's files, minified (less to parse at every start), both CommonJS: the CLI,
 * which bin/brine.js compiles with V8's code cache (only scripts take one in Node 20), and the
 * worker (a CommonJS worker starts ~5 ms sooner than an ES module one). yaml's ES module build
 * is taken (its "node" build is CommonJS, which a bundle cannot tree-shake).
 */
export async function bundleNode(outDir = NODE_DIR): Promise<void> {
  const common = {
    cwd: ROOT,
    platform: 'node',
    resolve: { ...resolve, alias: { yaml: join(ROOT, 'node_modules/yaml/browser/index.js') } },
    logLevel: 'warn',
  } as const;
  await build({
    ...common,
    input: 'src/cli/bin.ts',
    output: {
      file: join(outDir, 'brine.cjs'),
      format: 'cjs',
      minify: true,
      codeSplitting: false,
      strictExecutionOrder: true,
    },
  });
  await build({
    ...common,
    input: 'workers/execution.node.ts',
    output: { file: join(outDir, 'execution.node.cjs'), format: 'cjs', minify: true },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleBrowser();
  await bundleNode();
}
