import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, PreparedStatement, SqlValue } from '@sqlite.org/sqlite-wasm';
import { CaroError, isCaroError } from '../model/errors';
import type { Logger } from '../util/logger';
import { lockDirFor } from './fileLock';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { loadSqlite, NODE_FS_VFS_NAME } from './sqliteRuntime';
import { isAbandonedEmptyFile, isShorterThanHeaderSays } from './fileHealth';
import { recordReplacement, recoverCommandRows, type StoreReplacement } from './storeRecovery';

export type SqlParam = string | number | bigint | boolean | null | undefined | Uint8Array;
/** Positional (`?`) parameters, or named ones with their prefix (`{ ':id': 1 }`). */
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;

export interface OpenOptions {
  /** How long a statement waits for another process's lock before failing with 'databaseBusy'. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_NOTADB = 26;
const SQLITE_IOERR = 10;
const SQLITE_READONLY = 8;
const SQLITE_CANTOPEN = 14;

/**
 * One connection to a SQLite file through sqlite-wasm and the node:fs VFS (DELETE journal, synchronous=FULL,
 * cross-process dot-lock). Synchronous API; prepared statements are cached per SQL text.
 * Errors: SQLite "busy" → CaroError 'databaseBusy'; "corrupt"/"not a database" → CaroError 'corruptDatabase'.
 */
export class SqliteDatabase {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly columnNames = new Map<string, string[]>();
  private depth = 0;
  private closed = false;
  /** Set by openCaroDatabase when an unreadable file was moved aside to open a fresh one. */
  movedAsideTo: string | undefined;
  /** Set with movedAsideTo: why, and how many commands were recovered from the old file. */
  replacement: StoreReplacement | undefined;

  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {}

