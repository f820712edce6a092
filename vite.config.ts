import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist-app',
    target: 'es2022',
    // harness.html: a UI-less page for automation (window.brine.run), used by the conformance runner.
    rollupOptions: { input: { main: 'index.html', harness: 'harness.html', bench: 'bench.html' } },
  },
  server: { port: 5173 },
  // The dev server needs inline scripts for hot reload; the served build (npm start) gets the policy.
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
});
