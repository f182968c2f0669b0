/**
 * Every error a person can see. `message` is plain language; `action` says what to do about it.
 * Never put secrets, phrases, keys or command text into either.
 */
export type ErrorCode =
  | 'invalidPhrase'
  | 'wrongKey'
  | 'noSyncedHistory'
  | 'relayUnreachable'
  | 'notAJazzServer'
  | 'commandTooLarge'
  | 'invalidInput'
  | 'corruptDatabase'
  | 'newerDatabase'
  | 'databaseBusy'
  | 'badImportFile'
  | 'decryptionFailed'
  | 'invalidCiphertext'
  | 'notInitialised'
  | 'alreadyInitialised'
  | 'historyMoved'
  | 'keyMissing'
  /** A secret file is readable by other users (CLI key file): refused until `chmod 600`. */
  | 'unsafePermissions'
  | 'internal';

export class CaroError extends Error {
  override readonly name = 'CaroError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly action?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Message + action, for notifications and CLI output. */
  get userMessage(): string {
    return this.action ? `${this.message} ${this.action}` : this.message;
  }
}

export function isCaroError(e: unknown, code?: ErrorCode): e is CaroError {
  return e instanceof CaroError && (code === undefined || e.code === code);
}
