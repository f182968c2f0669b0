import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { FieldCipher } from '../crypto/fieldCipher';
import type { KeyVault } from '../crypto/keyVault';
import { loadOrCreateLocalDataKey } from '../crypto/localDataKey';
import { CapturePipeline, MAX_COMMAND_BYTES, type PreparedCapture } from '../capture/capturePipeline';
import { normaliseCommandLine, utf8Bytes } from '../capture/normaliseCommand';
import type {
  CaptureOutcome,
  CapturedCommand,
  HistoryEntry,
  HistoryFilter,
  HistoryPage,
} from '../model/entry';
import { CaroError, isCaroError } from '../model/errors';
import { classifyRisk } from '../safety/risk';
import { redactSecrets } from '../safety/redact';
import type { Settings } from '../settings/settings';
import { type SqliteDatabase, openCaroDatabase } from '../store/database';
import { lastReplacement, updateRecoveredCount, type StoreReplacement } from '../store/storeRecovery';
import { systemClock, type Clock } from '../util/clock';
import { Emitter, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import type { HistoryApi, HistoryChange, HistoryStats, ImportProgress, ImportResult } from './historyApi';
import {
  COLUMNS,
  type CommandRow,
  ENTITY,
  ENTRY_SCHEMA_VERSION,
  INSERT_SQL,
  LATEST_SQL,
  asRisk,
  decodeRow,
  encodeEntry,
  rowsAsJsonSql,
  rowsFromJson,
} from './historyRecordCodec';
import type { HistorySyncPort, PendingUpload, RemoteApplyResult } from './historySyncPort';
import { checkRemoteRecord } from './remoteRecordCheck';
import { type IndexItem, SearchIndex, riskRankOf } from './searchIndex';

export interface OpenHistoryOptions {
  dbPath: string;
  vault: KeyVault;
  deviceId: string;
  settings: () => Settings;
  logger: Logger;
  clock?: Clock;
  busyTimeoutMs?: number;
  /** The spec's limit on the local database (100 MB); smaller in tests. */
  maxDatabaseBytes?: number;
}

/** caro-data-model.md "Storage Limits": total local DB 100 MB, not configurable. */
export const MAX_DATABASE_BYTES = 100 * 1024 * 1024;

const DAY_MS = 86_400_000;
const INSERT_OR_IGNORE_SQL = INSERT_SQL.replace(/^INSERT INTO/, 'INSERT OR IGNORE INTO');
const QUEUE_SQL = `INSERT INTO sync_queue (operation, entity_type, entity_id, created_at) VALUES (?, '${ENTITY}', ?, ?)`;
const TOMBSTONE_SQL =
  `UPDATE command_history SET deleted_at = ?, updated_at = ?, prompt = '', command = '', explanation = NULL, safety_warnings = NULL, ` +
  `tags = NULL, synced_at = ? WHERE id = ? AND deleted_at IS NULL`;
const INDEX_COLUMNS_NO_ROWID = 'id, prompt, command, working_dir, workspace, device_id, session_id, success, safety_level, created_at';
const INDEX_COLUMNS = `rid, ${INDEX_COLUMNS_NO_ROWID}`;
const INDEX_CHUNK = 5000;
type IndexRow = [
  number, string, string, string, string | null, string | null, string, string | null, number | null, string, number,
];
const RETENTION_EVERY = 500;
const DECODED_CACHE = 2000;
const IMPORT_CHUNK = 500;

/**
 * Opens the encrypted history: loads (or creates) the local data key from the vault, opens/migrates the database
 * (moving a corrupt file aside; refusing a newer one) and checks that the key opens the stored rows.
 * Throws CaroError 'wrongKey' (nothing deleted), 'newerDatabase', 'databaseBusy', 'keyMissing'.
 */
export async function openHistory(opts: OpenHistoryOptions): Promise<HistoryService> {
  const key = await loadOrCreateLocalDataKey(opts.vault);
  const db = await openCaroDatabase(opts.dbPath, opts.logger, {
    ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
  });
  const cipher = new FieldCipher(key);
  try {
    if (db.replacement && db.replacement.recovered > 0) dropUnreadableRecovered(db, cipher, opts.logger);
    verifyKey(db, cipher);
  } catch (e) {
    db.close();
    throw e;
  }
  // Keyed, so an imported command's id (stored and synced in the clear) reveals nothing about the command.
  const importIdKey = hkdf(sha256, key.exposeBytes(), undefined, new TextEncoder().encode('caro-import-id-v1'), 32);
  const service = new HistoryService(db, cipher, opts, importIdKey);
  // Sync set up on this device (its identity is in the vault) → every way in queues for upload from the first write,
  // also when no sync engine runs in this process (the CLI's import, a capture before the engine has started).
  service.setQueueing((await opts.vault.get('syncIdentity')) !== undefined);
  try {
    await service.applyRetention();
  } catch (e) {
    opts.logger.warn(`history retention skipped: ${describe(e)}`);
  }
  return service;
}

/** Decrypts the newest stored commands; if none opens with this key, the key is not the one the file was written with. */
function verifyKey(db: SqliteDatabase, cipher: FieldCipher): void {
  const rows = db.all<{ id: string; command: string }>(
    `SELECT id, command FROM command_history WHERE deleted_at IS NULL AND command <> '' ORDER BY rowid DESC LIMIT 3`,
  );
  if (rows.length === 0) return;
  let failures = 0;
  for (const r of rows) {
    try {
      cipher.decrypt(ENTITY, r.id, 'command', r.command);
      return;
    } catch (e) {
      if (isCaroError(e, 'decryptionFailed')) failures++;
    }
  }
  if (failures === rows.length) {
    throw new CaroError(
      'wrongKey',
      `The command history in ${db.path} was encrypted with a different key than the one in this computer's keychain, so it cannot be read. Nothing was deleted.`,
      'If the system keychain was reset or restored, restore the previous keychain and reload the window. To start a fresh history instead, rename that file (Caro History keeps using the new key), then re-join sync with your recovery phrase to get synced commands back.',
    );
  }
}

/**
 * Rows copied out of a damaged file that do not decrypt are junk from broken pages: they are removed from the new
 * store (the damaged file keeps them) and the recovered count says how many commands really came back. When no row
 * decrypts at all, the key is the problem, not the rows: nothing is removed and verifyKey reports it.
 */
function dropUnreadableRecovered(db: SqliteDatabase, cipher: FieldCipher, logger: Logger): void {
  const rows = db.all<CommandRow>(`SELECT ${COLUMNS} FROM command_history`);
  const bad: string[] = [];
  for (const r of rows) {
    try {
      decodeRow(cipher, r);
    } catch (e) {
      if (!isCaroError(e)) throw e;
      bad.push(r.id);
    }
  }
  if (bad.length === 0 || bad.length === rows.length) return;
  db.run('DELETE FROM command_history WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(bad)]);
  const replacement = db.replacement;
  if (replacement) {
    replacement.recovered = rows.length - bad.length;
    updateRecoveredCount(db, replacement);
  }
  logger.warn(`recovery: ${bad.length} rows from the damaged file could not be decrypted and were left in it`);
}

function describe(e: unknown): string {
  if (isCaroError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.name : 'error';
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * A stable id for an imported shell-history line, so importing the same file twice on this device adds nothing.
 * HMAC with a key derived from the local data key: a plain hash of the command would let anyone who sees the id (the
 * relay) test guesses of the command, secrets included.
 */
function importId(key: Uint8Array, cmd: CapturedCommand, occurrence: number): string {
  const h = hmac(sha256, key, new TextEncoder().encode(`${cmd.startedAt}|${occurrence}|${cmd.commandLine}`));
  const hex = Array.from(h.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  // RFC 9562 layout, version 8 (custom), variant 10.
  const v = `8${hex.slice(13, 16)}`;
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${variant}-${hex.slice(20, 32)}`;
}

export class HistoryService implements HistoryApi, HistorySyncPort {
  private readonly changeEmitter = new Emitter<HistoryChange>();
  readonly onDidChange: Event<HistoryChange> = this.changeEmitter.event;
  private readonly pipeline: CapturePipeline;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly deviceId: string;
  private readonly settings: () => Settings;
  private index: SearchIndex | undefined;
  private indexBuild: Promise<void> | undefined;
  private dataVersion = -1;
  private lastExternalCheck = 0;
  private queueing = false;
  private pausedFlag = false;
  private recordsSinceRetention = 0;
  private readonly warnedIds = new Set<string>();
  private readonly decoded = new Map<string, HistoryEntry>();
  private closed = false;
  private readonly maxDatabaseBytes: number;
  /** Commands removed because the database reached its size limit (since this store was opened). */
  sizeLimitRemoved = 0;

  constructor(
    readonly db: SqliteDatabase,
    private readonly cipher: FieldCipher,
    opts: OpenHistoryOptions,
    private readonly importIdKey: Uint8Array,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.deviceId = opts.deviceId;
    this.settings = opts.settings;
    this.pipeline = new CapturePipeline(opts.settings);
    this.maxDatabaseBytes = opts.maxDatabaseBytes ?? MAX_DATABASE_BYTES;
  }

  /** Where an unreadable history file was moved when this store was opened (tell the user), if that happened. */
  get movedAsideTo(): string | undefined {
    return this.db.movedAsideTo;
  }

  /** Problems with the current capture settings (invalid exclude patterns), in plain words. */
  get settingsProblems(): readonly string[] {
    return this.pipeline.settingsProblems;
  }

  get skippedTooLarge(): number {
    return this.pipeline.skippedTooLarge;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  setPaused(paused: boolean): void {
    this.pausedFlag = paused;
  }

  // ---------------------------------------------------------------------------------------------- capture

  async record(command: CapturedCommand): Promise<CaptureOutcome> {
    const r = this.pipeline.prepare(command, { paused: this.pausedFlag, mode: 'live' });
    if (!r.ok) return { stored: false, reason: r.reason, ...(r.detail !== undefined ? { detail: r.detail } : {}) };
    const entry = this.entryFromPrepared(r.prepared, newId());
    try {
      this.insertNew([entry], false);
    } catch (e) {
      this.pipeline.forgetRecent(command); // a retry of this same event must not count as a duplicate
      throw e;
    }
    this.changeEmitter.fire({ kind: 'added', ids: [entry.id], origin: 'local' });
    if (++this.recordsSinceRetention >= RETENTION_EVERY) {
      this.recordsSinceRetention = 0;
      setTimeout(() => {
        if (!this.closed) this.applyRetention().catch((e: unknown) => this.logger.warn(`retention failed: ${describe(e)}`));
      }, 0).unref?.();
    }
    return { stored: true, entry, redactions: r.prepared.redactions };
  }

  private entryFromPrepared(p: PreparedCapture, id: string): HistoryEntry {
    const c = p.source;
    const now = this.clock.now();
    const createdAt = Number.isFinite(c.startedAt) ? Math.round(c.startedAt) : now;
    const entry: HistoryEntry = {
      id,
      command: p.command,
      prompt: p.prompt,
      tags: p.tags,
      executed: true,
      riskLevel: p.riskLevel,
      warnings: p.warnings,
      deviceId: this.deviceId,
      createdAt,
      updatedAt: now,
      schemaVersion: ENTRY_SCHEMA_VERSION,
    };
    if (p.explanation !== undefined) entry.explanation = p.explanation;
    if (typeof c.exitCode === 'number' && Number.isFinite(c.exitCode)) {
      entry.exitCode = c.exitCode;
      entry.success = c.exitCode === 0;
    }
    if (typeof c.endedAt === 'number' && c.endedAt >= createdAt) entry.durationMs = c.endedAt - createdAt;
    if (c.cwd) entry.workingDir = c.cwd;
    if (c.shell) entry.shell = c.shell;
    if (c.platform) entry.platform = c.platform;
    if (c.sessionId) entry.sessionId = c.sessionId;
    if (c.workspace) entry.workspace = c.workspace;
    if (p.lowConfidence) entry.lowConfidence = true;
    return entry;
  }

  /**
   * Inserts new rows (and their queue rows when queueing is on) in one transaction. With `ignoreDuplicates`, ids that
   * already exist are skipped; returns the entries actually inserted.
   */
  private insertNew(entries: readonly HistoryEntry[], ignoreDuplicates: boolean): HistoryEntry[] {
    const inserted: HistoryEntry[] = [];
    const sql = ignoreDuplicates ? INSERT_OR_IGNORE_SQL : INSERT_SQL;
    const now = this.clock.now();
    const encoded = entries.map((e) => encodeEntry(this.cipher, e));
    const rowids: number[] = [];
    const write = (): void => {
      entries.forEach((e, i) => {
        const changed = this.db.run(sql, encoded[i]);
        if (changed === 0) return;
        rowids.push(this.db.lastInsertRowid());
        if (this.queueing) this.db.run(QUEUE_SQL, [e.deletedAt === undefined ? 'create' : 'delete', e.id, now]);
        inserted.push(e);
      });
    };
    if (entries.length === 1 && !this.queueing) write();
    else this.db.transaction(write);
    this.indexEntries(inserted, rowids);
    return inserted;
  }

  /** Adds live entries to the search index (if built) in one merge: a large sync backfill stays linear. */
  private indexEntries(entries: readonly HistoryEntry[], rowids: readonly number[]): void {
    const idx = this.index;
    if (!idx) return;
    const items: IndexItem[] = [];
    entries.forEach((e, i) => {
      if (e.deletedAt === undefined) items.push(this.toIndexItem(idx, e, rowids[i] ?? 0));
    });
    if (items.length === 1) idx.add(items[0] as IndexItem);
    else idx.addMany(items);
  }

  private toIndexItem(idx: SearchIndex, e: HistoryEntry, rowid: number): IndexItem {
    return {
      rowid,
      id: e.id,
      text: idx.intern(searchText(e.command, e.prompt)) ?? '',
      createdAt: e.createdAt,
      workingDir: idx.intern(e.workingDir),
      workspace: idx.intern(e.workspace),
      deviceId: idx.intern(e.deviceId) ?? e.deviceId,
      sessionId: idx.intern(e.sessionId),
      success: e.success,
      risk: riskRankOf(e.riskLevel),
      dead: false,
    };
  }

  // ---------------------------------------------------------------------------------------------- reads

  async latest(limit: number): Promise<HistoryEntry[]> {
    const n = clampLimit(limit);
    const rows = rowsFromJson(this.db.get<{ j: string | null }>(LATEST_SQL, [n])?.j);
    return this.decodeRows(rows);
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    const row = this.db.get<CommandRow>(`SELECT ${COLUMNS} FROM command_history WHERE id = ? AND deleted_at IS NULL`, [id]);
    return row ? this.decodeRows([row])[0] : undefined;
  }

  async search(filter: HistoryFilter, offset: number, limit: number): Promise<HistoryPage> {
    const idx = await this.ensureIndex();
    const { ids, total } = idx.search(filter, Math.max(0, Math.floor(offset) || 0), clampLimit(limit));
    return { items: this.fetchByIds(ids), total };
  }

  private selectRows(from: string, orderBy: string, params: readonly (string | number)[]): CommandRow[] {
    return rowsFromJson(this.db.get<{ j: string | null }>(rowsAsJsonSql(from, orderBy), params)?.j);
  }

  private fetchByIds(ids: readonly string[]): HistoryEntry[] {
    if (ids.length === 0) return [];
    const rows = this.selectRows('FROM command_history WHERE id IN (SELECT value FROM json_each(?))', 'rid', [
      JSON.stringify(ids),
    ]);
    const byId = new Map(this.decodeRows(rows).map((e) => [e.id, e]));
    return ids.map((id) => byId.get(id)).filter((e): e is HistoryEntry => e !== undefined);
  }

  /** Decodes rows; a row that does not decrypt is left out (and logged once by id), never deleted. */
  private decodeRows(rows: readonly CommandRow[]): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (const r of rows) {
      const cached = this.decoded.get(r.id);
      if (cached && cached.updatedAt === r.updated_at && (cached.syncedAt ?? null) === r.synced_at &&
        (cached.deletedAt ?? null) === r.deleted_at) {
        out.push({ ...cached });
        continue;
      }
      try {
        const entry = decodeRow(this.cipher, r);
        this.remember(entry);
        out.push({ ...entry });
      } catch (e) {
        if (!isCaroError(e)) throw e;
        if (!this.warnedIds.has(r.id)) {
          this.warnedIds.add(r.id);
          this.logger.warn(`history entry ${r.id} could not be decrypted (${e.code}); it is kept but not shown`);
        }
      }
    }
    return out;
  }

  /**
   * Recently decoded entries, so the views' repeated "latest 100" decrypts only what is new. A cached entry is used only
   * while its row's updated_at / synced_at / deleted_at are unchanged (the row is still read from SQL every time).
   */
  private remember(entry: HistoryEntry): void {
    this.decoded.delete(entry.id);
    this.decoded.set(entry.id, entry);
    if (this.decoded.size > DECODED_CACHE) {
      const oldest = this.decoded.keys().next();
      if (!oldest.done) this.decoded.delete(oldest.value);
    }
  }

  /**
   * Builds the in-memory search index on first use (in chunks, yielding between them so the host stays responsive;
   * concurrent searches share one build); afterwards picks up other processes' writes.
   */
  private async ensureIndex(): Promise<SearchIndex> {
    for (;;) {
      if (this.closed) throw new CaroError('internal', 'The history was already closed.', 'Reload the window and try again.');
      const idx = this.index;
      if (idx && !this.indexBuild) {
        if (this.refreshFromOtherProcesses(idx)) return idx;
        this.index = undefined; // could not follow incrementally: rebuild
        continue;
      }
      if (!this.indexBuild) {
        const fresh = new SearchIndex();
        this.index = fresh;
        this.dataVersion = this.readDataVersion();
        this.lastExternalCheck = this.clock.now();
        this.indexBuild = this.buildIndex(fresh).then(
          () => {
            this.indexBuild = undefined;
          },
          (e: unknown) => {
            this.indexBuild = undefined;
            if (this.index === fresh) this.index = undefined;
            throw e;
          },
        );
      }
      await this.indexBuild;
    }
  }

  private async buildIndex(idx: SearchIndex): Promise<void> {
    let after = 0;
    for (;;) {
      if (this.closed || this.index !== idx) return;
      const last = this.loadIndexChunk(idx, after);
      if (last === undefined) return;
      after = last;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Loads up to INDEX_CHUNK live rows with rowid > `after` into the index (one JSON text per chunk: crossing the wasm
   * boundary per column per row was measured 10x slower). Returns the last rowid read, or undefined when none.
   */
  private loadIndexChunk(idx: SearchIndex, after: number): number | undefined {
    const json = this.db.get<{ j: string | null }>(
      `SELECT json_group_array(json_array(${INDEX_COLUMNS}) ORDER BY rid) AS j FROM (SELECT rowid AS rid, ${INDEX_COLUMNS_NO_ROWID}
       FROM command_history WHERE deleted_at IS NULL AND rowid > ? ORDER BY rowid LIMIT ${INDEX_CHUNK})`,
      [after],
    )?.j;
    const rows = json ? (JSON.parse(json) as IndexRow[]) : [];
    if (rows.length === 0) return undefined;
    const items: IndexItem[] = [];
    for (const [rowid, id, prompt, command, workingDir, workspace, deviceId, sessionId, success, level, createdAt] of rows) {
      let text: string;
      try {
        const cmd = command === '' ? '' : this.cipher.decrypt(ENTITY, id, 'command', command);
        const pr = prompt === '' ? '' : this.cipher.decrypt(ENTITY, id, 'prompt', prompt);
        text = searchText(cmd, pr);
      } catch (e) {
        if (!isCaroError(e)) throw e;
        if (!this.warnedIds.has(id)) {
          this.warnedIds.add(id);
          this.logger.warn(`history entry ${id} could not be decrypted (${e.code}); it is kept but not searchable`);
        }
        continue;
      }
      items.push({
        rowid,
        id,
        text: idx.intern(text) ?? text,
        createdAt,
        workingDir: idx.intern(workingDir ?? undefined),
        workspace: idx.intern(workspace ?? undefined),
        deviceId: idx.intern(deviceId) ?? deviceId,
        sessionId: idx.intern(sessionId ?? undefined),
        success: success === null ? undefined : success === 1,
        risk: riskRankOf(asRisk(level)),
        dead: false,
      });
    }
    idx.addMany(items);
    return rows[rows.length - 1]?.[0];
  }

  private readDataVersion(): number {
    return this.db.get<{ data_version: number }>('PRAGMA data_version')?.data_version ?? 0;
  }

  /**
   * `PRAGMA data_version` changes only when another connection (another window, the CLI) committed. New rows and
   * deletions are applied incrementally; returns false when the index must be rebuilt (e.g. rows hard-deleted).
   */
  private refreshFromOtherProcesses(idx: SearchIndex): boolean {
    const dv = this.readDataVersion();
    if (dv === this.dataVersion) return true;
    this.dataVersion = dv;
    const since = this.lastExternalCheck - 5 * 60_000;
    this.lastExternalCheck = this.clock.now();
    let after: number | undefined = idx.maxRowid;
    while (after !== undefined) after = this.loadIndexChunk(idx, after);
    for (const r of this.db.all<{ id: string }>(
      'SELECT id FROM command_history WHERE deleted_at IS NOT NULL AND updated_at >= ?', [since])) {
      idx.remove(r.id);
    }
    const live = this.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history WHERE deleted_at IS NULL')?.n ?? 0;
    return live === idx.size;
  }

  // ---------------------------------------------------------------------------------------------- deletes

  async delete(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const deleted: string[] = [];
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const id of unique) {
        if (this.db.run(TOMBSTONE_SQL, [now, now, null, id]) === 0) continue;
        if (this.queueing) this.db.run(QUEUE_SQL, ['delete', id, now]);
        deleted.push(id);
      }
    });
    for (const id of deleted) {
      this.index?.remove(id);
      this.decoded.delete(id);
    }
    if (deleted.length) this.changeEmitter.fire({ kind: 'deleted', ids: deleted, origin: 'local' });
    return deleted;
  }

  async clear(): Promise<number> {
    const now = this.clock.now();
    let n = 0;
    this.db.transaction(() => {
      if (this.queueing) {
        this.db.run(
          `INSERT INTO sync_queue (operation, entity_type, entity_id, created_at)
           SELECT 'delete', '${ENTITY}', id, ? FROM command_history WHERE deleted_at IS NULL ORDER BY created_at`,
          [now],
        );
      }
      n = this.db.run(
        `UPDATE command_history SET deleted_at = ?, updated_at = ?, prompt = '', command = '', explanation = NULL, safety_warnings = NULL,
         tags = NULL, synced_at = NULL WHERE deleted_at IS NULL`,
        [now, now],
      );
    });
    this.index?.clear();
    this.decoded.clear();
    if (n) this.changeEmitter.fire({ kind: 'cleared', ids: [], origin: 'local' });
    return n;
  }

  /**
   * Decision 17: entries older than `retentionDays`, and entries beyond the newest `maxCommands`, leave the history
   * (soft delete, content wiped, not propagated: every device applies its own retention). Tombstones are then removed
   * for good once past the retention period, unless a sync upload for them is still pending. Returns how many
   * entries left the history.
   */
  async applyRetention(): Promise<number> {
    const s = this.settings();
    const days = Number.isFinite(s.retentionDays) && s.retentionDays > 0 ? s.retentionDays : 90;
    const max = Number.isFinite(s.maxCommands) && s.maxCommands > 0 ? Math.floor(s.maxCommands) : 10_000;
    const now = this.clock.now();
    const cutoff = now - days * DAY_MS;
    let pruned: string[] = [];
    let hard = 0;
    this.db.transaction(() => {
      const ids = new Set<string>();
      for (const r of this.db.all<{ id: string }>(
        'SELECT id FROM command_history WHERE deleted_at IS NULL AND created_at < ?', [cutoff])) ids.add(r.id);
      for (const r of this.db.all<{ id: string }>(
        'SELECT id FROM command_history WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT -1 OFFSET ?', [max])) ids.add(r.id);
      pruned = [...ids];
      if (pruned.length) {
        this.db.run(
          `UPDATE command_history SET deleted_at = ?, updated_at = ?, prompt = '', command = '', explanation = NULL, safety_warnings = NULL,
           tags = NULL WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
          [now, now, JSON.stringify(pruned)],
        );
      }
      hard = this.db.run(
        `DELETE FROM command_history WHERE deleted_at IS NOT NULL AND (deleted_at < ? OR created_at < ?)
         AND NOT EXISTS (SELECT 1 FROM sync_queue q WHERE q.entity_type = '${ENTITY}' AND q.entity_id = command_history.id)`,
        [cutoff, cutoff],
      );
    });
    const bySize = this.enforceSizeLimit();
    if (bySize.length) pruned = [...pruned, ...bySize];
    for (const id of pruned) {
      this.index?.remove(id);
      this.decoded.delete(id);
    }
    if (pruned.length || hard) {
      this.logger.info(`retention: ${pruned.length} entries left the history, ${hard} tombstones removed`);
    }
    if (pruned.length) this.changeEmitter.fire({ kind: 'retention', ids: pruned, origin: 'local' });
    return pruned.length;
  }

  /** Enforces the database size limit now (e.g. right after a large import). Returns how many commands left. */
  async applySizeLimit(): Promise<number> {
    const ids = this.enforceSizeLimit();
    for (const id of ids) {
      this.index?.remove(id);
      this.decoded.delete(id);
    }
    if (ids.length) this.changeEmitter.fire({ kind: 'retention', ids, origin: 'local' });
    return ids.length;
  }

  /**
   * The spec's 100 MB limit on the local database: when the live data is over it, the oldest commands leave the history
   * (down to 90% of the limit, so it does not happen again at the next command), their rows are removed for good unless
   * an upload is pending, and the file is compacted. `sizeLimitRemoved` tells the caller to say so.
   */
  private enforceSizeLimit(): string[] {
    const limit = this.maxDatabaseBytes;
    const pragma = (name: string): number => Number(this.db.get<Record<string, number>>(`PRAGMA ${name}`)?.[name] ?? 0);
    const used = (): number => (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
    if (used() <= limit) return [];
    const removed: string[] = [];
    // Each round removes the estimated excess (down to 90% of the limit) and compacts; a few rounds at most.
    for (let round = 0; round < 6 && used() > limit; round++) {
      const live = this.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history WHERE deleted_at IS NULL')?.n ?? 0;
      if (live === 0) break;
      const remove = Math.max(1, Math.min(live, Math.ceil(((used() - limit * 0.9) / used()) * live)));
      removed.push(...this.removeOldest(remove));
      this.db.run('VACUUM');
    }
    this.sizeLimitRemoved += removed.length;
    this.logger.warn(`the history reached the ${Math.round(limit / 1048576)} MB limit: the oldest ${removed.length} commands were removed`);
    return removed;
  }

  /** Removes the `n` oldest live commands for good (kept as content-free tombstones only while an upload is pending). */
  private removeOldest(n: number): string[] {
    const now = this.clock.now();
    let ids: string[] = [];
    this.db.transaction(() => {
      ids = this.db.all<{ id: string }>(
        'SELECT id FROM command_history WHERE deleted_at IS NULL ORDER BY created_at, rowid LIMIT ?', [n]).map((r) => r.id);
      const json = JSON.stringify(ids);
      this.db.run(
        `DELETE FROM command_history WHERE id IN (SELECT value FROM json_each(?))
         AND NOT EXISTS (SELECT 1 FROM sync_queue q WHERE q.entity_type = '${ENTITY}' AND q.entity_id = command_history.id)`,
        [json],
      );
      this.db.run(
        `UPDATE command_history SET deleted_at = ?, updated_at = ?, prompt = '', command = '', explanation = NULL, safety_warnings = NULL,
         tags = NULL WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
        [now, now, json],
      );
    });
    return ids;
  }

  // ---------------------------------------------------------------------------------------------- stats

  async stats(): Promise<HistoryStats> {
    const byRisk: Record<string, number> = { safe: 0, moderate: 0, high: 0, critical: 0 };
    let total = 0;
    let failed = 0;
    let withStatus = 0;
    for (const r of this.db.all<{ level: string; n: number; failed: number; known: number }>(
      `SELECT safety_level AS level, count(*) AS n, coalesce(sum(success = 0), 0) AS failed,
       count(success) AS known FROM command_history WHERE deleted_at IS NULL GROUP BY safety_level`)) {
      byRisk[r.level] = (byRisk[r.level] ?? 0) + r.n;
      total += r.n;
      failed += r.failed;
      withStatus += r.known;
    }
    const deleted = this.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history WHERE deleted_at IS NOT NULL')?.n ?? 0;
    const perDay: Record<string, number> = {};
    const perHour = new Array<number>(24).fill(0);
    const times = JSON.parse(
      this.db.get<{ j: string }>('SELECT json_group_array(created_at) AS j FROM command_history WHERE deleted_at IS NULL')?.j ?? '[]',
    ) as number[];
    for (const t of times) {
      const d = new Date(t);
      const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      perDay[day] = (perDay[day] ?? 0) + 1;
      perHour[d.getHours()] = (perHour[d.getHours()] ?? 0) + 1;
    }
    return {
      total,
      deleted,
      byRisk,
      failed,
      perDay,
      perHour,
      skippedTooLarge: this.pipeline.skippedTooLarge,
      failureRate: withStatus ? failed / withStatus : 0,
    };
  }

  /** Most used values first (then most recent), up to 200 each; computed from the search index. */
  async facets(): Promise<{ workspaces: string[]; directories: string[]; devices: string[]; sessions: string[] }> {
    return (await this.ensureIndex()).facets(200);
  }

  // ---------------------------------------------------------------------------------------------- import/export

  /**
   * Imports entries from a Caro export (already parsed and validated by transfer/exportFormat). Ids already present
   * (live or deleted) are skipped; entries that are not storable (empty, over 10 KB, broken text) are counted as
   * invalid. Text is passed through secret redaction again as a safety net.
   */
  async importEntries(entries: HistoryEntry[], progress: ImportProgress = {}): Promise<ImportResult> {
    const now = this.clock.now();
    const problems: string[] = [];
    let invalid = 0;
    let inserted = 0;
    let valid = 0;
    const keep = this.keepAfterRetention(entries.map((e) => (e && Number.isFinite(e.createdAt) ? e.createdAt : now)));
    let old = 0;
    const cancelled = await inChunks(entries.length, progress, (from, to) => {
      const chunk: HistoryEntry[] = [];
      for (let i = from; i < to; i++) {
        if (!keep[i]) {
          old++;
          continue;
        }
        const checked = this.checkImportedEntry(entries[i] as HistoryEntry, now);
        if (typeof checked === 'string') {
          invalid++;
          if (problems.length < 5) problems.push(`Entry ${i + 1}: ${checked}`);
        } else chunk.push(checked);
      }
      valid += chunk.length;
      inserted += this.insertNew(chunk, true).length;
    });
    if (inserted) this.changeEmitter.fire({ kind: 'imported', ids: [], origin: 'local' });
    return {
      imported: inserted,
      skippedDuplicates: valid - inserted,
      skippedInvalid: invalid,
      skippedOld: old,
      ...(problems.length ? { problems } : {}),
      ...(cancelled ? { cancelled: true } : {}),
    };
  }

  /**
   * Which of these (by creation time) would survive retention: not older than `retentionDays`, and among the newest
   * `maxCommands`. The others are never inserted, so a huge import leaves no rows to prune and no tombstones behind.
   */
  private keepAfterRetention(times: readonly number[]): boolean[] {
    const s = this.settings();
    const days = Number.isFinite(s.retentionDays) && s.retentionDays > 0 ? s.retentionDays : 90;
    const max = Number.isFinite(s.maxCommands) && s.maxCommands > 0 ? Math.floor(s.maxCommands) : 10_000;
    const cutoff = this.clock.now() - days * DAY_MS;
    const keep = times.map((t) => t >= cutoff);
    const recent = times.map((_, i) => i).filter((i) => keep[i]);
    if (recent.length > max) {
      recent.sort((a, b) => (times[b] as number) - (times[a] as number) || b - a);
      for (const i of recent.slice(max)) keep[i] = false;
    }
    return keep;
  }

  private checkImportedEntry(e: HistoryEntry, now: number): HistoryEntry | string {
    if (!e || typeof e !== 'object') return 'not an entry.';
    if (typeof e.id !== 'string' || e.id.trim() === '' || e.id.length > 200) return 'the id is missing or too long.';
    if (typeof e.command !== 'string') return 'the command is missing.';
    if (e.deletedAt !== undefined) return 'it is a deleted entry.';
    if (!Number.isFinite(e.createdAt)) return 'the time it was run is missing or invalid.';
    const norm = normaliseCommandLine(e.command);
    if (!norm.ok) return norm.detail;
    const prompt = typeof e.prompt === 'string' ? e.prompt : '';
    const explanation = typeof e.explanation === 'string' ? e.explanation : undefined;
    if (utf8Bytes(norm.text) + utf8Bytes(prompt) + utf8Bytes(explanation ?? '') > MAX_COMMAND_BYTES) {
      return 'the command is over 10 KB, which is not stored.';
    }
    const command = redactSecrets(norm.text).text;
    // Never trust a file's risk level: recomputed from the command every time.
    const risk = classifyRisk(command);
    const out: HistoryEntry = {
      id: e.id,
      command,
      prompt: prompt ? redactSecrets(prompt).text : '',
      tags: Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === 'string').map(redactText) : [],
      executed: e.executed !== false,
      riskLevel: risk.level,
      warnings: risk.warnings,
      deviceId: typeof e.deviceId === 'string' && e.deviceId ? redactText(e.deviceId) : this.deviceId,
      createdAt: e.createdAt,
      updatedAt: now,
      schemaVersion: ENTRY_SCHEMA_VERSION,
    };
    if (explanation) out.explanation = redactSecrets(explanation).text;
    if (typeof e.success === 'boolean') out.success = e.success;
    if (typeof e.exitCode === 'number' && Number.isFinite(e.exitCode)) out.exitCode = e.exitCode;
    if (typeof e.durationMs === 'number' && e.durationMs >= 0) out.durationMs = e.durationMs;
    for (const k of ['workingDir', 'shell', 'platform', 'sessionId', 'workspace'] as const) {
      const v = e[k];
      if (typeof v === 'string' && v !== '') out[k] = redactText(v);
    }
    if (e.lowConfidence === true) out.lowConfidence = true;
    return out;
  }

  /** Imports commands read from a bash/zsh/fish history file through the capture rules (exclude patterns, size, redaction, risk). */
  async importCaptured(cmds: CapturedCommand[], progress: ImportProgress = {}): Promise<ImportResult> {
    const seen = new Map<string, number>();
    const problems: string[] = [];
    let invalid = 0;
    let excluded = 0;
    let valid = 0;
    let inserted = 0;
    const keep = this.keepAfterRetention(cmds.map((c) => (Number.isFinite(c.startedAt) ? c.startedAt : this.clock.now())));
    let old = 0;
    const cancelled = await inChunks(cmds.length, progress, (from, to) => {
      const chunk: HistoryEntry[] = [];
      for (let i = from; i < to; i++) {
        const c = cmds[i] as CapturedCommand;
        if (!keep[i]) {
          old++;
          continue;
        }
        const r = this.pipeline.prepare(c, { paused: false, mode: 'import' });
        if (!r.ok) {
          if (r.reason === 'excluded') excluded++;
          else if (r.reason !== 'empty') {
            invalid++;
            if (problems.length < 5) problems.push(`Command ${i + 1}: ${r.detail ?? r.reason}`);
          }
          continue;
        }
        const key = `${c.startedAt}|${c.commandLine}`;
        const occurrence = seen.get(key) ?? 0;
        seen.set(key, occurrence + 1);
        chunk.push(this.entryFromPrepared(r.prepared, importId(this.importIdKey, c, occurrence)));
      }
      valid += chunk.length;
      inserted += this.insertNew(chunk, true).length;
    });
    if (inserted) this.changeEmitter.fire({ kind: 'imported', ids: [], origin: 'local' });
    return {
      imported: inserted,
      skippedDuplicates: valid - inserted,
      skippedInvalid: invalid,
      skippedExcluded: excluded,
      skippedOld: old,
      ...(problems.length ? { problems } : {}),
      ...(cancelled ? { cancelled: true } : {}),
    };
  }

  /** Every live entry, oldest first. Entries that cannot be decrypted are left out and logged. */
  async exportAll(): Promise<HistoryEntry[]> {
    const rows = this.selectRows('FROM command_history WHERE deleted_at IS NULL', 'created_at, rid', []);
    const out = this.decodeRows(rows);
    if (out.length < rows.length) {
      this.logger.warn(`export: ${rows.length - out.length} entries could not be decrypted and were left out`);
    }
    return out;
  }

  async doctor(): Promise<{
    path: string; schemaVersion: number; rows: number; deleted: number; integrity: string; bytes: number; pendingUploads: number;
    replacedStore: StoreReplacement | null;
  }> {
    const integrity = this.db.all<{ integrity_check: string }>('PRAGMA integrity_check').map((r) => r.integrity_check).join('; ');
    const count = (where: string): number =>
      this.db.get<{ n: number }>(`SELECT count(*) AS n FROM command_history WHERE ${where}`)?.n ?? 0;
    const pageCount = this.db.get<{ page_count: number }>('PRAGMA page_count')?.page_count ?? 0;
    const pageSize = this.db.get<{ page_size: number }>('PRAGMA page_size')?.page_size ?? 0;
    return {
      path: this.db.path,
      schemaVersion: this.db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0,
      rows: count('deleted_at IS NULL'),
      deleted: count('deleted_at IS NOT NULL'),
      integrity,
      bytes: pageCount * pageSize,
      pendingUploads: await this.pendingCount(),
      replacedStore: lastReplacement(this.db) ?? null,
    };
  }

  // ---------------------------------------------------------------------------------------------- sync port

  setQueueing(enabled: boolean): void {
    this.queueing = enabled;
  }

  async enqueueAllForUpload(): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(() =>
      this.db.run(
        `INSERT INTO sync_queue (operation, entity_type, entity_id, created_at)
         SELECT CASE WHEN h.deleted_at IS NULL THEN 'create' ELSE 'delete' END, '${ENTITY}', h.id, ?
         FROM command_history h
         WHERE NOT EXISTS (SELECT 1 FROM sync_queue q WHERE q.entity_type = '${ENTITY}' AND q.entity_id = h.id)
         ORDER BY h.created_at, h.rowid`,
        [now],
      ),
    );
  }

  async pendingUploads(limit: number): Promise<PendingUpload[]> {
    const n = Math.max(1, Math.min(10_000, Math.floor(limit) || 1));
    const out: PendingUpload[] = [];
    const orphans: number[] = [];
    this.db.transaction(() => {
      const queue = this.db.all<{ id: number; operation: string; entity_id: string }>(
        `SELECT id, operation, entity_id FROM sync_queue WHERE entity_type = '${ENTITY}' ORDER BY id LIMIT ?`, [n]);
      if (queue.length === 0) return;
      const rows = this.selectRows('FROM command_history WHERE id IN (SELECT value FROM json_each(?))', 'rid', [
        JSON.stringify(queue.map((q) => q.entity_id)),
      ]);
      const byId = new Map(this.decodeRows(rows).map((e) => [e.id, e]));
      for (const q of queue) {
        const entry = byId.get(q.entity_id);
        if (!entry) {
          orphans.push(q.id);
          continue;
        }
        out.push({ queueId: q.id, op: q.operation === 'delete' ? 'delete' : 'create', entry });
      }
    });
    if (orphans.length) {
      this.logger.warn(`sync queue: ${orphans.length} queued records no longer exist or cannot be decrypted; they stay queued`);
    }
    return out;
  }

  async markUploaded(queueIds: number[], at: number): Promise<void> {
    if (queueIds.length === 0) return;
    const json = JSON.stringify(queueIds);
    this.db.transaction(() => {
      this.db.run(
        `UPDATE command_history SET synced_at = ? WHERE id IN (SELECT entity_id FROM sync_queue
         WHERE entity_type = '${ENTITY}' AND id IN (SELECT value FROM json_each(?)))`,
        [at, json],
      );
      this.db.run('DELETE FROM sync_queue WHERE id IN (SELECT value FROM json_each(?))', [json]);
    });
  }

  async markAttemptFailed(queueIds: number[], error: string): Promise<void> {
    if (queueIds.length === 0) return;
    this.db.run(
      `UPDATE sync_queue SET attempts = attempts + 1, last_attempt_at = ?, error = ?
       WHERE id IN (SELECT value FROM json_each(?))`,
      [this.clock.now(), String(error).slice(0, 500), JSON.stringify(queueIds)],
    );
  }

  async pendingCount(): Promise<number> {
    return this.db.get<{ n: number }>(`SELECT count(*) AS n FROM sync_queue WHERE entity_type = '${ENTITY}'`)?.n ?? 0;
  }

  async applyRemote(entries: readonly unknown[]): Promise<RemoteApplyResult> {
    const now = this.clock.now();
    const s = this.settings();
    const cutoff = now - (Number.isFinite(s.retentionDays) && s.retentionDays > 0 ? s.retentionDays : 90) * DAY_MS;
    let inserted = 0;
    let deleted = 0;
    let skipped = 0;
    let rejected = 0;
    const problems: string[] = [];
    const reject = (reason: string): void => {
      rejected++;
      if (problems.length < 5) problems.push(reason);
    };
    const added: HistoryEntry[] = [];
    const addedRowids: number[] = [];
    const removed: string[] = [];
    // Every synced record passes the capture checks; one bad record is counted and skipped, never stops the rest.
    const work: { e: HistoryEntry; enc: (string | number | null)[] }[] = [];
    for (const raw of entries) {
      const checked = checkRemoteRecord(raw, this.pipeline, now);
      if (!checked.ok) {
        if (checked.kind === 'excluded') skipped++;
        else reject(checked.reason);
        continue;
      }
      try {
        work.push({ e: checked.entry, enc: encodeEntry(this.cipher, { ...checked.entry, syncedAt: now }) });
      } catch (err) {
        reject(`it could not be stored (${describe(err)})`);
      }
    }
    this.db.transaction(() => {
      for (const { e, enc } of work) {
        try {
          const existing = this.db.get<{ deleted_at: number | null }>('SELECT deleted_at FROM command_history WHERE id = ?', [e.id]);
          if (e.deletedAt !== undefined) {
            if (!existing) {
              this.db.run(INSERT_SQL, enc);
              deleted++;
            } else if (existing.deleted_at === null) {
              this.db.run(TOMBSTONE_SQL, [e.deletedAt, now, now, e.id]);
              removed.push(e.id);
              deleted++;
            } else skipped++;
            continue;
          }
          if (existing || e.createdAt < cutoff) {
            skipped++;
            continue;
          }
          this.db.run(INSERT_SQL, enc);
          added.push({ ...e, syncedAt: now });
          addedRowids.push(this.db.lastInsertRowid());
          inserted++;
        } catch (err) {
          // The store itself failing (busy, corrupt) stops this chunk, so the sync position is not saved past it.
          if (isCaroError(err, 'databaseBusy') || isCaroError(err, 'corruptDatabase')) throw err;
          reject(`it could not be stored (${describe(err)})`);
        }
      }
    });
    for (const id of removed) {
      this.index?.remove(id);
      this.decoded.delete(id);
    }
    this.indexEntries(added, addedRowids);
    if (inserted || deleted) {
      this.changeEmitter.fire({ kind: 'synced', ids: [...added.map((e) => e.id), ...removed], origin: 'remote' });
    }
    return { inserted, deleted, skipped, rejected, ...(problems.length ? { problems } : {}) };
  }

  /**
   * Another process (a second window of this device, the CLI) committed to the store: views reload what they show.
   * `ids` empty = anything may have changed; the search index follows on its next use (data_version).
   */
  announceExternalChange(): void {
    if (!this.closed) this.changeEmitter.fire({ kind: 'synced', ids: [], origin: 'local' });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.changeEmitter.dispose();
    this.index = undefined;
    this.decoded.clear();
    this.db.close();
  }
}

/**
 * Runs `work(from, to)` over [0, total) in IMPORT_CHUNK steps (each step is its own transaction), reporting progress
 * and yielding to the event loop between steps so a progress display can update and a cancel can arrive. Returns true
 * when cancelled (the steps already done stay imported).
 */
async function inChunks(total: number, progress: ImportProgress, work: (from: number, to: number) => void): Promise<boolean> {
  for (let from = 0; from < total; from += IMPORT_CHUNK) {
    if (progress.signal?.aborted) return true;
    const to = Math.min(total, from + IMPORT_CHUNK);
    work(from, to);
    progress.onProgress?.(to, total);
    if (to < total) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return false;
}

function redactText(v: string): string {
  return redactSecrets(v).text;
}

function searchText(command: string, prompt: string): string {
  return (prompt ? `${command}\n${prompt}` : command).toLowerCase();
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(1000, Math.floor(limit) || 1));
}
