/**
 * When a damaged history file is replaced by a fresh one: copy every row that can still be read from the damaged file
 * into the new one (rows stay encrypted as they were: same key), and remember the replacement in the new store so
 * `doctor` can report it later, not only on the run where it happened.
 */
import type { Logger } from '../util/logger';
import type { SqliteDatabase } from './database';

export interface StoreReplacement {
  /** Where the damaged (or empty) file was moved; it is kept, never deleted. */
  movedTo: string;
  /** Unix ms. */
  at: number;
  /** Commands copied from the damaged file into the new store. */
  recovered: number;
  reason: 'damaged' | 'empty' | 'notSqlite';
}

const TABLE = 'store_replacements';
const CHUNK = 200;
/** Probing past an unreadable part of the table: jumps double up to this many rowids, so the loop is bounded. */
const MAX_JUMP = 2 ** 40;

/**
 * Reads `command_history` from `source` in rowid order, skipping unreadable stretches (a missing page makes a read
 * fail: the scan continues beyond it with growing jumps), and inserts what it could read into `target`.
 * Never throws: returns how many rows were copied.
 */
export function recoverCommandRows(source: SqliteDatabase, target: SqliteDatabase, logger: Logger): number {
  let columns: string[];
  try {
    const targetColumns = new Set(target.all<{ name: string }>(`SELECT name FROM pragma_table_info('command_history')`).map((r) => r.name));
    columns = source.all<{ name: string }>(`SELECT name FROM pragma_table_info('command_history')`)
      .map((r) => r.name)
      .filter((n) => targetColumns.has(n));
  } catch (e) {
    logger.warn(`recovery: the damaged file's table list cannot be read (${describe(e)})`);
    return 0;
  }
  if (!columns.includes('id')) return 0;
  const list = columns.map((c) => `"${c}"`).join(', ');
  const select = `SELECT rowid AS __rid, ${list} FROM command_history WHERE rowid > ? ORDER BY rowid LIMIT ?`;
  const insert = `INSERT OR IGNORE INTO command_history (${list}) VALUES (${columns.map(() => '?').join(', ')})`;
  // One transaction for the whole copy: one sync to disk, and all or nothing.
  return target.transaction(() => copyReadable(source, target, select, insert, columns));
}

function copyReadable(source: SqliteDatabase, target: SqliteDatabase, select: string, insert: string, columns: readonly string[]): number {
  let after = 0;
  let jump = 1;
  let limit = CHUNK;
  let copied = 0;
  for (;;) {
    let rows: Record<string, unknown>[] = [];
    try {
      rows = source.all<Record<string, unknown>>(select, [after, limit]);
    } catch {
      if (limit > 1) {
        limit = 1; // read the rows before the damaged part one by one
        continue;
      }
      if (jump > MAX_JUMP) break;
      after += jump;
      jump *= 2;
      continue;
    }
    if (rows.length === 0) break;
    jump = 1;
    limit = CHUNK;
    for (const r of rows) copied += target.run(insert, columns.map((c) => r[c] as string | number | null));
    after = Number(rows[rows.length - 1]?.__rid ?? after);
  }
  return copied;
}

/** Remembers a replacement in the (new) store; the table exists only in stores that were ever replaced. */
export function recordReplacement(db: SqliteDatabase, r: StoreReplacement): void {
  db.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (moved_to TEXT NOT NULL, replaced_at INTEGER NOT NULL, recovered INTEGER NOT NULL, reason TEXT NOT NULL)`);
  db.run(`INSERT INTO ${TABLE} (moved_to, replaced_at, recovered, reason) VALUES (?, ?, ?, ?)`, [r.movedTo, r.at, r.recovered, r.reason]);
}

/** Corrects the recovered count of a recorded replacement (rows that turned out unreadable were removed). */
export function updateRecoveredCount(db: SqliteDatabase, r: StoreReplacement): void {
  db.run(`UPDATE ${TABLE} SET recovered = ? WHERE moved_to = ? AND replaced_at = ?`, [r.recovered, r.movedTo, r.at]);
}

/** The latest replacement of this store, if it ever was one. */
export function lastReplacement(db: SqliteDatabase): StoreReplacement | undefined {
  if (!db.get(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?`, [TABLE])) return undefined;
  const row = db.get<{ moved_to: string; replaced_at: number; recovered: number; reason: string }>(
    `SELECT moved_to, replaced_at, recovered, reason FROM ${TABLE} ORDER BY rowid DESC LIMIT 1`,
  );
  if (!row) return undefined;
  const reason = row.reason === 'empty' || row.reason === 'notSqlite' ? row.reason : 'damaged';
  return { movedTo: row.moved_to, at: row.replaced_at, recovered: row.recovered, reason };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : 'error';
}
