/**
 * The e2e tests' web server, started by playwright.config.ts as `tsx e2e/server.ts PORT`. It never
 * reuses a server: a port already in use is refused before anything is built, since whatever serves
 * there (another app, or an older build of this one) is not what is to be tested. Each port gets its
 * own build, in .e2e-build/PORT, so that runs on different ports never overwrite each other's.
 */
import net from 'node:net';
import { build, preview } from 'vite';
import { bundleBrowser } from '../scripts/bundle.js';

const port = Number(process.argv[2]);

/** Whether something accepts connections on `port`, over IPv4 or IPv6. */
async function portInUse(): Promise<boolean> {
  const accepts = (host: string) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  return (await Promise.all([accepts('127.0.0.1'), accepts('::1')])).some(Boolean);
}

if (!Number.isInteger(port) || port <= 0) {
  console.error(`e2e/server.ts: expected a port, got "${process.argv[2]}"`);
  process.exit(2);
}
if (await portInUse()) {
  console.error(
    `Port ${port} is in use: something already serves there, and the e2e tests only test the build they ` +
      `serve themselves. Stop it, or choose a free port with BRINE_E2E_PORT (e.g. BRINE_E2E_PORT=4301 npx playwright test).`,
  );
  process.exit(1);
}
const outDir = `.e2e-build/${port}`;
// The package's browser files (dist/browser), for the <brine-job> tests and the brine/playwright fixture.
await bundleBrowser();
await build({ build: { outDir }, logLevel: 'warn' });
await preview({ build: { outDir }, preview: { port, strictPort: true } });
console.log(`Serving ${outDir} on http://localhost:${port}`);