  static async open(filePath: string, opts: OpenOptions = {}): Promise<SqliteDatabase> {
    const db = await SqliteDatabase.openRaw(filePath, opts);
    try {
      db.configureDurability();
    } catch (e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** Opens without touching the file (no journal-mode change): callers inspect it, then configureDurability(). */
  static async openRaw(filePath: string, opts: OpenOptions = {}): Promise<SqliteDatabase> {
    const sqlite3 = await loadSqlite();
    const abs = path.resolve(filePath);
    let raw: Database;
    try {
      raw = new sqlite3.oo1.DB({ filename: abs, flags: 'c', vfs: NODE_FS_VFS_NAME });
    } catch (e) {
      throw translateError(e, abs);
    }
    const db = new SqliteDatabase(raw, abs);
    // busy_timeout must come before anything that takes a lock (journal_mode included), else a second
    // process gets SQLITE_BUSY right away while the first one writes.
    db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    return db;
  }

  configureDurability(): void {
    this.get('PRAGMA journal_mode = DELETE');
    this.run('PRAGMA synchronous = FULL');
  }

  /** Rowid of the last row this connection inserted. */
  lastInsertRowid(): number {
    return Number(this.get<{ r: number | bigint }>('SELECT last_insert_rowid() AS r')?.r ?? 0);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: SqlParams): number {
    const stmt = this.prepare(sql);
    try {
      bindParams(stmt, params);
      stmt.step();
    } catch (e) {
      throw translateError(e, this.path);
    } finally {
      resetQuietly(stmt);
    }
    return this.db.changes();
  }

  get<T>(sql: string, params?: SqlParams): T | undefined {
    const stmt = this.prepare(sql);
    try {
      bindParams(stmt, params);
      return stmt.step() ? (this.rowObject(sql, stmt) as T) : undefined;
    } catch (e) {
      throw translateError(e, this.path);
    } finally {
      resetQuietly(stmt);
    }
  }

  all<T>(sql: string, params?: SqlParams): T[] {
    const stmt = this.prepare(sql);
    const rows: T[] = [];
    try {
      bindParams(stmt, params);
      while (stmt.step()) rows.push(this.rowObject(sql, stmt) as T);
      return rows;
    } catch (e) {
      throw translateError(e, this.path);
    } finally {
      resetQuietly(stmt);
    }
  }

  /** Streams rows as positional arrays (cheaper than objects for large scans). */
  forEachRow(sql: string, params: SqlParams | undefined, fn: (row: SqlValue[]) => void): void {
    const stmt = this.prepare(sql);
    try {
      bindParams(stmt, params);
      while (stmt.step()) fn(stmt.get([]));
    } catch (e) {
      throw translateError(e, this.path);
    } finally {
      resetQuietly(stmt);
    }
  }

  /** Runs a script of several statements (migrations). */
  exec(sql: string): void {
    this.assertOpen();
    try {
      this.db.exec(sql);
    } catch (e) {
      throw translateError(e, this.path);
    }
  }

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE: the write lock is taken up front, so it never fails half-way with
   * "busy"). Nested calls become savepoints. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen();
    const level = this.depth;
    const sp = `sp${level}`;
    this.run(level === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${sp}`);
    this.depth++;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new Error('SqliteDatabase.transaction() needs a synchronous function');
      }
    } catch (e) {
      this.depth--;
      try {
        if (level === 0) this.run('ROLLBACK');
        else {
          this.run(`ROLLBACK TO ${sp}`);
          this.run(`RELEASE ${sp}`);
        }
      } catch {
        // the original error matters more
      }
      throw e;
    }
    this.depth--;
    try {
      this.run(level === 0 ? 'COMMIT' : `RELEASE ${sp}`);
    } catch (e) {
      if (level === 0) {
        try {
          this.run('ROLLBACK');
        } catch {
          // already rolled back
        }
      }
      throw e;
    }
    return result;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.statements.values()) {
      try {
        s.finalize();
      } catch {
        // ignore
      }
    }
    this.statements.clear();
    this.columnNames.clear();
    this.db.close();
  }

  /**
   * Row as an object. Built from get([]) with the column names read once per statement: oo1's get({}) looks every
   * column name up again for every row (measured 4-5x slower).
   */
  private rowObject(sql: string, stmt: PreparedStatement): Record<string, SqlValue> {
    let names = this.columnNames.get(sql);
    if (!names) {
      names = stmt.getColumnNames();
      this.columnNames.set(sql, names);
    }
    const values = stmt.get([]);
    const row: Record<string, SqlValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i] as SqlValue;
    return row;
  }

  private prepare(sql: string): PreparedStatement {
    this.assertOpen();
    let stmt = this.statements.get(sql);
    if (!stmt) {
      try {
        stmt = this.db.prepare(sql);
      } catch (e) {
        throw translateError(e, this.path);
      }
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new CaroError('internal', 'The history database was already closed.', 'Reload the window and try again.');
    }
  }
}

/** reset() re-reports the last step's error; the step already threw it (translated). */
function resetQuietly(stmt: PreparedStatement): void {
  try {
    stmt.reset();
  } catch {
    // already reported by step()
  }
}

function bindParams(stmt: PreparedStatement, params: SqlParams | undefined): void {
  if (params === undefined) return;
  if (Array.isArray(params)) {
    if (params.length === 0) return;
    stmt.bind((params as readonly SqlParam[]).map(toSql));
    return;
  }
  const out: Record<string, SqlValue> = {};
  for (const [k, v] of Object.entries(params as Record<string, SqlParam>)) out[k] = toSql(v);
  stmt.bind(out);
}

function toSql(v: SqlParam): SqlValue {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function resultCodeOf(e: unknown): number | undefined {
  const rc = (e as { resultCode?: unknown } | undefined)?.resultCode;
  return typeof rc === 'number' ? rc & 0xff : undefined;
}

export function translateError(e: unknown, dbPath: string): unknown {
  if (isCaroError(e)) return e;
  const rc = resultCodeOf(e);
  if (rc === SQLITE_BUSY || rc === SQLITE_LOCKED) {
    return new CaroError(
      'databaseBusy',
      'The history database is in use by another VS Code window or Caro History process and did not become free in time.',
      'Try again in a moment. If it keeps happening, close other windows that use Caro History.',
      { cause: e },
    );
  }
  if (rc === SQLITE_CORRUPT || rc === SQLITE_NOTADB) {
    fs.rmSync(checkedMarker(dbPath), { force: true }); // the next open runs the full check
    return new CaroError(
      'corruptDatabase',
      `The history file ${dbPath} is damaged or is not a Caro History database.`,
      'Reload the window: Caro History moves the damaged file aside (it is kept, not deleted) and starts a fresh history.',
      { cause: e },
    );
  }
  if (rc === SQLITE_FULL) {
    return new CaroError('internal', 'The disk holding the history file is full; the command was not saved.',
      `Free some disk space on the drive that holds ${path.dirname(dbPath)}.`, { cause: e });
  }
  if (rc === SQLITE_CANTOPEN || rc === SQLITE_READONLY) {
    return new CaroError('internal', `The history file ${dbPath} cannot be opened for writing.`,
      `Check that the folder ${path.dirname(dbPath)} exists and that you may write to it, then reload the window.`, { cause: e });
  }
  if (rc === SQLITE_IOERR) {
    return new CaroError('internal', `Reading or writing the history file ${dbPath} failed.`,
      'Check that the drive is available and writable, then try again.', { cause: e });
  }
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Caro's database: migrations, newer-version refusal, corrupt-file recovery.

const SQLITE_HEADER = 'SQLite format 3\0';

export interface CaroDatabaseOptions extends OpenOptions {
  /**
   * `PRAGMA quick_check` on open (corruption found → file moved aside). 'auto' (default): when there is a sign of
   * trouble (a journal or lock left behind by a crash, a corruption error seen since the last check) or the last
   * clean check is more than a day old — a full check costs ~0.2-2 s at 100 000 rows, too much for every start.
   */
  checkIntegrity?: 'auto' | 'always' | 'never' | boolean;
  /** For the moved-aside file name; defaults to Date.now(). */
  now?: () => number;
}

/**
 * Opens (creating if needed) the history database at `dbPath` and brings its schema up to date.
 * - A file written by a newer Caro History (schema version above ours): CaroError 'newerDatabase'; the file is not
 *   modified.
 * - A file that is not SQLite, or fails the integrity check: renamed to `<name>.corrupt-<timestamp>` (with its
 *   journal), never deleted; a fresh database is opened and `db.movedAsideTo` tells the caller where the old one went.
 */
export async function openCaroDatabase(
  dbPath: string,
  logger: Logger,
  opts: CaroDatabaseOptions = {},
): Promise<SqliteDatabase> {
  const abs = path.resolve(dbPath);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  } catch (e) {
    throw new CaroError('internal', `Caro History cannot create its data folder ${path.dirname(abs)}.`,
      'Check that the parent folder exists and that you may write to it, then reload the window.', { cause: e });
  }
  const now = opts.now ?? Date.now;
  let replaced: Omit<StoreReplacement, 'recovered'> | undefined;
  if (isAbandonedEmptyFile(abs, now)) {
    replaced = { movedTo: moveAside(abs, now), at: now(), reason: 'empty' };
    logger.warn(`History file was empty (0 bytes); moved aside to ${replaced.movedTo}`);
  } else if (!looksLikeSqlite(abs)) {
    replaced = { movedTo: moveAside(abs, now), at: now(), reason: 'notSqlite' };
    logger.warn(`History file was not a SQLite database; moved aside to ${replaced.movedTo}`);
  }
  let db: SqliteDatabase;
  try {
    db = await openAndMigrate(abs, opts);
  } catch (e) {
    if (!isCaroError(e, 'corruptDatabase') || replaced) throw e;
    replaced = { movedTo: moveAside(abs, now), at: now(), reason: 'damaged' };
    logger.warn(`History file failed its integrity check; moved aside to ${replaced.movedTo}`);
    db = await openAndMigrate(abs, opts);
  }
  if (replaced) {
    const recovered = replaced.reason === 'damaged' ? await recoverFrom(replaced.movedTo, db, logger) : 0;
    const record: StoreReplacement = { ...replaced, recovered };
    try {
      recordReplacement(db, record);
    } catch (e) {
      logger.warn(`could not note the store replacement (${e instanceof Error ? e.message : 'error'})`);
    }
    db.movedAsideTo = record.movedTo;
    db.replacement = record;
  }
  return db;
}

/** Copies the readable rows of the damaged file (opened without its journal) into the fresh store. */
async function recoverFrom(damaged: string, db: SqliteDatabase, logger: Logger): Promise<number> {
  let source: SqliteDatabase | undefined;
  try {
    source = await SqliteDatabase.openRaw(damaged, { busyTimeoutMs: 0 });
    // Lets SQLite read a file shorter than its header says (truncated) instead of refusing it as a whole.
    source.run('PRAGMA writable_schema = ON');
    const n = recoverCommandRows(source, db, logger);
    logger.warn(`recovered ${n} commands from the damaged history file`);
    return n;
  } catch (e) {
    logger.warn(`no commands could be recovered from the damaged history file (${e instanceof Error ? e.message : 'error'})`);
    return 0;
  } finally {
    try {
      source?.close();
    } catch {
      // the copy is what matters
    }
    // Reading the damaged copy may leave its marker/lock next to it; the copy itself is kept.
    fs.rmSync(lockDirFor(damaged), { recursive: true, force: true });
  }
}



async function openAndMigrate(abs: string, opts: CaroDatabaseOptions): Promise<SqliteDatabase> {
  // Before the first read: that read rolls back a hot journal and breaks a stale lock, erasing the evidence.
  const check = shouldCheckIntegrity(abs, opts);
  const db = await SqliteDatabase.openRaw(abs, opts);
  try {
    const version = readUserVersion(db);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new CaroError(
        'newerDatabase',
        `The history file ${abs} was written by a newer version of Caro History (format ${version}; this version reads up to ${LATEST_SCHEMA_VERSION}). It was left unchanged.`,
        'Update Caro History to the latest version on this computer.',
      );
    }
    if (version > 0 && check) {
      const rows = db.all<{ quick_check: string }>('PRAGMA quick_check');
      const ok = rows.length === 1 && rows[0]?.quick_check === 'ok';
      if (!ok) {
        throw new CaroError('corruptDatabase', `The history file ${abs} failed its integrity check.`,
          'It will be moved aside and a fresh history started.');
      }
      writeCheckedMarker(abs, opts.now ?? Date.now);
    }
    db.configureDurability();
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

const CHECK_INTERVAL_MS = 24 * 3600_000;

/** `<db>.checked`: when the last quick_check passed. Deleted when a corruption error is seen (translateError). */
function checkedMarker(abs: string): string {
  return `${abs}.checked`;
}

function shouldCheckIntegrity(abs: string, opts: CaroDatabaseOptions): boolean {
  const mode = opts.checkIntegrity ?? 'auto';
  if (mode === false || mode === 'never') return false;
  if (mode === true || mode === 'always') return true;
  const journal = fs.statSync(`${abs}-journal`, { throwIfNoEntry: false });
  if (journal && journal.size > 0) return true; // a crash mid-transaction (rolled back on first read)
  if (fs.existsSync(lockDirFor(abs))) return true; // a lock left by a killed process
  if (isShorterThanHeaderSays(abs)) return true; // cut off (a copy or a sync tool that stopped half-way)
  try {
    const at = Number(fs.readFileSync(checkedMarker(abs), 'utf8'));
    const now = (opts.now ?? Date.now)();
    return !(Number.isFinite(at) && at <= now && now - at < CHECK_INTERVAL_MS);
  } catch {
    return true;
  }
}

function writeCheckedMarker(abs: string, now: () => number): void {
  try {
    fs.writeFileSync(checkedMarker(abs), String(now()));
  } catch {
    // only an optimisation: the next open checks again
  }
}

function readUserVersion(db: SqliteDatabase): number {
  return db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
}

/** Applies every migration above the file's `user_version`, each in its own transaction with its version bump. */
export function migrate(db: SqliteDatabase): number {
  if (readUserVersion(db) >= LATEST_SCHEMA_VERSION) return readUserVersion(db);
  for (const m of MIGRATIONS) {
    db.transaction(() => {
      // Re-read inside the write lock: another window may have migrated meanwhile.
      const current = readUserVersion(db);
      if (current >= m.version) return;
      if (current !== m.version - 1) {
        throw new CaroError('internal', `History schema step ${m.version} cannot follow step ${current}.`,
          'Update Caro History; if that does not help, report this problem.');
      }
      db.exec(m.sql);
      db.run(`PRAGMA user_version = ${m.version}`);
    });
  }
  return readUserVersion(db);
}

function looksLikeSqlite(abs: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw new CaroError('corruptDatabase', `The history file ${abs} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Check the file permissions of that file and its folder, then reload the window.', { cause: e });
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return true;
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === SQLITE_HEADER;
  } finally {
    fs.closeSync(fd);
  }
}

function moveAside(abs: string, now: () => number): string {
  const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let target = `${abs}.corrupt-${stamp}`;
  for (let i = 2; fs.existsSync(target); i++) target = `${abs}.corrupt-${stamp}-${i}`;
  fs.renameSync(abs, target);
  // A journal left next to it belongs to the damaged file; applied to the fresh one it would corrupt it.
  const journal = `${abs}-journal`;
  if (fs.existsSync(journal)) fs.renameSync(journal, `${target}-journal`);
  fs.rmSync(checkedMarker(abs), { force: true });
  return target;
}
