/**
 * SQL migrations: numbered, APPEND-ONLY. Never edit or reorder a shipped entry; add a new one. The applied version is
 * recorded in the database file's `PRAGMA user_version`; a file above LATEST_SCHEMA_VERSION is refused untouched
 * (CaroError 'newerDatabase', see database.ts).
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'The data-model spec tables and indexes, verbatim (caro-data-model.md, "Local Storage Schema")',
    sql: `
CREATE TABLE command_history (
    id TEXT PRIMARY KEY,
    prompt TEXT NOT NULL,
    command TEXT NOT NULL,
    explanation TEXT,
    executed BOOLEAN DEFAULT FALSE,
    success BOOLEAN,
    exit_code INTEGER,
    execution_time_ms INTEGER,
    working_dir TEXT,
    shell_type TEXT,
    platform TEXT,
    safety_level TEXT NOT NULL,
    safety_warnings TEXT,
    device_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    synced_at INTEGER,
    deleted_at INTEGER,
    schema_version INTEGER DEFAULT 1
);
CREATE INDEX idx_command_history_created ON command_history(created_at DESC);
CREATE INDEX idx_command_history_synced ON command_history(synced_at);
CREATE INDEX idx_command_history_deleted ON command_history(deleted_at);

CREATE TABLE sync_identity (
    id TEXT PRIMARY KEY,
    account_id TEXT UNIQUE,
    device_id TEXT NOT NULL,
    device_name TEXT,
    key_id TEXT NOT NULL,
    salt BLOB NOT NULL,
    encrypted_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    last_sync_at INTEGER,
    sync_enabled BOOLEAN DEFAULT FALSE,
    recovery_phrase_hash TEXT
);

CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    device_name TEXT NOT NULL,
    platform TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    is_current BOOLEAN DEFAULT FALSE
);

CREATE TABLE sync_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload BLOB,
    created_at INTEGER NOT NULL,
    attempts INTEGER DEFAULT 0,
    last_attempt_at INTEGER,
    error TEXT
);
CREATE INDEX idx_sync_queue_pending ON sync_queue(attempts, created_at);

CREATE TABLE sync_preferences (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    synced_at INTEGER
);
`,
  },
  {
    version: 2,
    description:
      'Product columns and read indexes: tags (encrypted JSON array, the spec lists tags as an encrypted field but ' +
      'has no column), session_id (terminal), workspace (folder), low_confidence (VS Code reported a low-confidence ' +
      'command line); the composite live-history index that makes latest-N an index scan (EXPLAIN-checked in ' +
      'test/unit/store.test.ts); a queue lookup index by entity.',
    sql: `
ALTER TABLE command_history ADD COLUMN tags TEXT;
ALTER TABLE command_history ADD COLUMN session_id TEXT;
ALTER TABLE command_history ADD COLUMN workspace TEXT;
ALTER TABLE command_history ADD COLUMN low_confidence BOOLEAN DEFAULT FALSE;
CREATE INDEX idx_command_history_live_created ON command_history(deleted_at, created_at DESC);
CREATE INDEX idx_sync_queue_entity ON sync_queue(entity_type, entity_id);
`,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
