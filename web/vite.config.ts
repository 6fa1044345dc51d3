import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard, served by `tradepilot serve` under /app (run with `vite build web`, root = this folder). */
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The chart library is the bulk of the bundle; split it so the pages cache apart from it.
    rollupOptions: { output: { manualChunks: (id: string) => (id.includes('node_modules/lightweight-charts') || id.includes('node_modules/fancy-canvas') ? 'charts' : id.includes('node_modules/react') || id.includes('node_modules/scheduler') ? 'react' : undefined) } },
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
  },
});
