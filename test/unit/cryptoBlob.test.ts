import { strict as assert } from 'node:assert';
import { createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { batchAad, fieldAad } from '../../src/core/crypto/aad';
import { type AesGcm, defaultAesGcm, nobleAesGcm, nodeAesGcm } from '../../src/core/crypto/aesGcm';
import {
  CiphertextError,
  MIN_BLOB_BYTES,
  openBytes,
  openBytes as openBlobBytes,
  openString,
  openString as openBlobString,
  sealBytes,
  sealBytes as sealBlobBytes,
  sealBytesWithNonceForFrozenVectors,
  sealString,
} from '../../src/core/crypto/blob';
import { FieldCipher } from '../../src/core/crypto/fieldCipher';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { isCaroError } from '../../src/core/model/errors';
import { type BlobFrozenFixture, fromHex, hex, loadCryptoFixture } from '../fixtures/crypto/cryptoFixtures';
import { seededRandom } from '../fixtures/seededRandom';

const frozen = loadCryptoFixture<BlobFrozenFixture>('blobFrozen.json');
const frozenKey = SecretKey.fromBytes(fromHex(frozen.keyHex));
const encoder = new TextEncoder();
const ID = '0e3c2a34-5f6b-4c1d-9e8f-0123456789ab';

function assertBlobError(fn: () => unknown, problem: CiphertextError['problem'], code: 'invalidCiphertext' | 'decryptionFailed'): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CiphertextError, `expected CiphertextError, got ${String(e)}`);
    assert.equal(e.problem, problem);
    assert.ok(isCaroError(e, code));
    assert.ok(e.message.length > 0 && (e.action ?? '').length > 0, 'message and action are set');
    return true;
  });
}

const BACKENDS: AesGcm[] = [nodeAesGcm, nobleAesGcm];

describe('crypto blob: frozen wire format (test/fixtures/crypto/blobFrozen.json)', () => {
  it('the default AES-GCM implementation is node:crypto', () => {
    assert.equal(defaultAesGcm.name, 'node');
  });

  for (const aead of BACKENDS) {
    for (const v of frozen.vectors) {
      it(`[${aead.name}] seals "${v.name}" to the exact frozen bytes`, () => {
        const blob = sealBytesWithNonceForFrozenVectors(frozenKey, encoder.encode(v.plaintext), v.aad, fromHex(v.nonce), aead);
        assert.equal(hex(blob), v.blobHex);
        assert.equal(Buffer.from(blob).toString('base64'), v.blobBase64);
      });

      it(`[${aead.name}] opens frozen "${v.name}" with openString and openBytes`, () => {
        assert.equal(openString(frozenKey, v.blobBase64, v.aad, aead), v.plaintext);
        assert.equal(new TextDecoder().decode(openBytes(frozenKey, fromHex(v.blobHex), v.aad, aead)), v.plaintext);
      });
    }
  }

  it('the default path (no implementation given) reproduces and opens the frozen bytes', () => {
    for (const v of frozen.vectors) {
      assert.equal(hex(sealBytesWithNonceForFrozenVectors(frozenKey, encoder.encode(v.plaintext), v.aad, fromHex(v.nonce))), v.blobHex);
      assert.equal(openString(frozenKey, v.blobBase64, v.aad), v.plaintext);
    }
  });

  it('no product code uses the fixed-nonce test seam (only src/core/crypto/blob.ts defines it)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !path.endsWith(join('core', 'crypto', 'blob.ts'))) {
          if (readFileSync(path, 'utf8').includes('sealBytesWithNonceForFrozenVectors')) offenders.push(path);
        }
      }
    };
    const root = join(__dirname, '..', '..');
    for (const dir of ['src', 'webview']) if (existsSync(join(root, dir))) walk(join(root, dir));
    assert.deepEqual(offenders, []);
  });

  it('blobs sealed by one implementation open with the other', () => {
    const key = SecretKey.random();
    const aad = fieldAad('command', ID, 'command');
    for (const text of ['', 'x', 'ls -la | grep "✓"', 'y'.repeat(10_000)]) {
      assert.equal(openString(key, sealString(key, text, aad, nodeAesGcm), aad, nobleAesGcm), text);
      assert.equal(openString(key, sealString(key, text, aad, nobleAesGcm), aad, nodeAesGcm), text);
    }
  });

  it('layout is 0x01 | nonce(12) | ciphertext | tag(16), as node:crypto reads it', () => {
    const key = SecretKey.random();
    const aad = fieldAad('command', ID, 'command');
    const blob = sealBytes(key, encoder.encode('echo layout'), aad);
    assert.equal(blob[0], 0x01);
    assert.equal(blob.length, 1 + 12 + 'echo layout'.length + 16);
    const d = createDecipheriv('aes-256-gcm', key.exposeBytes(), blob.subarray(1, 13));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(blob.subarray(blob.length - 16));
    assert.equal(Buffer.concat([d.update(blob.subarray(13, blob.length - 16)), d.final()]).toString('utf8'), 'echo layout');
  });
});

