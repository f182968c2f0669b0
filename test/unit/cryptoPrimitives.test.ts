// Known-answer tests for the primitives Caro's crypto is built on, with the exact modules src/core/crypto imports.
import { strict as assert } from 'node:assert';
import { hkdfSync } from 'node:crypto';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { expand, extract, hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { argon2id } from 'hash-wasm/dist/argon2.umd.min.js';
import { nobleAesGcm, nodeAesGcm } from '../../src/core/crypto/aesGcm';
import {
  type AesGcmFixture,
  type Argon2Fixture,
  type HkdfFixture,
  fromHex,
  hex,
  loadCryptoFixture,
} from '../fixtures/crypto/cryptoFixtures';

const gcmVectors = loadCryptoFixture<AesGcmFixture>('aesGcmVectors.json').vectors;
const hkdfVectors = loadCryptoFixture<HkdfFixture>('hkdfVectors.json').vectors;
const argon2 = loadCryptoFixture<Argon2Fixture>('argon2Vectors.json');

describe('crypto primitives: AES-256-GCM known answers (GCM spec test cases 13-16, NIST CAVP)', () => {
  for (const aead of [nodeAesGcm, nobleAesGcm]) {
    for (const v of gcmVectors) {
      it(`[${aead.name}] seals and opens ${v.name}`, () => {
        assert.equal(hex(aead.seal(fromHex(v.key), fromHex(v.iv), fromHex(v.aad), fromHex(v.pt))), v.ct + v.tag);
        assert.equal(hex(aead.open(fromHex(v.key), fromHex(v.iv), fromHex(v.aad), fromHex(v.ct + v.tag))), v.pt);
      });

      it(`[${aead.name}] rejects ${v.name} with a flipped tag bit, a changed AAD or a missing tag byte`, () => {
        const bad = fromHex(v.ct + v.tag);
        bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
        assert.throws(() => aead.open(fromHex(v.key), fromHex(v.iv), fromHex(v.aad), bad));
        assert.throws(() => aead.open(fromHex(v.key), fromHex(v.iv), fromHex(`${v.aad}00`), fromHex(v.ct + v.tag)));
        assert.throws(() => aead.open(fromHex(v.key), fromHex(v.iv), fromHex(v.aad), fromHex(v.ct + v.tag).subarray(1)));
      });
    }
  }

  it('node rejects a sealed input shorter than a tag instead of accepting a truncated tag', () => {
    const v = gcmVectors[1];
    assert.ok(v);
    assert.throws(() => nodeAesGcm.open(fromHex(v.key), fromHex(v.iv), fromHex(v.aad), fromHex(v.tag).subarray(0, 12)));
  });
});

describe('crypto primitives: HKDF-SHA256 known answers (RFC 5869 A.1-A.3)', () => {
  for (const v of hkdfVectors) {
    it(`noble hkdf reproduces ${v.name}`, () => {
      const salt = fromHex(v.salt);
      assert.equal(hex(extract(sha256, fromHex(v.ikm), salt)), v.prk);
      assert.equal(hex(expand(sha256, fromHex(v.prk), fromHex(v.info), v.length)), v.okm);
      assert.equal(hex(hkdf(sha256, fromHex(v.ikm), salt, fromHex(v.info), v.length)), v.okm);
      assert.equal(Buffer.from(hkdfSync('sha256', fromHex(v.ikm), salt, fromHex(v.info), v.length)).toString('hex'), v.okm);
    });
  }

  it('an empty salt equals the RFC default (HashLen zero bytes), as keys.ts relies on', () => {
    const ikm = fromHex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b');
    assert.equal(hex(hkdf(sha256, ikm, new Uint8Array(0), new Uint8Array(0), 42)), hex(hkdf(sha256, ikm, new Uint8Array(32), new Uint8Array(0), 42)));
  });
});

describe('crypto primitives: Argon2id known answers', () => {
  it('RFC 9106 section 5.3 vector (with secret and associated data) holds, checked with @noble/hashes', () => {
    const v = argon2.rfc9106;
    const tag = nobleArgon2id(fromHex(v.password), fromHex(v.salt), {
      t: v.t, m: v.m, p: v.p, dkLen: 32, key: fromHex(v.secret), personalization: fromHex(v.ad),
    });
    assert.equal(hex(tag), v.tag);
  });

  it('hash-wasm cannot take associated data: on the RFC 9106 inputs without it, hash-wasm equals noble (secret, 4 lanes) and differs from the RFC tag', async () => {
    const v = argon2.rfc9106;
    const tag = await argon2id({
      password: fromHex(v.password), salt: fromHex(v.salt), secret: fromHex(v.secret),
      iterations: v.t, memorySize: v.m, parallelism: v.p, hashLength: 32, outputType: 'binary',
    });
    const noAd = nobleArgon2id(fromHex(v.password), fromHex(v.salt), { t: v.t, m: v.m, p: v.p, dkLen: 32, key: fromHex(v.secret) });
    assert.notEqual(hex(tag), v.tag);
    assert.equal(hex(tag), hex(noAd), 'hash-wasm and noble agree on secret + 4 lanes');
  });

  for (const v of argon2.reference) {
    it(`hash-wasm (small deep import) reproduces reference t=${v.t} m=${v.m} p=${v.p} ${v.password}/${v.salt}`, async () => {
      const tag = await argon2id({
        password: v.password, salt: v.salt, iterations: v.t, memorySize: v.m, parallelism: v.p, hashLength: 32, outputType: 'hex',
      });
      assert.equal(tag, v.tag);
    });
  }
});
