import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KeyVault, SecretName } from '../core/crypto/keyVault';
import { CaroError } from '../core/model/errors';

interface VaultFile {
  version: 1;
  secrets: Partial<Record<SecretName, string>>;
}

/**
 * KeyVault for the CLI: a JSON file readable only by its owner (mode 0600), the way ssh treats private keys.
 * - Writes are atomic: a new file is created with mode 0600 next to the old one, synced, then renamed over it.
 * - A file that group or others can read is refused (the key may already have leaked) with a message saying
 *   `chmod 600 <path>`; a damaged file is never overwritten.
 * Values are never logged or put into error messages.
 */
export class FileKeyVault implements KeyVault {
  constructor(readonly filePath: string) {}

  async get(name: SecretName): Promise<string | undefined> {
    return this.read().secrets[name];
  }

  async set(name: SecretName, value: string): Promise<void> {
    const current = this.read();
    current.secrets[name] = value;
    this.write(current);
  }

  async delete(name: SecretName): Promise<void> {
    const current = this.read();
    if (!(name in current.secrets)) return;
    delete current.secrets[name];
    this.write(current);
  }

  private read(): VaultFile {
    let fd: number;
    try {
      fd = fs.openSync(this.filePath, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { version: 1, secrets: {} };
      if (code === 'ELOOP') {
        throw new CaroError('unsafePermissions', `The key file ${this.filePath} is a symbolic link, so Caro History will not use it.`,
          `Replace the link with the real file (mode 600).`);
      }
      throw new CaroError('keyMissing', `The key file ${this.filePath} cannot be opened (${code ?? 'error'}).`,
        `Check that it belongs to you and run: chmod 600 ${this.filePath}`);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) {
        throw new CaroError('keyMissing', `The key file ${this.filePath} is not a regular file.`, 'Move it away and try again.');
      }
      if (process.platform !== 'win32') {
        if ((st.mode & 0o077) !== 0) {
          throw new CaroError(
            'unsafePermissions',
            `The key file ${this.filePath} can be read or changed by other users (mode ${(st.mode & 0o777).toString(8)}), so Caro History will not use it.`,
            `Run: chmod 600 ${this.filePath}`,
          );
        }
        const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
        if (uid !== undefined && uid !== 0 && st.uid !== uid) {
          throw new CaroError('unsafePermissions', `The key file ${this.filePath} belongs to another user.`,
            `Use your own CARO_HISTORY_HOME, or take ownership of the file and run: chmod 600 ${this.filePath}`);
        }
      }
      const text = fs.readFileSync(fd, 'utf8');
      return parseVault(text, this.filePath);
    } finally {
      fs.closeSync(fd);
    }
  }

  private write(data: VaultFile): void {
    const dir = path.dirname(this.filePath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(this.filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeFileSync(fd, `${JSON.stringify(data, null, 2)}\n`);
      // The umask cannot widen 0600, but a pre-existing ACL default might: make sure.
      if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
      fs.fsyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    try {
      fs.renameSync(tmp, this.filePath);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    syncDir(dir);
  }
}

function parseVault(text: string, filePath: string): VaultFile {
  const damaged = (): CaroError =>
    new CaroError(
      'keyMissing',
      `The key file ${filePath} is damaged, so the encrypted history cannot be opened. It was left untouched.`,
      'Restore the file from a backup. To start a new, empty history instead, move both this file and history.db somewhere else.',
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw damaged();
  }
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1) throw damaged();
  const secrets = (raw as { secrets?: unknown }).secrets;
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw damaged();
  const out: VaultFile = { version: 1, secrets: {} };
  for (const [k, v] of Object.entries(secrets as Record<string, unknown>)) {
    if (typeof v !== 'string') throw damaged();
    out.secrets[k as SecretName] = v;
  }
  return out;
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems do not support syncing a directory; the rename is still atomic.
  }
}