for (const aead of BACKENDS) describe(`crypto blob: failures [${aead.name}]`, () => {
  const key = SecretKey.random();
  const aad = fieldAad('command', ID, 'command');
  const plain = encoder.encode('kubectl delete pod web-1');
  const openBytes = (k: SecretKey, b: Uint8Array, a: string): Uint8Array => openBlobBytes(k, b, a, aead);
  const openString = (k: SecretKey, b: string, a: string): string => openBlobString(k, b, a, aead);
  const sealBytes = (k: SecretKey, p: Uint8Array, a: string): Uint8Array => sealBlobBytes(k, p, a, aead);
  const blob = sealBytes(key, plain, aad);

  it('every single-bit change anywhere in the blob is rejected (version → InvalidVersion, rest → DecryptionFailed)', () => {
    for (let i = 0; i < blob.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(blob);
        bad[i] = (bad[i] ?? 0) ^ (1 << bit);
        assertBlobError(() => openBytes(key, bad, aad), i === 0 ? 'InvalidVersion' : 'DecryptionFailed', i === 0 ? 'invalidCiphertext' : 'decryptionFailed');
      }
    }
  });

  it('tampered nonce (bytes 1-12), ciphertext and tag (last 16 bytes) each fail to decrypt', () => {
    for (const index of [1, 5, 12, 13, 13 + 3, blob.length - 17, blob.length - 16, blob.length - 1]) {
      const bad = Uint8Array.from(blob);
      bad[index] = (bad[index] ?? 0) ^ 0x80;
      assertBlobError(() => openBytes(key, bad, aad), 'DecryptionFailed', 'decryptionFailed');
    }
  });

  it('blobs shorter than 29 bytes are TooShort; truncations of 29 bytes or more fail authentication', () => {
    assert.equal(MIN_BLOB_BYTES, 29);
    for (let n = 0; n < MIN_BLOB_BYTES; n++) assertBlobError(() => openBytes(key, blob.slice(0, n), aad), 'TooShort', 'invalidCiphertext');
    for (let n = MIN_BLOB_BYTES; n < blob.length; n++) assertBlobError(() => openBytes(key, blob.slice(0, n), aad), 'DecryptionFailed', 'decryptionFailed');
    const empty = sealBytes(key, new Uint8Array(0), aad);
    assert.equal(empty.length, MIN_BLOB_BYTES);
    assert.equal(openBytes(key, empty, aad).length, 0);
  });

  it('an unknown version byte is InvalidVersion even when the rest is intact', () => {
    for (const version of [0x00, 0x02, 0xff]) {
      const bad = Uint8Array.from(blob);
      bad[0] = version;
      assertBlobError(() => openBytes(key, bad, aad), 'InvalidVersion', 'invalidCiphertext');
    }
  });

  it('a different key fails', () => {
    assertBlobError(() => openBytes(SecretKey.random(), blob, aad), 'DecryptionFailed', 'decryptionFailed');
  });

  it('moving a ciphertext to another field, record or entity fails', () => {
    for (const other of [fieldAad('command', ID, 'prompt'), fieldAad('command', 'ffffffff-5f6b-4c1d-9e8f-0123456789ab', 'command'), fieldAad('preference', ID, 'command')]) {
      assertBlobError(() => openBytes(key, blob, other), 'DecryptionFailed', 'decryptionFailed');
    }
  });

  it('moving a batch to another device or sequence number fails', () => {
    const batch = sealBytes(key, encoder.encode('[{"id":"r1"}]'), batchAad('device-a', 7));
    assert.equal(new TextDecoder().decode(openBytes(key, batch, batchAad('device-a', 7))), '[{"id":"r1"}]');
    assertBlobError(() => openBytes(key, batch, batchAad('device-b', 7)), 'DecryptionFailed', 'decryptionFailed');
    assertBlobError(() => openBytes(key, batch, batchAad('device-a', 8)), 'DecryptionFailed', 'decryptionFailed');
    assertBlobError(() => openBytes(key, batch, batchAad('device-a', 70)), 'DecryptionFailed', 'decryptionFailed');
  });

  it('text that is not base64 is reported as damaged, not thrown as a raw error', () => {
    const b64 = sealString(key, 'ls', aad);
    assertBlobError(() => openString(key, '', aad), 'TooShort', 'invalidCiphertext');
    for (const bad of ['not base64!', b64.slice(0, -1), `${b64}\n`, b64.replace(/\+/g, '-').replace(/\//g, '_') + '@']) {
      assertBlobError(() => openString(key, bad, aad), 'NotBase64', 'invalidCiphertext');
    }
  });

  it('error messages never contain the plaintext, key or AAD', () => {
    const secretText = 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI';
    const b = sealString(key, secretText, aad);
    // assert.throws, not try/catch: a try would also catch the AssertionError of an assert.fail inside it.
    let caught: unknown;
    assert.throws(
      () => openString(SecretKey.random(), b, aad),
      (e: unknown) => {
        caught = e;
        return e instanceof CiphertextError;
      },
    );
    const text = `${String(caught)} ${(caught as CiphertextError).action ?? ''} ${JSON.stringify(caught)}`;
    for (const needle of [secretText, 'wJalrXUtnFEMI', key.toVaultString(), aad, ID]) assert.ok(!text.includes(needle), `leaked ${needle}`);
  });

  it('sealing or opening without a Caro AAD string is refused', () => {
    assert.throws(() => sealBytes(key, plain, ''), (e: unknown) => isCaroError(e, 'internal'));
    assert.throws(() => openBytes(key, blob, 'other|v1'), (e: unknown) => isCaroError(e, 'internal'));
  });
});

describe('crypto blob: randomness and round trips', () => {
  it('the same plaintext sealed twice gives different blobs with different nonces, both opening', () => {
    const key = SecretKey.random();
    const aad = fieldAad('command', ID, 'command');
    const a = sealBytes(key, encoder.encode('git push'), aad);
    const b = sealBytes(key, encoder.encode('git push'), aad);
    assert.notEqual(hex(a), hex(b));
    assert.notEqual(hex(a.subarray(1, 13)), hex(b.subarray(1, 13)));
    assert.equal(new TextDecoder().decode(openBytes(key, a, aad)), 'git push');
    assert.equal(new TextDecoder().decode(openBytes(key, b, aad)), 'git push');
  });

  it('1000 seals produce 1000 distinct nonces', () => {
    const key = SecretKey.random();
    const aad = batchAad('d', 0);
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) nonces.add(hex(sealBytes(key, new Uint8Array(0), aad).subarray(1, 13)));
    assert.equal(nonces.size, 1000);
  });

  it('property: 300 random plaintexts (empty, ASCII, unicode, astral, up to 10 KB) and random AADs round-trip', () => {
    const seed = 20261125;
    const rnd = seededRandom(seed);
    const pools = [
      'abcdefghijklmnopqrstuvwxyz ABC0123456789-_./|&;$"\'`\\',
      'äöüßéèêçñ€£¥—–…“”',
      '日本語中文한국어עבריתالعربية',
      '😀🚀📁✓🧪👩‍💻',
      '\n\t\r\u0000\u00a0\u2028',
    ];
    const pick = (s: string): string => {
      const chars = Array.from(s);
      return chars[Math.floor(rnd() * chars.length)] ?? '';
    };
    const key = SecretKey.random();
    const cipher = new FieldCipher(key);
    for (let i = 0; i < 300; i++) {
      const len = i === 0 ? 0 : i % 50 === 0 ? 10_000 : Math.floor(rnd() * 200);
      let text = '';
      for (let j = 0; j < len; j++) text += pick(pools[Math.floor(rnd() * pools.length)] ?? '');
      const entity = `e${Math.floor(rnd() * 1e6)}`;
      const id = `${Math.floor(rnd() * 1e12).toString(36)}-${i}`;
      const field = pick('abcdef') + pick('ghijk');
      const b64 = cipher.encrypt(entity, id, field, text);
      assert.equal(cipher.decrypt(entity, id, field, b64), text, `seed ${seed}, case ${i}`);
      const batch = sealString(key, text, batchAad(id, i));
      assert.equal(openString(key, batch, batchAad(id, i)), text, `seed ${seed}, batch case ${i}`);
      assert.throws(() => cipher.decrypt(entity, id, `${field}x`, b64), `seed ${seed}, case ${i}: moved field must fail`);
    }
  });
});

