/** Cheap checks of a history file before SQLite opens it (no SQL, a few bytes read). */
import * as fs from 'node:fs';
import { lockDirFor } from './fileLock';

const SQLITE_HEADER = 'SQLite format 3\0';

/** The SQLite header records the database size in pages (when valid): a file shorter than that was truncated. */
export function isShorterThanHeaderSays(abs: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, 'r');
    const h = Buffer.alloc(100);
    if (fs.readSync(fd, h, 0, 100, 0) < 100 || h.toString('latin1', 0, 16) !== SQLITE_HEADER) return false;
    const raw = h.readUInt16BE(16);
    const pageSize = raw === 1 ? 65_536 : raw;
    const pages = h.readUInt32BE(28);
    const sizeValid = h.readUInt32BE(24) === h.readUInt32BE(92) && pages > 0;
    return sizeValid && fs.fstatSync(fd).size < pageSize * pages;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * A 0-byte history file that nobody is creating right now (no lock, not touched for a minute) is a store that lost
 * its content (a crash while copying, a full disk): say so instead of starting over without a word.
 */
export function isAbandonedEmptyFile(abs: string, now: () => number): boolean {
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st || !st.isFile() || st.size !== 0) return false;
  if (fs.existsSync(lockDirFor(abs))) return false;
  return now() - st.mtimeMs > 60_000;
}
