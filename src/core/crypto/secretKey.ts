import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { CaroError } from '../model/errors';

/** Every Caro key is 256 bits (AES-256-GCM keys, HKDF outputs, the local data key). */
export const SECRET_KEY_BYTES = 32;

const REDACTED = '[SecretKey]';
const FINGERPRINT_DOMAIN = 'caro|v1|key-fingerprint|';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A 32-byte key that never shows itself by accident: `String(key)`, template literals, `util.inspect` and
 * `console.log` print `[SecretKey]`, and `JSON.stringify` throws. The bytes live in an ES private field, so they
 * are not reachable through `Object.keys`, spread or structured logging either. Use {@link exposeBytes} only at the
 * call site that hands the key to a primitive, and {@link toVaultString} only to store it in a KeyVault.
 */
export class SecretKey {
  readonly #bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** A fresh key from the operating system's CSPRNG. */
  static random(): SecretKey {
    return new SecretKey(new Uint8Array(randomBytes(SECRET_KEY_BYTES)));
  }

  /** Copies `b` (must be exactly 32 bytes); later changes to `b` do not affect the key. */
  static fromBytes(b: Uint8Array): SecretKey {
    if (!(b instanceof Uint8Array) || b.length !== SECRET_KEY_BYTES) {
      throw new CaroError(
        'internal',
        `An encryption key must be exactly ${SECRET_KEY_BYTES} bytes long.`,
        'This is a bug in Caro History; please report it.',
      );
    }
    return new SecretKey(Uint8Array.from(b));
  }

  /** Parses the base64 form written by {@link toVaultString}. Throws CaroError 'keyMissing' if it is damaged. */
  static fromVaultString(s: string): SecretKey {
    const text = typeof s === 'string' ? s.trim() : '';
    const bytes = BASE64.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : undefined;
    if (!bytes || bytes.length !== SECRET_KEY_BYTES) {
      throw new CaroError(
        'keyMissing',
        'A stored encryption key is damaged and cannot be used.',
        'Nothing was changed or deleted. Restore the key from a backup of your system keychain, or reset Caro History to start again with a new key.',
      );
    }
    return new SecretKey(new Uint8Array(bytes));
  }

  /** Base64 of the raw key, for a KeyVault only. Never log it. */
  toVaultString(): string {
    return Buffer.from(this.#bytes).toString('base64');
  }

  /** A copy of the raw key bytes, for handing to a cipher or KDF. */
  exposeBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /**
   * Short, human-comparable identifier such as `7F3A-91C2`: the first 4 bytes of
   * SHA-256("caro|v1|key-fingerprint|" ‖ key). It identifies a key without revealing it.
   */
  fingerprint(): string {
    const digest = createHash('sha256').update(FINGERPRINT_DOMAIN).update(this.#bytes).digest('hex').toUpperCase();
    return `${digest.slice(0, 4)}-${digest.slice(4, 8)}`;
  }

  /** Constant-time comparison of two keys. */
  equals(other: SecretKey): boolean {
    return timingSafeEqual(this.#bytes, other.#bytes);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): never {
    throw new CaroError(
      'internal',
      'An encryption key cannot be written out as JSON.',
      'This is a bug in Caro History; please report it.',
    );
  }

  get [Symbol.toStringTag](): string {
    return 'SecretKey';
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
