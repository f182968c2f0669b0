/**
 * A command that must leave no trace when it fails (`sync join` with a wrong phrase or an unreachable server): what
 * existed before it ran is remembered, and on failure only the files it created are removed. Files that existed
 * before are never touched.
 */
import * as fs from 'node:fs';
import { lockDirFor } from '../core/store/fileLock';
import type { CliHome } from './cliHome';

export interface HomeSnapshot {
  /** Removes what this run created (the whole folder if it did not exist before). */
  removeCreated(): void;
}

export function snapshotHome(home: CliHome): HomeSnapshot {
  const dirExisted = fs.existsSync(home.dir);
  const candidates = [
    home.dbPath,
    `${home.dbPath}-journal`,
    `${home.dbPath}.checked`,
    lockDirFor(home.dbPath),
    home.keyFile,
    home.deviceFile,
  ];
  const existed = new Set(candidates.filter((p) => fs.existsSync(p)));
  return {
    removeCreated: () => {
      if (!dirExisted) {
        fs.rmSync(home.dir, { recursive: true, force: true });
        return;
      }
      for (const p of candidates) if (!existed.has(p)) fs.rmSync(p, { recursive: true, force: true });
    },
  };
}
