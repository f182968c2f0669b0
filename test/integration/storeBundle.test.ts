import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

describe('store from an esbuild CJS bundle (as shipped in the VSIX)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-bundle-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens, writes and searches the encrypted store with sqlite3.wasm next to the bundle and no node_modules', async () => {
    const out = path.join(dir, 'dist', 'entry.js');
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'helpers', 'storeBundleEntry.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      external: ['vscode'],
      // Same shim as scripts/build.mjs.
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    });
    fs.copyFileSync(path.join(ROOT, 'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'), path.join(dir, 'dist', 'sqlite3.wasm'));
    const run = spawnSync(process.execPath, [out, path.join(dir, 'data', 'history.db')], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { stored: true, found: ['echo from the bundle'], integrity: 'ok', schemaVersion: 2 });
    assert.ok(fs.existsSync(path.join(dir, 'data', 'history.db')));
  });

  it('fails with a clear error, not a hang, when sqlite3.wasm is missing next to the bundle', () => {
    const out = path.join(dir, 'dist', 'entry.js');
    fs.rmSync(path.join(dir, 'dist', 'sqlite3.wasm'));
    const run = spawnSync(process.execPath, [out, path.join(dir, 'data2', 'history.db')], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /could not load its database engine \(sqlite3\.wasm is missing or damaged\)/);
  });
});
