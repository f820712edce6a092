import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: 'dist-app', target: 'es2022' },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
});
