import { strict as assert } from 'node:assert';
import { createHash, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { batchAad } from '../../src/core/crypto/aad';
import { openString, sealString } from '../../src/core/crypto/blob';
import { ARGON2_PARAMS, SYNC_KEY_INFO, type SyncKeys, deriveMasterKey, deriveSyncKeys, phraseSalt } from '../../src/core/crypto/keys';
import { isCaroError } from '../../src/core/model/errors';
import { type SyncKeysFixture, hex, loadCryptoFixture } from '../fixtures/crypto/cryptoFixtures';

const frozen = loadCryptoFixture<SyncKeysFixture>('syncKeysFrozen.json');
const PURPOSES = ['command', 'preference', 'metrics', 'device', 'jazzAuth'] as const;
const ZOO = 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote';

describe('crypto sync keys (Argon2id m=64 MiB t=3 p=4 → HKDF-SHA256)', function () {
  this.timeout(60_000);
  let keys: SyncKeys;

  before(async () => {
    keys = await deriveSyncKeys(frozen.phrase);
  });

  it('uses exactly the parameters of decisions 2-3', () => {
    assert.deepEqual(ARGON2_PARAMS, { memorySize: 65536, iterations: 3, parallelism: 4, hashLength: 32 });
    assert.deepEqual(Object.values(SYNC_KEY_INFO), [
      'caro-sync-command-v1', 'caro-sync-preference-v1', 'caro-sync-metrics-v1', 'caro-sync-device-v1', 'caro-sync-jazz-auth-v1',
    ]);
    assert.deepEqual(frozen.argon2, { memorySizeKiB: 65536, iterations: 3, parallelism: 4, hashLength: 32 });
  });

  it('a fixed phrase gives the frozen regression keys and fingerprints (syncKeysFrozen.json)', async () => {
    for (const p of PURPOSES) {
      assert.equal(hex(keys[p].exposeBytes()), frozen.purposes[p].keyHex, p);
      assert.equal(keys[p].fingerprint(), frozen.purposes[p].fingerprint, p);
    }
    assert.equal(keys.fingerprint, frozen.syncFingerprint);
    assert.equal(keys.fingerprint, keys.jazzAuth.fingerprint());
    assert.equal(hex((await deriveMasterKey(frozen.phrase)).exposeBytes()), frozen.masterKeyHex);
    assert.equal(hex(phraseSalt(frozen.phrase)), frozen.saltHex);
  });

  it('the frozen vector matches an independent computation of the spec (node:crypto SHA-256 + noble Argon2id + node hkdfSync)', () => {
    const password = Buffer.from(frozen.phrase, 'utf8');
    const salt = createHash('sha256').update(password).digest().subarray(0, 16);
    assert.equal(salt.toString('hex'), frozen.saltHex);
    const master = nobleArgon2id(password, salt, { t: 3, m: 65536, p: 4, dkLen: 32, version: 0x13 });
    assert.equal(hex(master), frozen.masterKeyHex);
    for (const p of PURPOSES) {
      const okm = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(frozen.purposes[p].info, 'utf8'), 32));
      assert.equal(okm.toString('hex'), frozen.purposes[p].keyHex, p);
    }
  });

  it('the five purpose keys are all different', () => {
    const all = new Set(PURPOSES.map((p) => hex(keys[p].exposeBytes())));
    assert.equal(all.size, 5);
    assert.ok(!all.has(frozen.masterKeyHex));
  });

  it('the same phrase typed messily on another device gives the same keys, so its blobs open there', async () => {
    const messy = `  ${frozen.phrase.toUpperCase().replace(/ /g, '  \t')} \n`;
    const other = await deriveSyncKeys(messy);
    assert.equal(other.fingerprint, keys.fingerprint);
    for (const p of PURPOSES) assert.ok(other[p].equals(keys[p]), p);
    const blob = sealString(keys.command, 'docker compose up -d', batchAad('device-a', 1));
    assert.equal(openString(other.command, blob, batchAad('device-a', 1)), 'docker compose up -d');
    assert.throws(() => openString(other.preference, blob, batchAad('device-a', 1)), (e: unknown) => isCaroError(e, 'decryptionFailed'));
  });

  it('a different phrase gives different keys and a different fingerprint', async () => {
    const other = await deriveSyncKeys(ZOO);
    assert.notEqual(other.fingerprint, keys.fingerprint);
    for (const p of PURPOSES) assert.ok(!other[p].equals(keys[p]), p);
  });

  it('an invalid phrase is rejected with invalidPhrase before any derivation', async () => {
    await assert.rejects(deriveSyncKeys(ZOO.replace('vote', 'zoo')), (e: unknown) => isCaroError(e, 'invalidPhrase'));
    await assert.rejects(deriveSyncKeys('zoo zoo'), (e: unknown) => isCaroError(e, 'invalidPhrase'));
    await assert.rejects(deriveMasterKey(''), (e: unknown) => isCaroError(e, 'invalidPhrase'));
  });

  it('the keys object is frozen and never prints or serialises key material', () => {
    assert.ok(Object.isFrozen(keys));
    assert.throws(() => JSON.stringify(keys), (e: unknown) => isCaroError(e, 'internal'));
    const shown = `${inspect(keys, { showHidden: true, depth: 5 })} ${String(keys.command)}`;
    for (const p of PURPOSES) {
      assert.ok(!shown.includes(frozen.purposes[p].keyHex));
      assert.ok(!shown.includes(keys[p].toVaultString()));
    }
    assert.ok(shown.includes(keys.fingerprint), 'the fingerprint is meant to be shown');
  });
});
