import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import * as esbuild from 'esbuild';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { openHistory } from '../../src/core/history/historyService';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { silentLogger } from '../../src/core/util/logger';

/**
 * Real processes, real files: a writer killed with SIGKILL at a random moment loses no committed row and leaves a
 * database that opens with integrity "ok"; two processes writing at once lose nothing; a lock left by a killed
 * process is broken.
 */
const ROOT = path.resolve(__dirname, '../..');
const WRITER = path.join(__dirname, 'helpers', 'storeWriter.ts');
const TRIALS = Number(process.env.CARO_KILL_TRIALS ?? 20);

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(line: string): Promise<void>;
  exited: Promise<number | null>;
}

let writerBundle: string | undefined;

/**
 * The writer is bundled once with esbuild (CJS, same import.meta.url shim as scripts/build.mjs) so each of the many
 * child processes starts in a fraction of the time tsx needs, and the crash tests run the shipped code shape.
 */
async function bundleWriter(dir: string): Promise<string> {
  const out = path.join(dir, 'writer', 'storeWriter.js');
  await esbuild.build({
    entryPoints: [WRITER],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  fs.copyFileSync(path.join(ROOT, 'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'), path.join(dir, 'writer', 'sqlite3.wasm'));
  return out;
}

function startWriter(dbPath: string, key: string, mode: string, count = 0, prefix = 'w'): Child {
  const script = writerBundle ?? WRITER;
  const nodeArgs = writerBundle ? [script] : ['--import', 'tsx', script];
  const proc = spawn(process.execPath, [...nodeArgs, dbPath, mode, String(count), prefix], {
    cwd: ROOT,
    env: { ...process.env, CARO_TEST_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? ''; // only complete lines count as "committed"
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.filter((x) => x.line === l)) w.resolve();
    }
  });
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    lines,
    exited,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        if (lines.includes(line)) return resolve();
        waiters.push({ line, resolve });
        void exited.then((code) => reject(new Error(`writer exited (${code}) before "${line}": ${stderr}`)));
      }),
  };
}

async function openWithKey(dbPath: string, key: string) {
  const vault = new MemoryKeyVault();
  await vault.set('localDataKey', key);
  return openHistory({
    dbPath,
    vault,
    deviceId: 'checker',
    settings: () => ({ ...DEFAULT_SETTINGS, maxCommands: 1_000_000, retentionDays: 365 }),
    logger: silentLogger,
  });
}

describe('store durability (child processes, real files)', function () {
  this.timeout(120_000);
  let dir: string;
  let bundleDir: string;
  const key = SecretKey.random().toVaultString();

  before(async () => {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-store-writer-'));
    writerBundle = await bundleWriter(bundleDir);
  });
  after(() => {
    writerBundle = undefined;
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-store-it-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`kill -9 at a random moment never loses a committed row (${TRIALS} trials)`, async () => {
    const dbPath = path.join(dir, 'history.db');
    let totalCommitted = 0;
    let staleLocksBroken = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const w = startWriter(dbPath, key, 'loop', 0, `t${trial}`);
      await w.waitFor('ready');
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 600)));
      w.proc.kill('SIGKILL');
      await w.exited;
      if (fs.existsSync(`${dbPath}.lock`)) staleLocksBroken++;

      const committedIds = w.lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3));
      const committedBatches = w.lines.filter((l) => l.startsWith('batch ')).map((l) => Number(l.slice(6)));
      totalCommitted += committedIds.length + committedBatches.length;

      const h = await openWithKey(dbPath, key);
      try {
        const integrity = h.db.all<{ integrity_check: string }>('PRAGMA integrity_check');
        assert.deepEqual(integrity, [{ integrity_check: 'ok' }], `trial ${trial}: integrity`);
        const present = new Set(h.db.all<{ id: string }>('SELECT id FROM command_history').map((r) => r.id));
        for (const id of committedIds) assert.ok(present.has(id), `trial ${trial}: committed row ${id} lost`);
        // A batch is one transaction: all of it or none of it.
        const prefix = `t${trial}-b`;
        const perBatch = new Map<string, number>();
        for (const id of present) {
          if (!id.startsWith(prefix)) continue;
          const b = id.slice(prefix.length).split('-')[0] ?? '';
          perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
        }
        for (const [b, n] of perBatch) assert.equal(n, 40, `trial ${trial}: batch ${b} is partial (${n}/40)`);
        for (const b of committedBatches) assert.equal(perBatch.get(String(b)), 40, `trial ${trial}: batch ${b} lost`);
        // Every committed row decrypts and is visible through the service.
        const latest = await h.latest(5);
        assert.ok(latest.length > 0 || committedIds.length === 0);
        // Every queued upload survived with its row (same transaction).
        const orphanQueue = h.db.get<{ n: number }>(
          'SELECT count(*) AS n FROM sync_queue q WHERE NOT EXISTS (SELECT 1 FROM command_history h WHERE h.id = q.entity_id)',
        );
        assert.equal(orphanQueue?.n, 0);
      } finally {
        h.close();
      }
    }
    assert.ok(totalCommitted > TRIALS, `the writers committed ${totalCommitted} times: kills came too early to test anything`);
    // Informational: how often the kill left a lock behind that the next open had to break.
    console.log(`      ${TRIALS} kills, ${totalCommitted} commits checked, ${staleLocksBroken} stale locks broken`);
  });

  it('two processes creating the store and writing 300 rows each at the same time: 600 rows, integrity ok', async () => {
    const dbPath = path.join(dir, 'history.db');
    // No file yet: both processes also race to create and migrate it.
    const a = startWriter(dbPath, key, 'count', 300, 'A');
    const b = startWriter(dbPath, key, 'count', 300, 'B');
    const [ca, cb] = await Promise.all([a.exited, b.exited]);
    assert.equal(ca, 0);
    assert.equal(cb, 0);
    assert.equal(a.lines.filter((l) => l.startsWith('ok ')).length, 300);
    assert.equal(b.lines.filter((l) => l.startsWith('ok ')).length, 300);
    const h = await openWithKey(dbPath, key);
    try {
      assert.deepEqual(h.db.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
      assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history')?.n, 600);
      assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM sync_queue')?.n, 600);
      const page = await h.search({ text: 'echo A ' }, 0, 1000);
      assert.equal(page.total, 300);
    } finally {
      h.close();
    }
    assert.equal(fs.existsSync(`${dbPath}.lock`), false, 'lock released after both writers closed');
  });

  it('a lock held by a process that was killed is broken, and its unfinished transaction rolled back', async () => {
    const dbPath = path.join(dir, 'history.db');
    const holder = startWriter(dbPath, key, 'hold');
    await holder.waitFor('holding');
    const owner = fs.readFileSync(path.join(`${dbPath}.lock`, 'owner'), 'utf8');
    assert.equal(owner, `${os.hostname()}:${holder.proc.pid}`);
    holder.proc.kill('SIGKILL');
    await holder.exited;
    assert.ok(fs.existsSync(`${dbPath}.lock`), 'the killed process left its lock behind');

    const h = await openWithKey(dbPath, key);
    try {
      const r = await h.record({ commandLine: 'echo after the crash', startedAt: Date.now() });
      assert.ok(r.stored);
      assert.equal(h.db.get("SELECT 1 AS x FROM sync_preferences WHERE key = 'held'"), undefined, 'uncommitted row rolled back');
      assert.deepEqual(h.db.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      h.close();
    }
    assert.equal(fs.existsSync(`${dbPath}.lock`), false);
  });
});
