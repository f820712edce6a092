#!/usr/bin/env node
// The brine command. dist/node holds the CLI bundled into one script (brine.cjs) and its worker
// (execution.node.cjs), built by `npm run build:package` (or `npm install` in a clone).
// - For `run` the worker starts first: starting a Node worker takes about as long as loading the
//   CLI and reading the job, and the two go on at once. Unreferenced, it does not keep the
//   process alive if the job is refused.
// - The CLI is compiled with V8's code cache, kept per user in the temporary directory (Node 20
//   has no module.enableCompileCache): most of a cold start is compiling code run once. V8 checks
//   only a cached script's length, so the cache is named by the build's content.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';

const dist = fileURLToPath(new URL('../dist/node/', import.meta.url));
const worker = process.argv[2] === 'run' ? new Worker(join(dist, 'execution.node.cjs')) : undefined;
worker?.unref();

const file = join(dist, 'brine.cjs');
const source = readFileSync(file, 'utf8');
/** This build, by content: what the command keeps between runs is kept per build. */
const build = createHash('sha256').update(source).digest('hex').slice(0, 16);
const uid = process.getuid?.() ?? 0;
const cacheDir = join(tmpdir(), `brine-compile-cache-${uid}`);
// One per command: the cache holds the functions the command ran.
const command = ['run', 'validate', 'export'].includes(process.argv[2]) ? process.argv[2] : 'other';
const cacheFile = join(cacheDir, `${command}-${process.version}-${process.arch}-${build}.bin`);
/** A cache only this user could have written. */
function readCache() {
  try {
    const dir = statSync(cacheDir);
    if (dir.uid !== uid || (dir.mode & 0o022) !== 0) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
const cachedData = readCache();
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new Script(wrapped, { filename: file, cachedData });
const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, dirname(file));
if (cachedData === undefined || script.cachedDataRejected) {
  // After the run: the cache then holds the functions the run compiled too.
  process.once('beforeExit', () => {
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
      // The caches of other builds and Node versions are of no more use.
      for (const name of readdirSync(cacheDir)) {
        if (name.startsWith(`${command}-`) && join(cacheDir, name) !== cacheFile)
          rmSync(join(cacheDir, name), { force: true });
      }
    } catch {
      // No cache: the next start compiles again.
    }
  });
}
process.exitCode = await cli.exports.brine(process.argv.slice(2), worker, build);
