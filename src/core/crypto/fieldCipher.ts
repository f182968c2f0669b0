import { fieldAad } from './aad';
import { type AesGcm, defaultAesGcm } from './aesGcm';
import { openString, sealString } from './blob';
import type { SecretKey } from './secretKey';

/**
 * Encrypts one text field of one record, bound to (entity, record id, field) through the AAD, so a ciphertext copied
 * into another column or row fails to decrypt. Output is the base64 blob of blob.ts.
 */
export class FieldCipher {
  readonly #key: SecretKey;
  readonly #aead: AesGcm;

  /** `aead` selects the AES-GCM implementation (default node:crypto); the output bytes are the same. */
  constructor(key: SecretKey, aead: AesGcm = defaultAesGcm) {
    this.#key = key;
    this.#aead = aead;
  }

  encrypt(entity: string, recordId: string, field: string, plaintext: string): string {
    return sealString(this.#key, plaintext, fieldAad(entity, recordId, field), this.#aead);
  }

  /** Throws CaroError 'invalidCiphertext' or 'decryptionFailed' (see blob.ts). */
  decrypt(entity: string, recordId: string, field: string, b64: string): string {
    return openString(this.#key, b64, fieldAad(entity, recordId, field), this.#aead);
  }

  /** Fingerprint of the key in use, for diagnostics (never the key). */
  get keyFingerprint(): string {
    return this.#key.fingerprint();
  }

  toString(): string {
    return '[FieldCipher]';
  }

  toJSON(): string {
    return '[FieldCipher]';
  }
}
