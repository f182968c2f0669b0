import type * as vscode from 'vscode';
import type { KeyVault, SecretName } from '../core/crypto/keyVault';

/**
 * KeyVault over VS Code SecretStorage (OS keychain / encrypted store). Values are never logged:
 * this class has no logger on purpose.
 */
export class SecretStorageVault implements KeyVault {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(name: SecretName): string {
    return `caroHistory.${name}`;
  }

  async get(name: SecretName): Promise<string | undefined> {
    return this.secrets.get(this.key(name));
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.secrets.store(this.key(name), value);
  }

  async delete(name: SecretName): Promise<void> {
    await this.secrets.delete(this.key(name));
  }
}
