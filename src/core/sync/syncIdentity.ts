/**
 * Sync identity: everything derived from the recovery phrase (decisions 2–3) plus the deterministic Jazz account id.
 * Stored in the KeyVault under 'syncIdentity' (keys only; never in settings, files or logs).
 */
import { cojsonInternals, type AgentSecret, type CryptoProvider, type RawAccountID } from 'cojson';
import { deriveSyncKeys } from '../crypto/keys';
import { SecretKey } from '../crypto/secretKey';
import { CaroError } from '../model/errors';

export interface SyncIdentity {
  readonly accountId: RawAccountID;
  /** Jazz account secret (derived from the jazz-auth key). Never log. */
  readonly agentSecret: AgentSecret;
  readonly jazzAuth: SecretKey;
  readonly commandKey: SecretKey;
  readonly preferenceKey: SecretKey;
  readonly metricsKey: SecretKey;
  readonly deviceKey: SecretKey;
  readonly fingerprint: string;
}

const VAULT_FORMAT = 1;

interface VaultIdentity {
  v: number;
  accountId: string;
  jazzAuth: string;
  command: string;
  preference: string;
  metrics: string;
  device: string;
  fingerprint: string;
}

/** The Jazz account id for a jazz-auth seed: deterministic, so every device with the phrase finds the same account. */
export function accountIdForSecret(secret: AgentSecret, crypto: CryptoProvider): RawAccountID {
  return cojsonInternals.idforHeader(
    cojsonInternals.accountHeaderForInitialAgentSecret(secret, crypto),
    crypto,
  ) as RawAccountID;
}

function fromKeys(
  keys: { jazzAuth: SecretKey; command: SecretKey; preference: SecretKey; metrics: SecretKey; device: SecretKey },
  fingerprint: string,
  crypto: CryptoProvider,
): SyncIdentity {
  const agentSecret = crypto.agentSecretFromSecretSeed(keys.jazzAuth.exposeBytes());
  const identity: SyncIdentity = {
    accountId: accountIdForSecret(agentSecret, crypto),
    agentSecret,
    jazzAuth: keys.jazzAuth,
    commandKey: keys.command,
    preferenceKey: keys.preference,
    metricsKey: keys.metrics,
    deviceKey: keys.device,
    fingerprint,
  };
  return Object.freeze(identity);
}

/** Validates the phrase (CaroError 'invalidPhrase') and derives the identity (Argon2id, ~0.3–1 s). */
export async function identityFromPhrase(phrase: string, crypto: CryptoProvider): Promise<SyncIdentity> {
  const keys = await deriveSyncKeys(phrase);
  return fromKeys(keys, keys.fingerprint, crypto);
}

export function identityToVaultString(identity: SyncIdentity): string {
  const stored: VaultIdentity = {
    v: VAULT_FORMAT,
    accountId: identity.accountId,
    jazzAuth: identity.jazzAuth.toVaultString(),
    command: identity.commandKey.toVaultString(),
    preference: identity.preferenceKey.toVaultString(),
    metrics: identity.metricsKey.toVaultString(),
    device: identity.deviceKey.toVaultString(),
    fingerprint: identity.fingerprint,
  };
  return JSON.stringify(stored);
}

const damaged = () =>
  new CaroError(
    'keyMissing',
    'The stored sync keys on this device are damaged.',
    'Your local history is untouched. Run "Leave sync" and join again with your recovery phrase.',
  );

export function identityFromVaultString(text: string, crypto: CryptoProvider): SyncIdentity {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged();
  }
  const o = parsed as Partial<VaultIdentity> | null;
  if (
    !o ||
    o.v !== VAULT_FORMAT ||
    typeof o.jazzAuth !== 'string' ||
    typeof o.command !== 'string' ||
    typeof o.preference !== 'string' ||
    typeof o.metrics !== 'string' ||
    typeof o.device !== 'string' ||
    typeof o.fingerprint !== 'string'
  ) {
    throw damaged();
  }
  const identity = fromKeys(
    {
      jazzAuth: SecretKey.fromVaultString(o.jazzAuth),
      command: SecretKey.fromVaultString(o.command),
      preference: SecretKey.fromVaultString(o.preference),
      metrics: SecretKey.fromVaultString(o.metrics),
      device: SecretKey.fromVaultString(o.device),
    },
    o.fingerprint,
    crypto,
  );
  if (o.accountId !== undefined && o.accountId !== identity.accountId) throw damaged();
  return identity;
}
