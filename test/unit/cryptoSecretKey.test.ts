import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { loadOrCreateLocalDataKey } from '../../src/core/crypto/localDataKey';
import { type KeyVault, MemoryKeyVault, type SecretName } from '../../src/core/crypto/keyVault';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { isCaroError } from '../../src/core/model/errors';
import { hex } from '../fixtures/crypto/cryptoFixtures';

function captureConsole(write: (c: Console) => void): string {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  write(new console.Console(sink, sink));
  return out;
}

describe('crypto SecretKey', () => {
  const key = SecretKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i));
  const secretForms = [hex(key.exposeBytes()), key.toVaultString(), '160,161,162', 'a0a1a2a3'];

  function assertHidden(text: string): void {
    for (const form of secretForms) assert.ok(!text.toLowerCase().includes(form.toLowerCase()), `key bytes visible in: ${text}`);
  }

  it('JSON.stringify throws, directly and nested, with a CaroError that does not contain the key', () => {
    for (const value of [key, { key }, [key], { deep: { keys: [key] } }]) {
      assert.throws(() => JSON.stringify(value), (e: unknown) => {
        assert.ok(isCaroError(e, 'internal'));
        assertHidden(String(e));
        return true;
      });
    }
  });

  it('String(), template literals, concatenation and toString show [SecretKey]', () => {
    assert.equal(String(key), '[SecretKey]');
    assert.equal(`${key}`, '[SecretKey]');
    assert.equal('' + key, '[SecretKey]');
    assert.equal(key.toString(), '[SecretKey]');
    assert.equal(Object.prototype.toString.call(key), '[object SecretKey]');
  });

  it('util.inspect (even showHidden) and console.log show no key bytes', () => {
    const inspected = [inspect(key), inspect({ key }, { showHidden: true, depth: 10 }), inspect([key], { customInspect: true })];
    for (const text of inspected) {
      assert.ok(text.includes('[SecretKey]'));
      assertHidden(text);
    }
    const logged = captureConsole((c) => {
      c.log(key);
      c.log({ nested: { key } });
      c.log('%s %o %O %j', key, key, key, 'x');
      c.error(key);
      c.dir(key, { showHidden: true });
    });
    assert.ok(logged.includes('[SecretKey]'));
    assertHidden(logged);
  });

  it('exposes no enumerable or own properties', () => {
    assert.deepEqual(Object.keys(key), []);
    assert.deepEqual(Object.getOwnPropertyNames(key), []);
    assert.deepEqual({ ...key }, {});
  });

  it('fromBytes copies its input, exposeBytes returns a copy', () => {
    const bytes = new Uint8Array(32).fill(7);
    const k = SecretKey.fromBytes(bytes);
    bytes.fill(0);
    assert.equal(hex(k.exposeBytes()), '07'.repeat(32));
    const exposed = k.exposeBytes();
    exposed.fill(1);
    assert.equal(hex(k.exposeBytes()), '07'.repeat(32));
  });

  it('fromBytes rejects anything but 32 bytes', () => {
    for (const n of [0, 16, 31, 33, 64]) assert.throws(() => SecretKey.fromBytes(new Uint8Array(n)), (e: unknown) => isCaroError(e, 'internal'));
  });

  it('vault string round-trips; damaged vault strings throw keyMissing without echoing the value', () => {
    assert.ok(SecretKey.fromVaultString(key.toVaultString()).equals(key));
    assert.equal(Buffer.from(key.toVaultString(), 'base64').length, 32);
    const short = Buffer.alloc(31, 9).toString('base64');
    for (const bad of ['', 'not-base64!!', short, `${key.toVaultString()}AAAA`, key.toVaultString().slice(1)]) {
      assert.throws(() => SecretKey.fromVaultString(bad), (e: unknown) => {
        assert.ok(isCaroError(e, 'keyMissing'));
        if (bad.length > 4) assert.ok(!String(e).includes(bad) && !(e.action ?? '').includes(bad));
        return true;
      });
    }
  });

  it('random keys differ; equals compares contents', () => {
    const a = SecretKey.random();
    const b = SecretKey.random();
    assert.ok(!a.equals(b));
    assert.ok(a.equals(SecretKey.fromBytes(a.exposeBytes())));
  });

  it('fingerprint is short, stable, differs between keys and is not a prefix of the key', () => {
    const fp = key.fingerprint();
    assert.match(fp, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
    assert.equal(SecretKey.fromBytes(key.exposeBytes()).fingerprint(), fp);
    assert.notEqual(SecretKey.random().fingerprint(), fp);
    assert.ok(!hex(key.exposeBytes()).toUpperCase().includes(fp.replace('-', '')));
  });
});

class RecordingVault implements KeyVault {
  readonly inner = new MemoryKeyVault();
  sets = 0;
  onSet?: () => Promise<void>;
  dropWrites = false;
  get(name: SecretName): Promise<string | undefined> { return this.inner.get(name); }
  async set(name: SecretName, value: string): Promise<void> {
    this.sets++;
    if (!this.dropWrites) await this.inner.set(name, value);
    await this.onSet?.();
  }
  delete(name: SecretName): Promise<void> { return this.inner.delete(name); }
}

describe('crypto local data key', () => {
  it('creates a random 32-byte key on first use, stores it under localDataKey, and returns the same key afterwards', async () => {
    const vault = new RecordingVault();
    const first = await loadOrCreateLocalDataKey(vault);
    const stored = await vault.get('localDataKey');
    assert.ok(stored);
    assert.equal(Buffer.from(stored, 'base64').length, 32);
    assert.ok(SecretKey.fromVaultString(stored).equals(first));
    const second = await loadOrCreateLocalDataKey(vault);
    assert.ok(second.equals(first));
    assert.equal(vault.sets, 1);
    assert.ok(!(await loadOrCreateLocalDataKey(new MemoryKeyVault())).equals(first), 'another vault gets another key');
  });

  it('concurrent first calls create exactly one key', async () => {
    const vault = new RecordingVault();
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateLocalDataKey(vault)));
    assert.equal(vault.sets, 1);
    for (const k of keys) assert.ok(k.equals(keys[0] as SecretKey));
  });

  it('if another window stores a key at the same moment, the stored key wins', async () => {
    const vault = new RecordingVault();
    const other = SecretKey.random();
    vault.onSet = async () => { await vault.inner.set('localDataKey', other.toVaultString()); };
    const key = await loadOrCreateLocalDataKey(vault);
    assert.ok(key.equals(other));
  });

  it('a damaged stored key is reported (keyMissing) and left untouched, never replaced', async () => {
    const vault = new RecordingVault();
    await vault.inner.set('localDataKey', 'damaged!!');
    await assert.rejects(loadOrCreateLocalDataKey(vault), (e: unknown) => isCaroError(e, 'keyMissing') && !String(e).includes('damaged!!'));
    assert.equal(await vault.get('localDataKey'), 'damaged!!');
    assert.equal(vault.sets, 0);
  });

  it('a vault that does not keep the key is reported instead of encrypting with a key that will be lost', async () => {
    const vault = new RecordingVault();
    vault.dropWrites = true;
    await assert.rejects(loadOrCreateLocalDataKey(vault), (e: unknown) => isCaroError(e, 'keyMissing'));
  });
});
