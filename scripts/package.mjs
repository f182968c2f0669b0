// `npm run package`: build, then caro-history-<version>.vsix with @vscode/vsce (`--no-dependencies`: everything the
// extension needs is bundled into dist/). `.vscodeignore` is an allow-list; this script double-checks the file list
// against it and fails if the package is over 3 MB.
//
//   node scripts/package.mjs [--no-build] [--if-stale] [--out <file>] [--json]
//     --no-build  package the current dist/ as is
//     --if-stale  do nothing when the .vsix is newer than every input (fast second `npm start`)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 3 * 1024 * 1024;
/** What may be inside the package (paths as `vsce ls` prints them). */
const ALLOWED = [/^dist\//, /^media\/(?!screenshots\/)/, /^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE(\.txt|\.md)?$/];

/** Manifest keys whose string values are paths of files the package must contain. */
const FILE_KEYS = new Set(['icon', 'main', 'browser', 'light', 'dark', 'path', 'image', 'markdown', 'svg', 'l10n']);

/**
 * Every file package.json references (extension icon, entry points, `bin`, view-container and command icons, grammar
 * and walkthrough paths), as `vsce ls` prints them. `$(codicon)` names and URLs are not files.
 */
export function manifestReferencedFiles(pkg) {
  const found = new Set();
  const add = (v) => {
    if (typeof v !== 'string' || v.startsWith('$(') || /^[a-z][a-z0-9+.-]*:/i.test(v)) return;
    found.add(v.replace(/^\.\//, ''));
  };
  const walk = (v, key) => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (FILE_KEYS.has(key)) add(v);
  };
  const { scripts: _s, dependencies: _d, devDependencies: _dd, bin, ...manifest } = pkg;
  walk(manifest, '');
  for (const v of Object.values(bin ?? {})) add(v);
  return [...found].sort();
}

export function vsixPath(out) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return out ?? join(root, `${pkg.name}-${pkg.version}.vsix`);
}

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(join(p, e)));
  return max;
}

function inputsMtime() {
  return Math.max(
    ...['src', 'webview', 'media', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'scripts/build.mjs'].map(
      (p) => newestMtime(join(root, p)),
    ),
  );
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) {
    process.stderr.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    throw new Error(`\`${[cmd, ...args].join(' ')}\` failed (exit ${r.status})`);
  }
  return r.stdout;
}

export function packageVsix({ build = true, ifStale = false, out } = {}) {
  const target = vsixPath(out);
  if (ifStale && existsSync(target) && statSync(target).mtimeMs >= inputsMtime()) {
    return { path: target, bytes: statSync(target).size, skipped: true, files: [] };
  }
  if (build) run(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(join(root, 'media/icon.png'))) run(process.execPath, [join(root, 'scripts/makeIcon.mjs')]);
  for (const f of ['dist/extension.js', 'dist/sqlite3.wasm', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` (or restore the file) first`);
  }

  const vsce = join(root, 'node_modules/.bin/vsce');
  const files = run(vsce, ['ls', '--no-dependencies'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  if (unexpected.length) {
    throw new Error(`.vscodeignore lets files into the package that must not ship: ${unexpected.join(', ')}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const missing = manifestReferencedFiles(pkg).filter((f) => !files.includes(f));
  if (missing.length) {
    throw new Error(
      `package.json uses ${missing.join(', ')} but the package would not contain ${missing.length === 1 ? 'it' : 'them'}: ` +
        `add ${missing.map((f) => `"!${f}"`).join(', ')} to .vscodeignore (and create the file if it does not exist)`,
    );
  }
  run(vsce, ['package', '--no-dependencies', '--out', target]);
  const bytes = statSync(target).size;
  if (bytes > MAX_BYTES) {
    throw new Error(`${relative(root, target)} is ${(bytes / 1048576).toFixed(2)} MB, over the 3 MB limit; check dist/ for unminified bundles or sourcemaps`);
  }
  return { path: target, bytes, skipped: false, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  try {
    const r = packageVsix({
      build: !args.includes('--no-build'),
      ifStale: args.includes('--if-stale'),
      out: outIdx >= 0 ? args[outIdx + 1] : undefined,
    });
    if (args.includes('--json')) console.log(JSON.stringify(r, null, 2));
    else if (r.skipped) console.log(`${relative(root, r.path)} is up to date (${r.bytes} bytes)`);
    else {
      console.log(`packaged ${relative(root, r.path)}: ${r.bytes} bytes (${(r.bytes / 1024).toFixed(0)} KB), ${r.files.length} files`);
      for (const f of r.files) console.log(`  ${f}`);
    }
  } catch (e) {
    console.error(`Packaging failed: ${e.message}`);
    process.exit(1);
  }
}