describe('crypto field cipher and AAD', () => {
  it('AAD strings are exactly caro|v1|<entity>|<id>|<field> and caro|v1|batch|<device>|<seq>', () => {
    assert.equal(fieldAad('command', 'r1', 'prompt'), 'caro|v1|command|r1|prompt');
    assert.equal(batchAad('dev-1', 0), 'caro|v1|batch|dev-1|0');
    assert.equal(batchAad('dev-1', 123456), 'caro|v1|batch|dev-1|123456');
  });

  it('AAD parts may not be empty or contain the separator; sequences must be whole numbers ≥ 0', () => {
    for (const [e, i, f] of [['', 'r', 'f'], ['a|b', 'r', 'f'], ['c', 'r|x', 'f'], ['c', 'r', '']]) {
      assert.throws(() => fieldAad(e ?? '', i ?? '', f ?? ''), (err: unknown) => isCaroError(err, 'internal'));
    }
    for (const seq of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => batchAad('d', seq), (err: unknown) => isCaroError(err, 'internal'));
    }
    assert.throws(() => batchAad('a|b', 1), (err: unknown) => isCaroError(err, 'internal'));
  });

  it('FieldCipher output is a base64 v1 blob bound to fieldAad(entity, id, field)', () => {
    const key = SecretKey.random();
    const cipher = new FieldCipher(key);
    const b64 = cipher.encrypt('command', ID, 'command', 'npm test');
    assert.equal(openString(key, b64, fieldAad('command', ID, 'command')), 'npm test');
    assert.equal(Buffer.from(b64, 'base64')[0], 0x01);
    assert.throws(() => cipher.decrypt('command', ID, 'explanation', b64), (e: unknown) => isCaroError(e, 'decryptionFailed'));
    assert.throws(() => new FieldCipher(SecretKey.random()).decrypt('command', ID, 'command', b64), (e: unknown) => isCaroError(e, 'decryptionFailed'));
    assert.equal(new FieldCipher(key, nobleAesGcm).decrypt('command', ID, 'command', b64), 'npm test');
  });

  it('FieldCipher does not reveal its key when printed or serialised', () => {
    const key = SecretKey.random();
    const cipher = new FieldCipher(key);
    const shown = `${String(cipher)} ${JSON.stringify({ cipher })} ${inspect(cipher, { showHidden: true, depth: 9 })}`;
    assert.ok(!shown.includes(key.toVaultString()));
    assert.ok(!shown.includes(hex(key.exposeBytes())));
    assert.equal(cipher.keyFingerprint, key.fingerprint());
  });
});
