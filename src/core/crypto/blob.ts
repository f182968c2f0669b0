/**
 * Caro ciphertext blobs (decision 7).
 *
 * DO NOT MODIFY: wire format. Every stored column and every synced batch uses it, and the frozen vectors in
 * test/fixtures/crypto/blobFrozen.json must keep decrypting to the same bytes forever.
 *
 * ```
 * offset  size  content
 * 0       1     version = 0x01
 * 1       12    nonce, fresh from the OS CSPRNG for every seal (never reused, never derived)
 * 13      n     AES-256-GCM ciphertext of the plaintext (n = plaintext length)
 * 13+n    16    GCM authentication tag
 * ```
 * The AAD is mandatory: the UTF-8 bytes of a string from aad.ts (`caro|v1|<entity>|<id>|<field>` or
 * `caro|v1|batch|<device>|<seq>`). It is not stored in the blob; the reader must supply the same string, so a blob
 * moved to another field, record, device or sequence number fails to open. The version byte is not covered by the
 * tag; a reader that sees any version other than 0x01 refuses the blob before decrypting.
 *
 * AES-GCM itself comes from aesGcm.ts (node:crypto by default, @noble/ciphers as an alternative); both give the
 * same bytes, which the frozen vectors check for each.
 *
 * Transport and storage use standard base64 (RFC 4648 §4, with padding) of the whole blob.
 * Errors: `InvalidVersion`, `TooShort` (< 29 bytes), `NotBase64` → CaroError 'invalidCiphertext';
 * `DecryptionFailed` (wrong key, wrong AAD, or any changed byte) → CaroError 'decryptionFailed'.
 */
import { randomBytes } from 'node:crypto';
import { CaroError } from '../model/errors';
import { type AesGcm, defaultAesGcm } from './aesGcm';
import type { SecretKey } from './secretKey';

export const BLOB_VERSION = 0x01;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** version + nonce + tag: the size of the blob of an empty plaintext. */
export const MIN_BLOB_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

export type BlobProblem = 'InvalidVersion' | 'TooShort' | 'NotBase64' | 'DecryptionFailed';

/** CaroError carrying which check failed (`problem`), for logs and tests. Never carries key or plaintext. */
export class CiphertextError extends CaroError {
  constructor(readonly problem: BlobProblem) {
    super(...describe(problem));
  }
}

function describe(problem: BlobProblem): ConstructorParameters<typeof CaroError> {
  switch (problem) {
    case 'InvalidVersion':
      return [
        'invalidCiphertext',
        'An encrypted item uses a format this version of Caro History cannot read.',
        'Update Caro History on this device, then try again.',
      ];
    case 'TooShort':
      return [
        'invalidCiphertext',
        'An encrypted item is damaged: it is too short to be valid.',
        'The item cannot be recovered on this device; delete it, or sync it again from a device that still has it.',
      ];
    case 'NotBase64':
      return [
        'invalidCiphertext',
        'An encrypted item is damaged: it is not in the expected text form.',
        'The item cannot be recovered on this device; delete it, or sync it again from a device that still has it.',
      ];
    case 'DecryptionFailed':
      return [
        'decryptionFailed',
        'An encrypted item could not be opened: it was changed or damaged, or it was locked with a different key.',
        'Check that this device uses the same recovery phrase as your other devices. If it does, the item is damaged and can be deleted.',
      ];
  }
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function aadBytes(aad: string): Uint8Array {
  if (typeof aad !== 'string' || !aad.startsWith('caro|')) {
    throw new CaroError(
      'internal',
      'Cannot encrypt or decrypt: the associated data is missing.',
      'This is a bug in Caro History; please report it.',
    );
  }
  return encoder.encode(aad);
}

function sealWith(key: SecretKey, plaintext: Uint8Array, aad: string, nonce: Uint8Array, aead: AesGcm): Uint8Array {
  const sealed = aead.seal(key.exposeBytes(), nonce, aadBytes(aad), plaintext);
  const blob = new Uint8Array(1 + NONCE_BYTES + sealed.length);
  blob[0] = BLOB_VERSION;
  blob.set(nonce, 1);
  blob.set(sealed, 1 + NONCE_BYTES);
  return blob;
}

/**
 * Encrypts `plaintext` under `key`, bound to `aad`, with a fresh random nonce. `aead` selects the AES-GCM
 * implementation (default node:crypto; every implementation produces the same bytes).
 */
export function sealBytes(key: SecretKey, plaintext: Uint8Array, aad: string, aead: AesGcm = defaultAesGcm): Uint8Array {
  return sealWith(key, plaintext, aad, new Uint8Array(randomBytes(NONCE_BYTES)), aead);
}

/**
 * TEST SEAM, for the frozen wire-format vectors only. Reusing a nonce with the same key destroys GCM's secrecy and
 * integrity, so product code must always call {@link sealBytes}.
 * @internal
 */
export function sealBytesWithNonceForFrozenVectors(
  key: SecretKey,
  plaintext: Uint8Array,
  aad: string,
  nonce: Uint8Array,
  aead: AesGcm = defaultAesGcm,
): Uint8Array {
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`);
  return sealWith(key, plaintext, aad, nonce, aead);
}

/** Checks version and length, then authenticates and decrypts. Throws {@link CiphertextError}. */
export function openBytes(key: SecretKey, blob: Uint8Array, aad: string, aead: AesGcm = defaultAesGcm): Uint8Array {
  const additional = aadBytes(aad);
  if (blob.length < MIN_BLOB_BYTES) throw new CiphertextError('TooShort');
  if (blob[0] !== BLOB_VERSION) throw new CiphertextError('InvalidVersion');
  const nonce = blob.subarray(1, 1 + NONCE_BYTES);
  try {
    return aead.open(key.exposeBytes(), nonce, additional, blob.subarray(1 + NONCE_BYTES));
  } catch {
    throw new CiphertextError('DecryptionFailed');
  }
}

/**
 * UTF-8 encodes `text`, seals it and returns the blob as base64. Like every UTF-8 encoder, this replaces unpaired
 * UTF-16 surrogates with U+FFFD, so only well-formed strings round-trip exactly.
 */
export function sealString(key: SecretKey, text: string, aad: string, aead: AesGcm = defaultAesGcm): string {
  return Buffer.from(sealBytes(key, encoder.encode(text), aad, aead)).toString('base64');
}

/** Decodes the base64 blob, opens it and decodes the plaintext as strict UTF-8. */
export function openString(key: SecretKey, b64: string, aad: string, aead: AesGcm = defaultAesGcm): string {
  if (typeof b64 !== 'string' || !BASE64.test(b64)) throw new CiphertextError('NotBase64');
  const plain = openBytes(key, new Uint8Array(Buffer.from(b64, 'base64')), aad, aead);
  try {
    return strictDecoder.decode(plain);
  } catch {
    // Authenticated but not UTF-8: written by something that is not Caro's sealString.
    throw new CiphertextError('DecryptionFailed');
  }
}
