/**
 * Where secrets live. SecretStorage in the extension, a 0600 file in the CLI, memory in unit tests.
 * Values are opaque strings (base64 keys, the phrase); implementations never log them.
 */
export interface KeyVault {
  get(name: SecretName): Promise<string | undefined>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

export type SecretName = 'localDataKey' | 'recoveryPhrase' | 'syncIdentity';

export class MemoryKeyVault implements KeyVault {
  private readonly values = new Map<SecretName, string>();
  async get(name: SecretName): Promise<string | undefined> {
    return this.values.get(name);
  }
  async set(name: SecretName, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: SecretName): Promise<void> {
    this.values.delete(name);
  }
}
