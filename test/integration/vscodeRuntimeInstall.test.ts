/**
 * The VS Code runtime installer's nested `npm install` under an inherited npm environment (a fresh machine's
 * `npm test` runs it from inside `npm`). code-server's postinstall reads the Node version from
 * `npm_config_user_agent`; an outer npm exports that variable and a nested npm reads it back as its own setting, so
 * the postinstall saw the outer Node and refused to build. A tiny local package whose postinstall fails the same way
 * stands in for code-server: no network.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Installer {
  installProject(
    dir: string,
    manifest: Record<string, unknown>,
    opts?: { env?: NodeJS.ProcessEnv; nodeBinDir?: string; extraEnv?: Record<string, string>; args?: string[] },
  ): Promise<number>;
  installFailureHint(output: string): string;
  cleanEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

const ROOT = path.join(__dirname, '..', '..');
const NODE_MAJOR = process.versions.node.split('.')[0] ?? '';

/** What `npm run test` exports to its children, with the outer Node claimed to be another major version. */
function inheritedNpmEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_user_agent: 'npm/11.19.1 node/v18.20.0 linux x64 workspaces/false',
    npm_lifecycle_event: 'test',
    npm_lifecycle_script: 'node scripts/bootstrap.mjs test',
    npm_package_name: 'caro-history',
    npm_node_execpath: '/nowhere/node18',
    npm_config_node_gyp: '/nowhere/node-gyp-bin/node-gyp',
    INIT_CWD: ROOT,
    NODE: '/nowhere/node18',
  };
}

/** A package whose postinstall fails, like code-server's, when npm's user agent names another Node than the one running. */
function makeFakeServer(dir: string): string {
  const pkgDir = path.join(dir, 'fake-server');
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.writeFileSync(
    path.join(pkgDir, 'postinstall.js'),
    [
      "const ua = process.env.npm_config_user_agent || '';",
      "const seen = (ua.match(/node\\/v(\\d+)/) || [])[1];",
      "const need = process.versions.node.split('.')[0];",
      'if (seen !== need) {',
      "  console.error('ERROR: fake-server currently requires node v' + need + '. We have detected that you are on node v' + seen);",
      '  process.exit(1);',
      '}',
      "require('fs').writeFileSync(require('path').join(__dirname, 'built.txt'), 'ok');",
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(pkgDir, 'package.json'),
    JSON.stringify({ name: 'fake-server', version: '1.0.0', scripts: { postinstall: 'node postinstall.js' } }),
  );
  const r = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8', env: process.env });
  assert.equal(r.status, 0, r.stderr);
  return path.join(dir, 'fake-server-1.0.0.tgz');
}

describe('VS Code runtime installer: nested npm install', function () {
  this.timeout(120_000);
  let installer: Installer;
  let tmp: string;
  let tarball: string;

  before(async () => {
    installer = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'vscodeRuntime.mjs')).href)) as Installer;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-nested-install-'));
    tarball = makeFakeServer(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const manifest = (): Record<string, unknown> => ({
    name: 'caro-runtime-fake',
    dependencies: { 'fake-server': `file:${tarball}` },
    allowScripts: { 'fake-server': true },
  });

  it('the stand-in fails like code-server when a plain nested npm inherits the outer npm environment', () => {
    // Proves the stand-in reproduces the bug: without the installer's clean environment the postinstall fails.
    const dir = path.join(tmp, 'plain');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, ...manifest() }));
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: dir,
      env: inheritedNpmEnv(),
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0, 'a nested npm that inherits npm_config_user_agent must fail the version check');
    assert.match(`${r.stdout}${r.stderr}`, new RegExp(`requires node v${NODE_MAJOR}\\. We have detected that you are on node v18`));
  });

  it('installProject succeeds under the same inherited environment (the postinstall sees the Node that runs it)', async () => {
    const dir = path.join(tmp, 'clean');
    await installer.installProject(dir, manifest(), { env: inheritedNpmEnv() });
    assert.equal(fs.readFileSync(path.join(dir, 'node_modules', 'fake-server', 'built.txt'), 'utf8'), 'ok');
  });

  it('cleanEnv drops every variable an outer npm exports and keeps the rest', () => {
    const clean = installer.cleanEnv({ ...inheritedNpmEnv(), NPM_CONFIG_REGISTRY: 'x', KEEP_ME: '1' });
    assert.deepEqual(
      Object.keys(clean).filter((k) => /^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE'),
      [],
    );
    assert.equal(clean['KEEP_ME'], '1');
    assert.equal(clean['PATH'], process.env['PATH']);
  });

  it('a failed nested install names the real cause, not just an exit code', async () => {
    const broken = path.join(tmp, 'broken-server');
    fs.mkdirSync(broken);
    fs.writeFileSync(
      path.join(broken, 'package.json'),
      JSON.stringify({
        name: 'broken-server',
        version: '1.0.0',
        scripts: { postinstall: "node -e \"console.error('ERROR: code-server currently requires node v24. We have detected that you are on node v20'); process.exit(1)\"" },
      }),
    );
    const r = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: broken, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    await assert.rejects(
      installer.installProject(
        path.join(tmp, 'failing'),
        { name: 'x', dependencies: { 'broken-server': `file:${path.join(tmp, 'broken-server-1.0.0.tgz')}` }, allowScripts: { 'broken-server': true } },
        { env: inheritedNpmEnv() },
      ),
      (e: Error) => {
        assert.match(e.message, /failed with exit/);
        assert.match(e.message, /Cause: code-server's install script saw Node v20 instead of v24/);
        assert.match(e.message, /npm_config_\*/);
        return true;
      },
    );
  });

  it('the failure hint names missing headers, no registry and a full disk with the action to take', () => {
    assert.match(installer.installFailureHint('fatal error: gssapi/gssapi.h: No such file or directory'), /systemDeps\.sh/);
    assert.match(installer.installFailureHint('npm error code ENOTFOUND\nnpm error network request to https://x failed'), /registry/);
    assert.match(installer.installFailureHint('ENOSPC: no space left on device'), /disk is full/);
    assert.match(installer.installFailureHint('something else'), /first error/);
  });
});
