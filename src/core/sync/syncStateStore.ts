/**
 * The sync engine's own bookkeeping, in the same SQLite file as the history (the local store is the source of truth;
 * Jazz keeps no client-side storage). Tables are created by this module with CREATE TABLE IF NOT EXISTS, so they do
 * not need a numbered store migration:
 *
 *   sync_engine_state  (key TEXT PRIMARY KEY, value TEXT)         device id, next batch sequence, paused flag, …
 *   sync_engine_cursor (feed_id, session_id, applied)               how many items of each Jazz session log are applied
 *   sync_engine_pref   (key, value, updated_at, device_id)          last-writer-wins preference register (decision 12)
 *
 * No secret is ever written here: keys and the phrase live only in the KeyVault.
 */
import type { SqlParam } from '../store/database';

/** The subset of the store's SqliteDatabase the engine uses. */
export interface SyncDatabase {
  run(sql: string, params?: readonly SqlParam[]): unknown;
  get<T>(sql: string, params?: readonly SqlParam[]): T | undefined;
  all<T>(sql: string, params?: readonly SqlParam[]): T[];
  transaction<T>(fn: () => T): T;
}

export interface PreferenceRegister {
  key: string;
  /** JSON value. */
  value: unknown;
  updatedAt: number;
  deviceId: string;
}

export type StateKey =
  | 'deviceId'
  | 'deviceName'
  | 'nextSequence'
  | 'paused'
  | 'relayUrl'
  | 'accountId'
  | 'newerSchemaWarned'
  | 'firstSyncDone'
  | 'lastSyncAt'
  | 'stopReason'
  /** Synced records skipped because they failed the checks, in total. */
  | 'rejectedRecords';

export class SyncStateStore {
  constructor(private readonly db: SyncDatabase) {
    db.run(`CREATE TABLE IF NOT EXISTS sync_engine_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.run(
      `CREATE TABLE IF NOT EXISTS sync_engine_cursor (feed_id TEXT NOT NULL, session_id TEXT NOT NULL,
        applied INTEGER NOT NULL, PRIMARY KEY (feed_id, session_id))`,
    );
    db.run(
      `CREATE TABLE IF NOT EXISTS sync_engine_pref (key TEXT PRIMARY KEY, value TEXT NOT NULL,
        updated_at INTEGER NOT NULL, device_id TEXT NOT NULL)`,
    );
  }

  get(key: StateKey): string | undefined {
    return this.db.get<{ value: string }>(`SELECT value FROM sync_engine_state WHERE key = ?`, [key])?.value;
  }

  set(key: StateKey, value: string | number | boolean | undefined): void {
    if (value === undefined) {
      this.db.run(`DELETE FROM sync_engine_state WHERE key = ?`, [key]);
    } else {
      this.db.run(
        `INSERT INTO sync_engine_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        [key, String(value)],
      );
    }
  }

  getNumber(key: StateKey): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  cursors(): Map<string, number> {
    const map = new Map<string, number>();
    for (const row of this.db.all<{ feed_id: string; session_id: string; applied: number }>(
      `SELECT feed_id, session_id, applied FROM sync_engine_cursor`,
    )) {
      map.set(`${row.feed_id} ${row.session_id}`, row.applied);
    }
    return map;
  }

  saveCursors(cursors: ReadonlyMap<string, number>): void {
    this.db.transaction(() => {
      for (const [k, applied] of cursors) {
        const [feedId, sessionId] = k.split(' ');
        this.db.run(
          `INSERT INTO sync_engine_cursor (feed_id, session_id, applied) VALUES (?, ?, ?)
           ON CONFLICT(feed_id, session_id) DO UPDATE SET applied = MAX(applied, excluded.applied)`,
          [feedId, sessionId, applied],
        );
      }
    });
  }

  preferences(): PreferenceRegister[] {
    return this.db
      .all<{ key: string; value: string; updated_at: number; device_id: string }>(
        `SELECT key, value, updated_at, device_id FROM sync_engine_pref ORDER BY key`,
      )
      .map((r) => ({ key: r.key, value: safeJson(r.value), updatedAt: r.updated_at, deviceId: r.device_id }));
  }

  savePreference(p: PreferenceRegister): void {
    this.db.run(
      `INSERT INTO sync_engine_pref (key, value, updated_at, device_id) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
       device_id = excluded.device_id`,
      [p.key, JSON.stringify(p.value), p.updatedAt, p.deviceId],
    );
  }

  /** Forget everything tied to the sync identity (leave / reset / rotate). The device id stays. */
  clearIdentityState(): void {
    this.db.transaction(() => {
      this.db.run(`DELETE FROM sync_engine_cursor`);
      this.db.run(`DELETE FROM sync_engine_state WHERE key NOT IN ('deviceId', 'deviceName')`);
    });
  }

  clearCursors(): void {
    this.db.run(`DELETE FROM sync_engine_cursor`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
