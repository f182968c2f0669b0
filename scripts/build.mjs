// One esbuild script for every bundle: extension host (CJS), CLI, relay, webview apps.
// Usage: node scripts/build.mjs [--watch] [--dev] [--only extension|cli|relay|webview]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const dist = join(root, 'dist');
mkdirSync(join(dist, 'webview'), { recursive: true });

// sqlite-wasm is ESM and reads import.meta.url; in a CJS bundle that must point at the bundle itself.
const importMetaShim = {
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: dev ? 'inline' : false,
  minify: !dev,
  logLevel: 'warning',
  external: ['vscode', 'bufferutil', 'utf-8-validate', 'better-sqlite3'],
  ...importMetaShim,
};

const builds = [
  { name: 'extension', ...nodeCommon, entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(dist, 'extension.js') },
  { name: 'cli', ...nodeCommon, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(dist, 'cli.js'),
    banner: { js: '#!/usr/bin/env node\n' + importMetaShim.banner.js } },
  { name: 'relay', ...nodeCommon, entryPoints: [join(root, 'src/relay/main.ts')], outfile: join(dist, 'relay.js') },
  {
    name: 'webview',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    logLevel: 'warning',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryPoints: {
      history: join(root, 'webview/history/main.tsx'),
      devices: join(root, 'webview/devices/main.tsx'),
    },
    outdir: join(dist, 'webview'),
    loader: { '.css': 'css' },
  },
]
  .filter((b) => !only || b.name === only)
  .map(({ name: _name, ...options }) => options)
  .filter((b) => {
    const entries = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
    return entries.every((e) => existsSync(e));
  });

function copyAssets() {
  copyFileSync(join(root, 'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'), join(dist, 'sqlite3.wasm'));
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  if (existsSync(codicons)) {
    copyFileSync(join(codicons, 'codicon.css'), join(dist, 'webview/codicon.css'));
    copyFileSync(join(codicons, 'codicon.ttf'), join(dist, 'webview/codicon.ttf'));
  }
}

if (watch) {
  copyAssets();
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
  console.log('[watch] build started; watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  console.log(`built ${builds.length} bundles into dist/`);
}
