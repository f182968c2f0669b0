import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { isCaroError } from '../../src/core/model/errors';
import { SqliteDatabase, openCaroDatabase } from '../../src/core/store/database';
import { DotLock } from '../../src/core/store/fileLock';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/core/store/migrations';
import { MemoryLogger, silentLogger } from '../../src/core/util/logger';

const SPEC_TABLES = ['command_history', 'devices', 'sync_identity', 'sync_preferences', 'sync_queue'];
const SPEC_COMMAND_COLUMNS = [
  'id', 'prompt', 'command', 'explanation', 'executed', 'success', 'exit_code', 'execution_time_ms', 'working_dir',
  'shell_type', 'platform', 'safety_level', 'safety_warnings', 'device_id', 'created_at', 'updated_at', 'synced_at',
  'deleted_at', 'schema_version',
];

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function insertRow(db: SqliteDatabase, id: string, createdAt: number): void {
  db.run(
    'INSERT INTO command_history (id, prompt, command, safety_level, device_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [id, '', 'x', 'safe', 'd', createdAt, createdAt],
  );
}

describe('store: SQLite file through sqlite-wasm and the node:fs VFS', () => {
  let dir: string;
  let dbPath: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-store-'));
    dbPath = path.join(dir, 'nested', 'history.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('migrates from zero to exactly the spec tables plus the documented product columns and indexes', async () => {
    const db = await openCaroDatabase(dbPath, silentLogger);
    assert.equal(db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, LATEST_SCHEMA_VERSION);
    assert.equal(db.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode, 'delete');
    assert.equal(db.get<{ synchronous: number }>('PRAGMA synchronous')?.synchronous, 2, 'synchronous=FULL');
    const tables = db
      .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .map((r) => r.name);
    assert.deepEqual(tables, SPEC_TABLES);
    const cols = db.all<{ name: string }>('PRAGMA table_info(command_history)').map((r) => r.name);
    assert.deepEqual(cols, [...SPEC_COMMAND_COLUMNS, 'tags', 'session_id', 'workspace', 'low_confidence']);
    const indexes = db
      .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .map((r) => r.name);
    assert.deepEqual(indexes, [
      'idx_command_history_created',
      'idx_command_history_deleted',
      'idx_command_history_live_created',
      'idx_command_history_synced',
      'idx_sync_queue_entity',
      'idx_sync_queue_pending',
    ]);
    insertRow(db, 'a', 1);
    db.close();
    assert.equal(fs.existsSync(`${dbPath}.lock`), false, 'no lock left after close');
    assert.deepEqual(fs.readdirSync(path.dirname(dbPath)), ['history.db'], 'no journal or claim folders left');

    // It is a normal SQLite file: native SQLite reads it.
    const native = new Database(dbPath, { readonly: true });
    try {
      assert.equal((native.prepare('SELECT count(*) AS n FROM command_history').get() as { n: number }).n, 1);
      assert.equal(native.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      native.close();
    }
  });

  it('migrations are numbered 1..N without gaps', () => {
    assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
    assert.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length);
  });

  it('upgrades a version-1 file in place and keeps its rows', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const native = new Database(dbPath);
    native.exec(MIGRATIONS[0]?.sql ?? '');
    native.pragma('user_version = 1');
    native.prepare(
      "INSERT INTO command_history (id, prompt, command, safety_level, device_id, created_at, updated_at) VALUES ('old', '', 'c', 'safe', 'd', 5, 5)",
    ).run();
    native.close();
    const db = await openCaroDatabase(dbPath, silentLogger);
    try {
      assert.equal(db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, LATEST_SCHEMA_VERSION);
      assert.deepEqual(db.get('SELECT id, workspace, low_confidence FROM command_history'), { id: 'old', workspace: null, low_confidence: 0 });
    } finally {
      db.close();
    }
  });

  it('refuses a file from a newer version with newerDatabase and leaves every byte unchanged', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const native = new Database(dbPath);
    native.pragma('journal_mode = DELETE');
    native.exec('CREATE TABLE future (x)');
    native.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    native.close();
    const before = fs.readFileSync(dbPath);
    const mtime = fs.statSync(dbPath).mtimeMs;
    await assert.rejects(openCaroDatabase(dbPath, silentLogger), (e: unknown) => {
      assert.ok(isCaroError(e, 'newerDatabase'));
      assert.match(e.message, /newer version of Caro History/);
      assert.match(e.action ?? '', /Update Caro History/);
      return true;
    });
    assert.ok(fs.readFileSync(dbPath).equals(before), 'bytes unchanged');
    assert.equal(fs.statSync(dbPath).mtimeMs, mtime);
    assert.deepEqual(fs.readdirSync(path.dirname(dbPath)), ['history.db'], 'nothing created or moved');
  });

  it('moves a file that is not SQLite aside (never deletes it) and opens a fresh store', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const garbage = Buffer.from('this is not a database, but someone\'s notes: keep me\n'.repeat(100));
    fs.writeFileSync(dbPath, garbage);
    fs.writeFileSync(`${dbPath}-journal`, 'stale journal of the damaged file');
    const logger = new MemoryLogger();
    const db = await openCaroDatabase(dbPath, logger, { now: () => Date.UTC(2026, 10, 25, 14, 3, 7) });
    try {
      assert.equal(db.movedAsideTo, `${dbPath}.corrupt-20261125T140307Z`);
      assert.ok(fs.readFileSync(db.movedAsideTo ?? '').equals(garbage), 'moved file keeps its content');
      assert.ok(fs.existsSync(`${db.movedAsideTo}-journal`), 'its journal moved with it');
      assert.equal(db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, LATEST_SCHEMA_VERSION);
      insertRow(db, 'fresh', 1);
      assert.ok(logger.lines.some((l) => l.includes('moved aside')));
    } finally {
      db.close();
    }
  });

  it('moves a SQLite file that fails its integrity check aside and opens a fresh store', async () => {
    const db = await openCaroDatabase(dbPath, silentLogger);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insertRow(db, `row-${i}-${'p'.repeat(40)}`, i);
    });
    db.close();
    // Damage b-tree pages in the middle of the file (keep the header intact).
    const fd = fs.openSync(dbPath, 'r+');
    const size = fs.fstatSync(fd).size;
    const pageSize = 8192;
    for (let p = 3; p * pageSize < size - pageSize; p += 4) fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, p * pageSize);
    fs.closeSync(fd);
    const damaged = fs.readFileSync(dbPath);

    const fresh = await openCaroDatabase(dbPath, silentLogger);
    try {
      assert.ok(fresh.movedAsideTo, 'damaged file moved aside');
      assert.ok(fs.readFileSync(fresh.movedAsideTo).equals(damaged));
      // The rows on undamaged pages were copied into the fresh store (and only genuine rows).
      const n = fresh.get<{ n: number }>('SELECT count(*) AS n FROM command_history')?.n ?? 0;
      assert.equal(fresh.replacement?.recovered, n);
      assert.ok(n > 0 && n < 3000, `recovered ${n}`);
      const bad = fresh.all<{ id: string }>(`SELECT id FROM command_history WHERE id NOT GLOB 'row-*-${'p'.repeat(40)}'`);
      assert.deepEqual(bad, []);
    } finally {
      fresh.close();
    }
  });

  it('a folder it may not write to gives a plain CaroError naming the folder', async function () {
    if (process.getuid?.() === 0) this.skip(); // root may write anywhere
    const ro = path.join(dir, 'readonly');
    fs.mkdirSync(ro, { mode: 0o500 });
    await assert.rejects(openCaroDatabase(path.join(ro, 'sub', 'history.db'), silentLogger), (e: unknown) => {
      assert.ok(isCaroError(e, 'internal'));
      assert.match(e.message, /cannot create its data folder/);
      return true;
    });
  });

  it('a blocker file where the data folder should be gives a plain CaroError', async () => {
    fs.writeFileSync(path.join(dir, 'blocker'), 'x');
    await assert.rejects(openCaroDatabase(path.join(dir, 'blocker', 'history.db'), silentLogger), (e: unknown) => {
      assert.ok(isCaroError(e, 'internal'));
      assert.match(e.message, /cannot create its data folder .*blocker/);
      assert.match(e.action ?? '', /you may write to it/);
      return true;
    });
  });

  it('checks integrity on open only when useful: no recent clean check, a crash left traces, or corruption was seen', async () => {
    let now = Date.UTC(2026, 0, 1);
    const opts = { now: () => now };
    const db = await openCaroDatabase(dbPath, silentLogger, opts);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insertRow(db, `row-${i}-${'p'.repeat(40)}`, i);
    });
    db.close();
    const marker = `${dbPath}.checked`;
    assert.equal(fs.existsSync(marker), false, 'a brand-new file needs no check');
    (await openCaroDatabase(dbPath, silentLogger, opts)).close();
    assert.equal(fs.readFileSync(marker, 'utf8'), String(now), 'first reopen checks and records it');

    // Damage pages the next open's own queries do not read.
    const fd = fs.openSync(dbPath, 'r+');
    const size = fs.fstatSync(fd).size;
    for (let p = 3; p * 8192 < size - 8192; p += 4) fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, p * 8192);
    fs.closeSync(fd);
    now += 3600_000;
    const quick = await openCaroDatabase(dbPath, silentLogger, opts);
    assert.equal(quick.movedAsideTo, undefined, 'checked an hour ago: not checked again on this start');
    assert.throws(() => quick.all('SELECT * FROM command_history'), (e: unknown) => isCaroError(e, 'corruptDatabase'));
    quick.close();
    assert.equal(fs.existsSync(marker), false, 'seeing corruption drops the marker');
    const recovered = await openCaroDatabase(dbPath, silentLogger, opts);
    assert.ok(recovered.movedAsideTo, 'next open checks, finds it and moves the file aside');
    recovered.close();

    // A lock left by a crashed process forces the check even right after a clean one.
    (await openCaroDatabase(dbPath, silentLogger, opts)).close();
    (await openCaroDatabase(dbPath, silentLogger, opts)).close();
    fs.writeFileSync(marker, String(now));
    fs.mkdirSync(`${dbPath}.lock`);
    fs.writeFileSync(path.join(`${dbPath}.lock`, 'owner'), `${os.hostname()}:${deadPid()}`);
    now += 1000;
    (await openCaroDatabase(dbPath, silentLogger, opts)).close();
    assert.equal(fs.readFileSync(marker, 'utf8'), String(now), 'checked because of the stale lock');
  });

  it('answers latest-N from the composite (deleted_at, created_at DESC) index without sorting', async () => {
    const db = await openCaroDatabase(dbPath, silentLogger);
    try {
      db.transaction(() => {
        for (let i = 0; i < 500; i++) insertRow(db, `r${i}`, i);
      });
      db.run('ANALYZE');
      const plan = db
        .all<{ detail: string }>(
          'EXPLAIN QUERY PLAN SELECT * FROM command_history WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 100',
        )
        .map((r) => r.detail)
        .join(' | ');
      assert.match(plan, /USING INDEX idx_command_history_live_created/);
      assert.doesNotMatch(plan, /TEMP B-TREE/);
    } finally {
      db.close();
    }
  });

  it('transaction() commits, rolls back on throw, and nests as savepoints', async () => {
    const db = await SqliteDatabase.open(path.join(dir, 'plain.db'));
    try {
      db.run('CREATE TABLE t (x INTEGER)');
      db.transaction(() => db.run('INSERT INTO t VALUES (1)'));
      assert.throws(() => db.transaction(() => {
        db.run('INSERT INTO t VALUES (2)');
        throw new Error('boom');
      }), /boom/);
      db.transaction(() => {
        db.run('INSERT INTO t VALUES (3)');
        assert.throws(() => db.transaction(() => {
          db.run('INSERT INTO t VALUES (4)');
          throw new Error('inner');
        }));
      });
      assert.deepEqual(db.all<{ x: number }>('SELECT x FROM t ORDER BY x').map((r) => r.x), [1, 3]);
      assert.equal(db.inTransaction, false);
    } finally {
      db.close();
    }
  });

  it('reports databaseBusy (with what to do) while another live process holds the lock, then recovers when it dies', async function () {
    this.timeout(10_000);
    const db = await SqliteDatabase.open(path.join(dir, 'busy.db'), { busyTimeoutMs: 150 });
    db.run('CREATE TABLE t (x)');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const lockDir = path.join(dir, 'busy.db.lock');
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), `${os.hostname()}:${other.pid}`);
      assert.throws(() => db.run('INSERT INTO t VALUES (1)'), (e: unknown) => {
        assert.ok(isCaroError(e, 'databaseBusy'));
        assert.match(e.action ?? '', /Try again/);
        return true;
      });
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
      db.run('INSERT INTO t VALUES (1)'); // the dead owner's lock is broken
      assert.equal(db.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n, 1);
    } finally {
      other.kill('SIGKILL');
      db.close();
    }
  });
});

