/// <reference types="vitest/config" />
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, Plugin } from 'vite';

// The frontend bundle Grafana loads: dist/module.js as an AMD module whose
// dependencies (React, @grafana/*, rxjs, ...) are the instances Grafana
// itself provides through its SystemJS loader, never bundled copies.
const EXTERNALS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@grafana/data',
  '@grafana/ui',
  '@grafana/runtime',
  '@grafana/schema',
  '@emotion/css',
  '@emotion/react',
  'rxjs',
  'rxjs/operators',
  'lodash',
  'moment',
];

// staticFiles copies plugin.json (version and date filled in), the logo and
// the README next to module.js.
function staticFiles(): Plugin {
  return {
    name: 'talus-static-files',
    apply: 'build',
    writeBundle() {
      const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8'));
      const out = resolve(__dirname, 'dist');
      mkdirSync(out, { recursive: true });
      const manifest = readFileSync(resolve(__dirname, 'src/plugin.json'), 'utf8')
        .replace('%VERSION%', pkg.version)
        .replace('%TODAY%', new Date().toISOString().slice(0, 10));
      writeFileSync(resolve(out, 'plugin.json'), manifest);
      cpSync(resolve(__dirname, 'src/img'), resolve(out, 'img'), { recursive: true });
      cpSync(resolve(__dirname, 'README.md'), resolve(out, 'README.md'));
    },
  };
}

export default defineConfig({
  esbuild: {
    // Classic runtime: every component imports React, and Grafana 11 does
    // not provide react/jsx-runtime to plugins.
    jsx: 'transform',
    jsxFactory: 'React.createElement',
    jsxFragment: 'React.Fragment',
  },
  build: {
    outDir: 'dist',
    // dist/ also holds the gpx_talus binaries built by `go build`.
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: true,
    minify: true,
    rollupOptions: {
      input: resolve(__dirname, 'src/module.ts'),
      external: (id) => EXTERNALS.some((e) => id === e || id.startsWith(e + '/')),
      preserveEntrySignatures: 'strict',
      output: {
        format: 'amd',
        entryFileNames: 'module.js',
        chunkFileNames: '[name].js',
        inlineDynamicImports: true,
      },
    },
  },
  plugins: [staticFiles()],
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    testTimeout: 20000,
    // Let vite transform the @grafana packages: their ESM builds import
    // CommonJS modules (moment-timezone) by named exports.
    server: { deps: { inline: [/@grafana\//] } },
  },
});
