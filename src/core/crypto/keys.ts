/**
 * Phrase → sync keys (decisions 2–3).
 *
 * DO NOT MODIFY: every device must derive the same keys from the same phrase, forever. Frozen by
 * test/fixtures/crypto/syncKeysFrozen.json.
 *
 *   master  = Argon2id(password = UTF-8(normalised phrase), salt = SHA-256(UTF-8(normalised phrase))[0:16],
 *                      m = 65536 KiB, t = 3, p = 4, 32 bytes, version 0x13)
 *   purpose = HKDF-SHA256(ikm = master, salt = empty, info = "caro-sync-<purpose>-v1", 32 bytes)
 */
import { argon2id } from 'hash-wasm/dist/argon2.umd.min.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertPhrase } from './phrase';
import { SECRET_KEY_BYTES, SecretKey } from './secretKey';

export const ARGON2_PARAMS = { memorySize: 65536, iterations: 3, parallelism: 4, hashLength: SECRET_KEY_BYTES } as const;
export const PHRASE_SALT_BYTES = 16;

export const SYNC_KEY_INFO = {
  command: 'caro-sync-command-v1',
  preference: 'caro-sync-preference-v1',
  metrics: 'caro-sync-metrics-v1',
  device: 'caro-sync-device-v1',
  jazzAuth: 'caro-sync-jazz-auth-v1',
} as const;

export type SyncKeyPurpose = keyof typeof SYNC_KEY_INFO;

export interface SyncKeys {
  /** Encrypts command batches (command, prompt, explanation, tags, cwd, exit details). */
  readonly command: SecretKey;
  /** Encrypts preference values, including exclude patterns. */
  readonly preference: SecretKey;
  /** Encrypts the opt-in aggregate usage metrics. */
  readonly metrics: SecretKey;
  /** Encrypts device records (names, platform details). */
  readonly device: SecretKey;
  /** Seed for the Jazz account secret (`crypto.agentSecretFromSecretSeed(jazzAuth.exposeBytes())`). */
  readonly jazzAuth: SecretKey;
  /** Short code such as `7F3A-91C2` that is equal on every device using the same phrase: jazzAuth.fingerprint(). */
  readonly fingerprint: string;
}

const encoder = new TextEncoder();

/** SHA-256(UTF-8(normalised phrase))[0:16]. */
export function phraseSalt(normalisedPhrase: string): Uint8Array {
  return sha256(encoder.encode(normalisedPhrase)).slice(0, PHRASE_SALT_BYTES);
}

/** HKDF-SHA256(master, salt empty, info, 32 bytes). */
export function derivePurposeKey(master: SecretKey, info: string): SecretKey {
  const ikm = master.exposeBytes();
  try {
    return SecretKey.fromBytes(hkdf(sha256, ikm, new Uint8Array(0), encoder.encode(info), SECRET_KEY_BYTES));
  } finally {
    ikm.fill(0);
  }
}

/** Validates the phrase (CaroError 'invalidPhrase') and runs Argon2id. Takes ~0.2–0.5 s and 64 MiB. */
export async function deriveMasterKey(phrase: string): Promise<SecretKey> {
  const normalised = assertPhrase(phrase);
  const master = await argon2id({
    password: encoder.encode(normalised),
    salt: phraseSalt(normalised),
    ...ARGON2_PARAMS,
    outputType: 'binary',
  });
  try {
    return SecretKey.fromBytes(master);
  } finally {
    master.fill(0);
  }
}

/** All sync keys for a phrase. Deterministic: the same phrase gives the same keys on every device. */
export async function deriveSyncKeys(phrase: string): Promise<SyncKeys> {
  const master = await deriveMasterKey(phrase);
  const jazzAuth = derivePurposeKey(master, SYNC_KEY_INFO.jazzAuth);
  return Object.freeze({
    command: derivePurposeKey(master, SYNC_KEY_INFO.command),
    preference: derivePurposeKey(master, SYNC_KEY_INFO.preference),
    metrics: derivePurposeKey(master, SYNC_KEY_INFO.metrics),
    device: derivePurposeKey(master, SYNC_KEY_INFO.device),
    jazzAuth,
    fingerprint: jazzAuth.fingerprint(),
  });
}
