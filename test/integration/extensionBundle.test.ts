import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, waitFor } from './extensionHarness';
import { Uri, shim } from './vscodeShim/vscode';

interface BundleExports {
  activate(context: unknown): Promise<{
    services: { history(): Promise<{ latest(n: number): Promise<{ command: string }[]> }> };
    tree: { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): { label: string } };
  }>;
  deactivate(): Promise<void>;
}

/**
 * The shipped artefact: dist/extension.js (esbuild CJS, `vscode` external, sqlite3.wasm next to it) activates and
 * records a command into a real store. Guards against bundle-only breakage (import.meta.url, wasm location).
 */
describe('extension bundle (dist/extension.js)', function () {
  this.timeout(30_000);
  const bundle = join(REPO_ROOT, 'dist', 'extension.js');
  let dir = '';
  let mod: BundleExports | undefined;

  before(function () {
    if (!existsSync(bundle)) {
      this.skip(); // `npm test` always builds first; run `npm run build` before running this file alone.
    }
  });

  afterEach(async () => {
    await mod?.deactivate();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no shipped bundle loads the cojson-core-napi stand-in (cojson runs on its WASM crypto)', () => {
    for (const name of ['extension.js', 'cli.js', 'relay.js']) {
      const text = readFileSync(join(REPO_ROOT, 'dist', name), 'utf8');
      assert.ok(!text.includes('cojson-core-napi'), `${name} does not name cojson-core-napi`);
      assert.ok(!text.includes('is not installed in Caro History'), `${name} does not contain the stand-in`);
    }
    const stub = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cojson-core-napi-stub/package.json'), 'utf8')) as {
      version: string;
      private?: boolean;
    };
    assert.equal(stub.private, true, 'the stand-in can never be published');
    assert.match(stub.version, /caro/, 'the stand-in does not pass for the real package in npm ls or an audit');
  });

  it('activates from the bundle, captures a command into the store and shows it in the tree', async () => {
    shim.reset();
    dir = mkdtempSync(join(tmpdir(), 'caro-bundle-'));
    shim.workspaceFolders = [{ uri: Uri.file(dir), name: 'bundle', index: 0 }];
    mod = createRequire(__filename)(bundle) as BundleExports;
    const context = shim.createExtensionContext(REPO_ROOT, join(dir, 'storage'));
    const api = await mod.activate(context);
    assert.ok(shim.commands.has('caroHistory.search'));
    const t = shim.openTerminal('bash', { shellPath: '/bin/bash' });
    shim.runInTerminal(t, 'echo from-the-bundle', { exitCode: 0, cwd: dir });
    await waitFor(async () => {
      const h = await api.services.history();
      return (await h.latest(5)).some((e) => e.command === 'echo from-the-bundle') ? true : undefined;
    }, 'the bundled extension to store the command');
    const [today] = await api.tree.getChildren();
    const [first] = await api.tree.getChildren(today);
    assert.equal(api.tree.getTreeItem(first).label, 'echo from-the-bundle');
    assert.equal(readFileSync(join(dir, 'storage', 'history.db')).includes(Buffer.from('from-the-bundle')), false);
    for (const d of context.subscriptions.splice(0).reverse()) d.dispose();
  });
});
