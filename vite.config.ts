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
 * Cross-origin isolation: the page may share memory with its workers (SharedArrayBuffer), which
 * lets the executor read log output a worker has staged but not posted (see src/logs/staging.ts).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The built app's pages: the runner, a UI-less page for automation (window.brine.run), and a job to frame. */
const APP_PAGES = { main: 'index.html', harness: 'harness.html', embed: 'embed.html' };

/** The embed page (/embed) is for other sites to frame: its policy lets any page be its frame ancestor. */
const EMBED_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", 'frame-ancestors *');
const embeddable = (): Plugin => ({
  name: 'brine-embed-policy',
  configurePreviewServer(server) {
    server.middlewares.use((request, response, next) => {
      if (/^\/embed(\.html)?([?#]|$)/.test(request.url ?? '')) {
        const setHeader = response.setHeader.bind(response);
        response.setHeader = (name, value) =>
          setHeader(name, name.toLowerCase() === 'content-security-policy' ? EMBED_POLICY : value);
      }
      next();
    });
  },
});

// `vite build --mode bench` builds the benchmark page (and its raw-shim worker) apart, into dist-bench/.
export default defineConfig(({ mode }) => ({
  plugins: [react(), embeddable()],
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
    headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
}));
