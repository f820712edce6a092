import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist-app',
    target: 'es2022',
    // harness.html: a UI-less page for automation (window.brine.run), used by the conformance runner.
    rollupOptions: { input: { main: 'index.html', harness: 'harness.html' } },
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
});
