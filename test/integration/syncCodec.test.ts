import { strict as assert } from 'node:assert';
import { SecretKey } from '../../src/core/crypto/secretKey';
import type { HistoryEntry } from '../../src/core/model/entry';
import { BACKOFF_CAP_MS, backoffDelay } from '../../src/core/sync/backoff';
import {
  MAX_BATCH_PLAINTEXT_BYTES,
  MAX_BATCH_RECORDS,
  decodeBatch,
  encodeBatch,
  parseItemSequence,
  readRecord,
  splitIntoBatches,
} from '../../src/core/sync/batchCodec';
import { normaliseRelayUrl, displayUrl } from '../../src/core/sync/relayConnection';
import { preferenceWins } from '../../src/core/sync/syncedRecords';
import { identityFromVaultString, identityToVaultString, identityFromPhrase } from '../../src/core/sync/syncIdentity';
import { WasmCrypto } from 'cojson/crypto/WasmCrypto';
import { isCaroError } from '../../src/core/model/errors';

const entry = (i: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: `id-${i}`,
  command: `echo ${i}`,
  prompt: '',
  tags: [],
  executed: true,
  riskLevel: 'safe',
  warnings: [],
  deviceId: 'dev-1',
  createdAt: 1_700_000_000_000 + i,
  updatedAt: 1_700_000_000_000 + i,
  schemaVersion: 1,
  ...extra,
});

describe('sync: batch codec, backoff, URLs, identity storage', () => {
  const key = SecretKey.random();

  it('round-trips a batch; the AAD binds device and sequence', () => {
    const records = [entry(1, { workingDir: '/tmp', exitCode: 2, syncedAt: 5 }), entry(2, { deletedAt: 9, command: '' })];
    const item = encodeBatch(key, 'dev-1', 7, records);
    assert.match(item, /^b1\.7\./);
    assert.equal(parseItemSequence(item), 7);
    const ok = decodeBatch(key, 'dev-1', item);
    assert.ok(ok.ok);
    assert.equal(ok.records.length, 2);
    assert.equal(ok.records[0]!.workingDir, '/tmp');
    assert.equal(ok.records[0]!.syncedAt, undefined, 'local bookkeeping is not synced');
    assert.equal(ok.records[1]!.deletedAt, 9);
    assert.equal(decodeBatch(key, 'dev-2', item).ok, false, 'moved to another device log');
    assert.equal(decodeBatch(key, 'dev-1', item.replace('b1.7.', 'b1.8.')).ok, false, 'renumbered');
    assert.equal(decodeBatch(SecretKey.random(), 'dev-1', item).ok, false, 'other key');
    for (const bad of [null, 42, '', 'b1.', 'b1.x.abc', 'b1.1.%%%', 'hello']) {
      assert.equal(decodeBatch(key, 'dev-1', bad).ok, false);
    }
  });

  it('splits by record count and by size', () => {
    const many = [...Array(450).keys()];
    assert.deepEqual(splitIntoBatches(many, () => 10).map((b) => b.length), [MAX_BATCH_RECORDS, MAX_BATCH_RECORDS, 50]);
    const big = splitIntoBatches([...Array(10).keys()], () => MAX_BATCH_PLAINTEXT_BYTES / 3);
    assert.ok(big.every((b) => b.length <= 3));
    assert.equal(big.flat().length, 10);
    assert.deepEqual(splitIntoBatches([1], () => MAX_BATCH_PLAINTEXT_BYTES * 2), [[1]], 'an oversized item still goes alone');
  });

  it('reads records tolerantly: unknown fields skipped, missing ones defaulted, unusable ones rejected', () => {
    const r = readRecord({ id: 'a', deviceId: 'd', createdAt: 1, command: 'ls', future: { x: 1 }, riskLevel: 'weird' });
    assert.ok(r);
    assert.equal((r as unknown as Record<string, unknown>).future, undefined);
    assert.equal(r.riskLevel, 'moderate', 'a risk level this version does not know fails closed (as the local store reads it)');
    assert.equal(r.updatedAt, 1);
    assert.equal(readRecord({ id: 'a', deviceId: 'd', command: 'ls' }), undefined, 'no createdAt');
    assert.equal(readRecord({ id: 'a', deviceId: 'd', createdAt: 1 }), undefined, 'neither command nor tombstone');
    assert.ok(readRecord({ id: 'a', deviceId: 'd', createdAt: 1, deletedAt: 2 }), 'tombstone without content');
  });

  it('backs off 1, 2, 4, 8 s … capped at 5 minutes', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n)), [1000, 2000, 4000, 8000, 16000]);
    assert.equal(backoffDelay(9), BACKOFF_CAP_MS);
    assert.equal(backoffDelay(10_000), BACKOFF_CAP_MS);
  });

  it('LWW: later wins, tie goes to the larger device id', () => {
    const a = { key: 'k', value: 1, updatedAt: 10, deviceId: 'a' };
    const b = { key: 'k', value: 2, updatedAt: 10, deviceId: 'b' };
    assert.equal(preferenceWins(b, a), true);
    assert.equal(preferenceWins(a, b), false);
    assert.equal(preferenceWins({ ...a, updatedAt: 11 }, b), true);
    assert.equal(preferenceWins(a, undefined), true);
  });

  it('accepts ws/wss (http(s) mapped), rejects other URLs with a fix, hides API keys in messages', () => {
    assert.equal(normaliseRelayUrl('ws://127.0.0.1:4200'), 'ws://127.0.0.1:4200/');
    assert.equal(normaliseRelayUrl('https://sync.example.com'), 'wss://sync.example.com/');
    assert.throws(() => normaliseRelayUrl('ftp://x'), (e) => isCaroError(e, 'invalidInput'));
    assert.throws(() => normaliseRelayUrl('not a url'), (e) => isCaroError(e, 'invalidInput'));
    assert.equal(displayUrl('wss://cloud.jazz.tools/?key=secret-api-key'), 'wss://cloud.jazz.tools');
  });

  it('stores the identity in the vault as keys only and restores the same account', async function () {
    this.timeout(30_000);
    const crypto = await WasmCrypto.create();
    const phrase =
      'legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title';
    const id = await identityFromPhrase(phrase, crypto);
    const again = await identityFromPhrase(phrase, crypto);
    assert.equal(again.accountId, id.accountId, 'the account id is deterministic from the phrase');
    const stored = identityToVaultString(id);
    assert.ok(!stored.includes('legal'), 'the phrase is not in the identity record');
    const back = identityFromVaultString(stored, crypto);
    assert.equal(back.accountId, id.accountId);
    assert.equal(back.fingerprint, id.fingerprint);
    assert.throws(() => identityFromVaultString('{"v":1}', crypto), (e) => isCaroError(e, 'keyMissing'));
    assert.throws(() => identityFromVaultString('garbage', crypto), (e) => isCaroError(e, 'keyMissing'));
    assert.equal(String(id.commandKey), '[SecretKey]');
  });
});
