import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileKeyVault } from '../../src/cli/fileKeyVault';
import { loadOrCreateLocalDataKey } from '../../src/core/crypto/localDataKey';
import { isCaroError } from '../../src/core/model/errors';

const posix = process.platform !== 'win32';

describe('FileKeyVault (CLI key file)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-vault-'));
    file = path.join(dir, 'sub', 'keys.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores, reads and deletes values in an owner-only file (0600) inside an owner-only folder (0700)', async () => {
    const v = new FileKeyVault(file);
    assert.equal(await v.get('localDataKey'), undefined);
    assert.ok(!fs.existsSync(file), 'reading does not create the file');
    await v.set('localDataKey', 'AAAA');
    await v.set('recoveryPhrase', 'words');
    if (posix) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    }
    const other = new FileKeyVault(file);
    assert.equal(await other.get('localDataKey'), 'AAAA');
    await other.delete('recoveryPhrase');
    assert.equal(await v.get('recoveryPhrase'), undefined);
    assert.equal(await v.get('localDataKey'), 'AAAA');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['keys.json'], 'no temporary files left behind');
  });

  it('keeps 0600 even with a permissive umask', async function () {
    if (!posix) this.skip();
    const old = process.umask(0o000);
    try {
      await new FileKeyVault(file).set('localDataKey', 'x');
    } finally {
      process.umask(old);
    }
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('refuses a group- or world-readable file and says chmod 600 <path>, without printing the secret', async function () {
    if (!posix) this.skip();
    const v = new FileKeyVault(file);
    await v.set('localDataKey', 'TOP-SECRET-VALUE');
    for (const mode of [0o640, 0o604, 0o660]) {
      fs.chmodSync(file, mode);
      await assert.rejects(v.get('localDataKey'), (e: unknown) => {
        assert.ok(isCaroError(e, 'unsafePermissions'));
        assert.equal(e.action, `Run: chmod 600 ${file}`);
        assert.ok(!e.userMessage.includes('TOP-SECRET-VALUE'));
        return true;
      });
      // A write must not silently "fix" it either: the key may already have leaked.
      await assert.rejects(v.set('recoveryPhrase', 'y'), (e: unknown) => isCaroError(e, 'unsafePermissions'));
    }
    fs.chmodSync(file, 0o600);
    assert.equal(await v.get('localDataKey'), 'TOP-SECRET-VALUE');
  });

  it('refuses a symbolic link', async function () {
    if (!posix) this.skip();
    const real = path.join(dir, 'real.json');
    await new FileKeyVault(real).set('localDataKey', 'x');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(real, file);
    await assert.rejects(new FileKeyVault(file).get('localDataKey'), (e: unknown) => isCaroError(e, 'unsafePermissions'));
  });

  it('reports a damaged file and never overwrites it', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version":1,"secrets":{"localDataKey":', { mode: 0o600 });
    const v = new FileKeyVault(file);
    await assert.rejects(v.get('localDataKey'), (e: unknown) => isCaroError(e, 'keyMissing') && /damaged/.test(e.message));
    await assert.rejects(v.set('localDataKey', 'new'), (e: unknown) => isCaroError(e, 'keyMissing'));
    assert.equal(fs.readFileSync(file, 'utf8'), '{"version":1,"secrets":{"localDataKey":');
  });

  it('backs the local data key: created once, the same key on the next run', async () => {
    const k1 = await loadOrCreateLocalDataKey(new FileKeyVault(file));
    const k2 = await loadOrCreateLocalDataKey(new FileKeyVault(file));
    assert.equal(k1.fingerprint(), k2.fingerprint());
    const stored = (JSON.parse(fs.readFileSync(file, 'utf8')) as { secrets: Record<string, string> }).secrets;
    assert.equal(stored.localDataKey, k1.toVaultString());
  });
});
