#!/usr/bin/env node
// Builds the React renderer (src/renderer) into dist/renderer with Vite's JS API.
// base './' makes the output work both from file:// (Electron) and from `mvono-backup serve`.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const root = fileURLToPath(new URL('../src/renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/renderer', import.meta.url));
/**
 * TypeScript sources import siblings as './x.js' (NodeNext). Stale compiled .js files may sit beside
 * the .ts ones in src/, so always prefer the .ts/.tsx source when it exists.
 */
const preferTypeScript = {
  name: 'mvono-prefer-ts-source',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!importer || !/\.tsx?$/.test(importer) || !source.startsWith('.') || !source.endsWith('.js'))
      return null;
    const base = resolve(dirname(importer), source.slice(0, -3));
    for (const ext of ['.ts', '.tsx']) if (existsSync(base + ext)) return base + ext;
    return null;
  },
};

const watch = process.argv.includes('--watch');

await build({
  root,
  base: './',
  configFile: false,
  logLevel: process.argv.includes('--quiet') ? 'warn' : 'info',
  plugins: [preferTypeScript, react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    watch: watch ? {} : null,
  },
});
