import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * What the built app may do: its own scripts, workers and files, compiling WebAssembly, inline
 * styles (React style attributes), data/blob images. No remote origin, no eval, no plugins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The execution worker's policy: the page's, except that it may connect to any http(s) origin.
 * The worker makes the guest's requests through Bacalhau's HTTP host module, and the job's
 * Network rule (checked in the worker before each request) decides which hosts; the page itself
 * still connects only to its own origin. A dedicated worker takes the policy served with its script.
 */
export const WORKER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "connect-src 'self'",
  "connect-src 'self' http: https:",
);

/** The embed page (/embed): the page's policy, except that any site may frame it. */
export const EMBED_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "frame-ancestors 'none'",
  'frame-ancestors *',
);

/**
 * Serves each response of the built app with its policy: the worker's for the execution worker's
 * script, the embed page's for /embed.
 */
const contentSecurityPolicy: Plugin = {
  name: 'brine-content-security-policy',
  configurePreviewServer(server) {
    server.middlewares.use((request, response, next) => {
      const path = request.url?.split('?')[0] ?? '';
      const policy = /\/execution\.worker-[\w-]+\.js$/.test(path)
        ? WORKER_CONTENT_SECURITY_POLICY
        : /^\/embed(\.html)?$/.test(path)
          ? EMBED_CONTENT_SECURITY_POLICY
          : CONTENT_SECURITY_POLICY;
      response.setHeader('Content-Security-Policy', policy);
      next();
    });
  },
};

/**
 * Cross-origin isolation: the page may share memory with its workers (SharedArrayBuffer), which
 * lets the executor read log output a worker has staged but not posted (see src/logs/staging.ts).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The built app's pages: the runner, a UI-less page for automation (window.brine.run), and a job to frame (/embed). */
const APP_PAGES = { main: 'index.html', harness: 'harness.html', embed: 'embed.html' };

// `vite build --mode bench` builds the benchmark page (and its raw-shim worker) apart, into dist-bench/.
export default defineConfig(({ mode }) => ({
  plugins: [react(), contentSecurityPolicy],
  worker: { format: 'es' as const },
  build: {
    outDir: mode === 'bench' ? 'dist-bench' : 'dist-app',
    target: 'es2022',
    rollupOptions: { input: mode === 'bench' ? { ...APP_PAGES, bench: 'bench/index.html' } : APP_PAGES },
  },
  server: { port: 5173, headers: ISOLATION_HEADERS },
  // The dev server needs inline scripts for hot reload; the served build (npm start) gets the policy.
  preview: {
    port: 4173,
    strictPort: true,
    headers: ISOLATION_HEADERS,
  },
}));
