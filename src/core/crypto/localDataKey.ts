import { CaroError } from '../model/errors';
import type { KeyVault } from './keyVault';
import { SecretKey } from './secretKey';

const VAULT_NAME = 'localDataKey';
const inFlight = new WeakMap<KeyVault, Promise<SecretKey>>();

/**
 * The device-local key that encrypts sensitive history columns at rest (decision 4): loaded from the vault, or created
 * (32 random bytes) and stored under 'localDataKey' on first use. Never synced.
 *
 * A stored value that cannot be parsed throws CaroError 'keyMissing' and is left untouched: silently replacing it
 * would make every existing row unreadable. Concurrent callers on one vault share one creation; after writing a new
 * key it is read back, so if another window stored a key at the same moment, both end up using the stored one.
 */
export function loadOrCreateLocalDataKey(vault: KeyVault): Promise<SecretKey> {
  const pending = inFlight.get(vault);
  if (pending) return pending;
  const work = loadOrCreate(vault).finally(() => inFlight.delete(vault));
  inFlight.set(vault, work);
  return work;
}

async function loadOrCreate(vault: KeyVault): Promise<SecretKey> {
  const stored = await vault.get(VAULT_NAME);
  if (stored !== undefined) return SecretKey.fromVaultString(stored);
  const created = SecretKey.random();
  await vault.set(VAULT_NAME, created.toVaultString());
  const readBack = await vault.get(VAULT_NAME);
  if (readBack === undefined) {
    // Using a key that was not kept would make everything written with it unreadable after a restart.
    throw new CaroError(
      'keyMissing',
      'Caro History could not save its encryption key in the system keychain.',
      'Nothing was recorded. Check that the system keychain (or secret service) is unlocked and working, then reload the window.',
    );
  }
  return SecretKey.fromVaultString(readBack);
}