describe('store: DotLock', () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-lock-'));
    db = path.join(dir, 'x.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is exclusive between handles and records host:pid as owner', () => {
    const a = new DotLock(db);
    const b = new DotLock(db);
    assert.ok(a.tryAcquire());
    assert.equal(fs.readFileSync(path.join(`${db}.lock`, 'owner'), 'utf8'), `${os.hostname()}:${process.pid}`);
    assert.equal(b.tryAcquire(), false, 'same-process second handle waits (owner alive)');
    a.release();
    assert.ok(b.tryAcquire());
    b.dispose();
    a.dispose();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('breaks a lock whose owner process is dead', () => {
    fs.mkdirSync(`${db}.lock`);
    fs.writeFileSync(path.join(`${db}.lock`, 'owner'), `${os.hostname()}:${deadPid()}`);
    const l = new DotLock(db);
    assert.ok(l.tryAcquire());
    assert.equal(fs.readFileSync(path.join(`${db}.lock`, 'owner'), 'utf8'), l.owner);
    l.dispose();
  });

  it('never breaks a lock of a live process or of another host', () => {
    const l = new DotLock(db);
    fs.mkdirSync(`${db}.lock`);
    fs.writeFileSync(path.join(`${db}.lock`, 'owner'), `some-other-host:${deadPid()}`);
    assert.equal(l.tryAcquire(), false);
    fs.writeFileSync(path.join(`${db}.lock`, 'owner'), `${os.hostname()}:${process.ppid}`);
    assert.equal(l.tryAcquire(), false);
    l.dispose();
  });

  it('breaks an ownerless lock folder only once it is old (age fallback)', () => {
    const l = new DotLock(db, { ownerlessStaleMs: 10_000 });
    fs.mkdirSync(`${db}.lock`);
    assert.equal(l.tryAcquire(), false, 'young ownerless lock is respected');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${db}.lock`, old, old);
    assert.ok(l.tryAcquire(), 'old ownerless lock is broken');
    l.release();
    // Same with an owner file that was created but never written (killed in between).
    assert.equal(fs.existsSync(`${db}.lock`), false);
    fs.mkdirSync(`${db}.lock`);
    fs.writeFileSync(path.join(`${db}.lock`, 'owner'), '');
    assert.equal(l.tryAcquire(), false);
    fs.utimesSync(`${db}.lock`, old, old);
    assert.ok(l.tryAcquire());
    l.dispose();
  });

  it('cleans up claim folders left by dead processes', () => {
    const leftover = `${db}.lock.claim-${deadPid()}-1`;
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, 'owner'), 'x');
    const l = new DotLock(db);
    assert.equal(fs.existsSync(leftover), false);
    l.dispose();
  });
});
