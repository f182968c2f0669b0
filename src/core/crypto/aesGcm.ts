/**
 * AES-256-GCM behind one small interface (code-style §2.11), so the blob format does not depend on a library.
 *
 * Two byte-identical implementations, both checked against the GCM spec / NIST CAVP vectors and Caro's frozen blobs
 * (test/unit/cryptoPrimitives.test.ts, cryptoBlob.test.ts):
 * - {@link nodeAesGcm} (default): OpenSSL via node:crypto. Measured by `npm run bench:crypto` on the 2-core CI VM:
 *   6–8× faster than noble per 100-byte field and 30–50× faster at 10 KB (noble's 10 KB p95 is ~1 ms, the spec's
 *   per-field budget). Field decryption sits on the search-index build and sync-join paths, so this matters.
 * - {@link nobleAesGcm}: @noble/ciphers, pure JS, for a runtime without node:crypto.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';

export const GCM_TAG_BYTES = 16;

export interface AesGcm {
  readonly name: 'node' | 'noble';
  /** Returns ciphertext ‖ tag(16). `key` 32 bytes, `nonce` 12 bytes. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Takes ciphertext ‖ tag(16); throws (any Error) if authentication fails. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
}

export const nodeAesGcm: AesGcm = {
  name: 'node',
  seal(key, nonce, aad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
    cipher.setAAD(aad);
    const out = new Uint8Array(plaintext.length + GCM_TAG_BYTES);
    let at = 0;
    for (const part of [cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  },
  open(key, nonce, aad, sealed) {
    if (sealed.length < GCM_TAG_BYTES) throw new Error('sealed data shorter than the tag');
    const split = sealed.length - GCM_TAG_BYTES;
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(split));
    const head = decipher.update(sealed.subarray(0, split));
    const tail = decipher.final(); // throws when the tag does not match
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  },
};

export const nobleAesGcm: AesGcm = {
  name: 'noble',
  seal: (key, nonce, aad, plaintext) => gcm(key, nonce, aad).encrypt(plaintext),
  open: (key, nonce, aad, sealed) => gcm(key, nonce, aad).decrypt(sealed),
};

/** What blob.ts uses unless a caller passes another implementation. */
export const defaultAesGcm: AesGcm = nodeAesGcm;
