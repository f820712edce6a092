/**
 * The package's browser files (dist/browser), each one self-contained ES module without imports:
 * brine.js (`brine` in browsers, `brine/browser`), element.js (`brine/element`) and the worker
 * both start, execution.worker.js, which they find beside themselves. Run after `tsc -b`
 * (`npm run build:package`); e2e/server.ts runs it before the end-to-end tests.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BROWSER_DIR = join(ROOT, 'dist', 'browser');

/** Each bundle's entry and file. Minified: the element and the worker are loaded as they are, with no bundler. */
const BUNDLES = [
  { input: 'src/package/browser.ts', file: 'brine.js', minify: false },
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
      // The sources import their TypeScript siblings as .js (NodeNext style).
      resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
      output: { file: join(outDir, file), format: 'es', minify },
      logLevel: 'warn',
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleBrowser();
