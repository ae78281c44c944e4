import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Bundles harness/index.html with React and @grafana/ui included (no
// externals: there is no Grafana around to provide them).
export default defineConfig({
  root: resolve(__dirname),
  base: './',
  logLevel: 'error',
  esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: resolve(__dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2020',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 100000,
  },
});
