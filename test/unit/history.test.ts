import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { SecretKey } from '../../src/core/crypto/secretKey';
import type { HistoryChange } from '../../src/core/history/historyApi';
import { LATEST_SQL } from '../../src/core/history/historyRecordCodec';
import { type HistoryService, openHistory } from '../../src/core/history/historyService';
import { type IndexItem, SearchIndex, fuzzyScore } from '../../src/core/history/searchIndex';
import type { CapturedCommand, HistoryEntry } from '../../src/core/model/entry';
import { isCaroError } from '../../src/core/model/errors';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings/settings';
import { FakeClock } from '../../src/core/util/clock';
import { MemoryLogger } from '../../src/core/util/logger';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

interface Ctx {
  dir: string;
  dbPath: string;
  vault: MemoryKeyVault;
  clock: FakeClock;
  settings: Settings;
  logger: MemoryLogger;
}

async function open(ctx: Ctx, deviceId = 'device-1'): Promise<HistoryService> {
  return openHistory({
    dbPath: ctx.dbPath,
    vault: ctx.vault,
    deviceId,
    settings: () => ctx.settings,
    logger: ctx.logger,
    clock: ctx.clock,
  });
}

function cmd(commandLine: string, extra: Partial<CapturedCommand> = {}): CapturedCommand {
  return { commandLine, startedAt: T0, exitCode: 0, ...extra };
}

describe('history service (real encrypted SQLite file)', () => {
  let ctx: Ctx;
  let h: HistoryService;

  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-history-'));
    ctx = {
      dir,
      dbPath: path.join(dir, 'history.db'),
      vault: new MemoryKeyVault(),
      clock: new FakeClock(T0 + 1000),
      settings: { ...DEFAULT_SETTINGS, excludePatterns: [] },
      logger: new MemoryLogger(),
    };
    h = await open(ctx);
  });
  afterEach(() => {
    h.close();
    fs.rmSync(ctx.dir, { recursive: true, force: true });
  });

  async function seed(): Promise<void> {
    const rows: [string, Partial<CapturedCommand>][] = [
      ['git status', { cwd: '/home/u/app', workspace: 'app', sessionId: 's1', startedAt: T0 - 5 * DAY }],
      ['git commit -m "fix login"', { cwd: '/home/u/app/src', workspace: 'app', sessionId: 's1', startedAt: T0 - 4 * DAY }],
      ['npm test', { cwd: '/home/u/app', workspace: 'app', sessionId: 's2', exitCode: 1, startedAt: T0 - 3 * DAY }],
      ['rm -rf /', { cwd: '/tmp', workspace: 'scratch', sessionId: 's3', exitCode: 1, startedAt: T0 - 2 * DAY }],
      ['git push --force origin main', { cwd: '/home/u/apple', workspace: 'app', sessionId: 's2', startedAt: T0 - DAY }],
      ['kubectl get pods', { cwd: '/home/u/ops', workspace: 'ops', sessionId: 's4', startedAt: T0 }],
    ];
    for (const [line, extra] of rows) {
      const r = await h.record(cmd(line, extra));
      assert.ok(r.stored, line);
    }
  }

  it('records through the capture path and returns newest first', async () => {
    const r = await h.record(cmd('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', { cwd: '/w', endedAt: T0 + 250 }));
    assert.ok(r.stored);
    if (!r.stored) return;
    assert.match(r.entry.command, /^export AWS_SECRET_ACCESS_KEY=\[REDACTED:[a-z-]+\]$/);
    assert.ok(r.redactions.length > 0);
    assert.equal(r.entry.durationMs, 250);
    assert.equal(r.entry.success, true);
    assert.equal(r.entry.deviceId, 'device-1');
    await h.record(cmd('ls', { startedAt: T0 + 10 }));
    const latest = await h.latest(10);
    assert.deepEqual(latest.map((e) => e.command), ['ls', r.entry.command]);
    assert.deepEqual(latest[1], r.entry);
    const skipped = await h.record(cmd(' secret stuff'));
    assert.deepEqual(skipped, { stored: false, reason: 'leadingSpace' });
  });

  it('stores prompt, command, explanation and tags encrypted (bound to row and column); nothing readable on disk', async () => {
    const marker = 'caro-plaintext-marker-7c1f';
    const r = await h.record(cmd(`echo ${marker}`, { prompt: `say ${marker}`, explanation: `prints ${marker}`, tags: [`${marker}-tag`] }));
    assert.ok(r.stored);
    const raw = h.db.get<Record<string, string>>('SELECT prompt, command, explanation, tags FROM command_history');
    for (const v of Object.values(raw ?? {})) {
      assert.ok(!v.includes(marker));
      assert.equal(Buffer.from(v, 'base64')[0], 0x01, 'v1 blob');
    }
    h.close();
    assert.ok(!fs.readFileSync(ctx.dbPath).includes(Buffer.from(marker)), 'no plaintext anywhere in the file');
    h = await open(ctx);
    const [e] = await h.latest(1);
    assert.equal(e?.prompt, `say ${marker}`);
    assert.equal(e?.explanation, `prints ${marker}`);
    assert.deepEqual(e?.tags, [`${marker}-tag`]);
  });

  it('risk warnings, which quote the command, are encrypted at rest too', async () => {
    const r = await h.record(cmd('dd if=/dev/zero of=/dev/sdb bs=1M'));
    assert.ok(r.stored);
    if (!r.stored) return;
    assert.equal(r.entry.riskLevel, 'critical');
    assert.ok(r.entry.warnings.some((w) => w.includes('/dev/sdb')));
    const raw = h.db.get<{ safety_warnings: string; safety_level: string }>('SELECT safety_warnings, safety_level FROM command_history');
    assert.ok(!raw?.safety_warnings.includes('/dev/sdb'));
    assert.equal(Buffer.from(raw?.safety_warnings ?? '', 'base64')[0], 0x01);
    assert.equal(raw?.safety_level, 'critical', 'the level stays plain (filters, sync merge)');
    assert.deepEqual((await h.latest(1))[0]?.warnings, r.entry.warnings);
  });

  it('a ciphertext moved to another row does not open: the row is hidden and logged, never deleted', async () => {
    await h.record(cmd('first'));
    await h.record(cmd('second', { startedAt: T0 + 1 }));
    const rows = h.db.all<{ id: string; command: string }>('SELECT id, command FROM command_history ORDER BY created_at');
    h.db.run('UPDATE command_history SET command = ? WHERE id = ?', [rows[1]?.command ?? '', rows[0]?.id ?? '']);
    const latest = await h.latest(10);
    assert.deepEqual(latest.map((e) => e.command), ['second']);
    assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history')?.n, 2, 'nothing deleted');
    const warning = ctx.logger.lines.find((l) => l.includes('could not be decrypted'));
    assert.ok(warning);
    assert.ok(!warning.includes('second') && !warning.includes('first'), 'log carries no command text');
  });

  it('opening with a different local key fails with wrongKey, says what to do, and deletes nothing', async () => {
    await seed();
    h.close();
    const before = fs.readFileSync(ctx.dbPath);
    const otherVault = new MemoryKeyVault();
    await otherVault.set('localDataKey', SecretKey.random().toVaultString());
    await assert.rejects(
      openHistory({ dbPath: ctx.dbPath, vault: otherVault, deviceId: 'd', settings: () => ctx.settings, logger: ctx.logger, clock: ctx.clock }),
      (e: unknown) => {
        assert.ok(isCaroError(e, 'wrongKey'));
        assert.match(e.message, /different key/);
        assert.match(e.message, /Nothing was deleted/);
        assert.match(e.action ?? '', /restore the previous keychain|rename that file/);
        return true;
      },
    );
    assert.ok(fs.readFileSync(ctx.dbPath).equals(before), 'file untouched');
    h = await open(ctx); // the right key still opens everything
    assert.equal((await h.latest(100)).length, 6);
  });

  it("latest(N)'s real query searches the composite (deleted_at, created_at DESC) index, never sorts the table", async () => {
    await seed();
    const plan = h.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${LATEST_SQL}`, [100]).map((r) => r.detail);
    assert.ok(plan.includes('SEARCH command_history USING INDEX idx_command_history_live_created (deleted_at=?)'), plan.join(' | '));
    assert.ok(!plan.some((d) => /TEMP B-TREE FOR ORDER BY|SCAN command_history/.test(d)), plan.join(' | '));
  });

  it('substring search is case-insensitive, newest first, with total and paging', async () => {
    await seed();
    const page = await h.search({ text: 'GIT' }, 0, 2);
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((e) => e.command), ['git push --force origin main', 'git commit -m "fix login"']);
    const next = await h.search({ text: 'git' }, 2, 2);
    assert.deepEqual(next.items.map((e) => e.command), ['git status']);
    assert.equal((await h.search({ text: 'nothing like this' }, 0, 10)).total, 0);
    assert.equal((await h.search({}, 0, 100)).total, 6);
  });

  it('fuzzy search matches subsequences and ranks tight matches first', async () => {
    await seed();
    const page = await h.search({ text: 'gst', mode: 'fuzzy' }, 0, 10);
    assert.equal(page.items[0]?.command, 'git status');
    assert.ok(page.items.every((e) => /g.*s.*t/.test(e.command)));
    const kp = await h.search({ text: 'kgp', mode: 'fuzzy' }, 0, 10);
    assert.deepEqual(kp.items.map((e) => e.command), ['kubectl get pods']);
    assert.ok(fuzzyScore('git status', 'gst') > fuzzyScore('git push --force origin main', 'gst'));
    assert.equal(fuzzyScore('abc', 'abd'), -Infinity);
  });

  it('filters by workspace, directory, device, session, status, risk and time range', async () => {
    await seed();
    const q = async (f: Parameters<HistoryService['search']>[0]): Promise<string[]> =>
      (await h.search(f, 0, 100)).items.map((e) => e.command);
    assert.deepEqual(await q({ workspace: 'ops' }), ['kubectl get pods']);
    assert.deepEqual(await q({ directory: '/home/u/app' }), ['npm test', 'git commit -m "fix login"', 'git status'], 'directory includes sub-folders, not /home/u/apple');
    assert.deepEqual(await q({ sessionId: 's2' }), ['git push --force origin main', 'npm test']);
    assert.deepEqual(await q({ status: 'failed' }), ['rm -rf /', 'npm test']);
    assert.equal((await q({ status: 'success' })).length, 4);
    assert.deepEqual(await q({ minRisk: 'high' }), ['git push --force origin main', 'rm -rf /']);
    assert.deepEqual(await q({ riskLevels: ['critical'] }), ['rm -rf /']);
    assert.deepEqual(await q({ since: T0 - 2 * DAY, until: T0 - DAY }), ['git push --force origin main', 'rm -rf /']);
    assert.deepEqual(await q({ text: 'git', workspace: 'app', status: 'success', sessionId: 's1' }), ['git commit -m "fix login"', 'git status']);
    assert.deepEqual(await q({ deviceId: 'device-1' }), await q({}));
    assert.deepEqual(await q({ deviceId: 'other' }), []);
  });

  it('keeps the search index current through record, delete, clear and remote changes', async () => {
    await seed();
    assert.equal((await h.search({ text: 'terraform' }, 0, 10)).total, 0); // index built now
    const r = await h.record(cmd('terraform plan', { startedAt: T0 + 5 }));
    assert.ok(r.stored);
    assert.equal((await h.search({ text: 'terraform' }, 0, 10)).total, 1);
    if (r.stored) await h.delete([r.entry.id]);
    assert.equal((await h.search({ text: 'terraform' }, 0, 10)).total, 0);
    await h.applyRemote([remoteEntry('remote-1', 'terraform apply', T0 + 6)]);
    assert.deepEqual((await h.search({ text: 'terraform' }, 0, 10)).items.map((e) => e.id), ['remote-1']);
    await h.clear();
    assert.equal((await h.search({}, 0, 10)).total, 0);
  });

  it('builds the index in chunks (rows out of time order), shares one build between concurrent searches, and misses no write made meanwhile', async function () {
    this.timeout(60_000);
    ctx.settings = { ...ctx.settings, maxCommands: 100_000, retentionDays: 365 };
    const n = 10_200; // three chunks of 5000
    // Inserted in an order unrelated to time, so chunks (by rowid) are not sorted by created_at.
    const lines: CapturedCommand[] = Array.from({ length: n }, (_, i) =>
      cmd(`job ${i} ${i % 7 === 0 ? 'deploy' : 'build'}`, { startedAt: T0 - ((i * 7919) % n) * 1000 }));
    assert.equal((await h.importCaptured(lines)).imported, n);
    const a = h.search({ text: 'deploy' }, 0, 5);
    const b = h.search({ text: 'job' }, 0, 3);
    const rec = h.record(cmd('deploy during build', { startedAt: T0 + 1 }));
    const [pa, pb, r] = await Promise.all([a, b, rec]);
    assert.ok(r.stored);
    const deploys = lines.filter((l) => l.commandLine.endsWith('deploy')).length;
    assert.ok(pa.total === deploys || pa.total === deploys + 1);
    assert.equal(pb.total, n);
    const newest = lines.reduce((m, l) => (l.startedAt > m.startedAt ? l : m));
    assert.equal(pb.items[0]?.command, newest.commandLine, 'newest first across chunks');
    const times = (await h.search({ text: 'job' }, 0, 1000)).items.map((e) => e.createdAt);
    assert.deepEqual(times, [...times].sort((x, y) => y - x));
    assert.equal((await h.search({ text: 'deploy' }, 0, 1)).total, deploys + 1, 'the write made during the build is searchable');
  });

  it('a large sync backfill of older entries merges into a built index in time order', async () => {
    await seed();
    assert.equal((await h.search({ text: 'backfill' }, 0, 1)).total, 0); // index built
    const older = Array.from({ length: 3000 }, (_, i) => remoteEntry(`bf-${i}`, `backfill ${i}`, T0 - 10 * DAY - i * 1000));
    assert.equal((await h.applyRemote(older)).inserted, 3000);
    const page = await h.search({ text: 'backfill' }, 0, 3);
    assert.equal(page.total, 3000);
    assert.deepEqual(page.items.map((e) => e.id), ['bf-0', 'bf-1', 'bf-2']);
    const all = await h.search({}, 0, 10);
    assert.equal(all.total, 3006);
    assert.equal(all.items[0]?.command, 'kubectl get pods', 'local newest still first');
  });

  it("picks up another connection's writes and deletes (another window on the same file)", async () => {
    await seed();
    assert.equal((await h.search({ text: 'docker' }, 0, 10)).total, 0);
    const other = await open(ctx, 'device-1');
    try {
      const r = await other.record(cmd('docker ps', { startedAt: T0 + 50 }));
      assert.ok(r.stored);
      assert.equal((await h.search({ text: 'docker' }, 0, 10)).total, 1);
      const [git] = (await other.search({ text: 'git status' }, 0, 1)).items;
      await other.delete([git?.id ?? '']);
      assert.equal((await h.search({ text: 'git status' }, 0, 10)).total, 0);
    } finally {
      other.close();
    }
  });

  it('soft delete: tombstone keeps no content, is excluded everywhere, fires an event, only reports real deletions', async () => {
    await seed();
    const events: HistoryChange[] = [];
    h.onDidChange((c) => events.push(c));
    const [victim] = await h.latest(1);
    const deleted = await h.delete([victim?.id ?? '', victim?.id ?? '', 'unknown-id']);
    assert.deepEqual(deleted, [victim?.id]);
    assert.deepEqual(await h.delete([victim?.id ?? '']), []);
    assert.equal(await h.get(victim?.id ?? ''), undefined);
    assert.ok(!(await h.latest(100)).some((e) => e.id === victim?.id));
    const raw = h.db.get<{ prompt: string; command: string; deleted_at: number }>(
      'SELECT prompt, command, deleted_at FROM command_history WHERE id = ?', [victim?.id ?? '']);
    assert.deepEqual(raw, { prompt: '', command: '', deleted_at: ctx.clock.now() });
    assert.deepEqual(events, [{ kind: 'deleted', ids: [victim?.id], origin: 'local' }]);
    assert.equal(await h.clear(), 5);
    assert.equal((await h.latest(10)).length, 0);
    assert.equal(events[1]?.kind, 'cleared');
  });

  it('retention: age or count, whichever first; tombstones hard-deleted after the retention period', async () => {
    ctx.settings = { ...ctx.settings, retentionDays: 30, maxCommands: 3 };
    for (let i = 0; i < 5; i++) await h.record(cmd(`recent ${i}`, { startedAt: T0 - i * DAY }));
    await h.record(cmd('old', { startedAt: T0 - 40 * DAY }));
    const events: HistoryChange[] = [];
    h.onDidChange((c) => events.push(c));
    assert.equal(await h.applyRetention(), 3, 'old by age + 2 beyond the newest 3');
    assert.deepEqual((await h.latest(10)).map((e) => e.command), ['recent 0', 'recent 1', 'recent 2']);
    assert.equal(events[0]?.kind, 'retention');
    // The age-pruned row is gone for good, the count-pruned ones stay as tombstones until they age out.
    assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history')?.n, 5);
    ctx.clock.advance(31 * DAY);
    ctx.settings = { ...ctx.settings, maxCommands: 100 };
    await h.applyRetention();
    assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history WHERE deleted_at IS NOT NULL')?.n, 0);
  });

  it('retention never hard-deletes a record whose sync upload is still pending (offline for months)', async () => {
    h.setQueueing(true);
    ctx.settings = { ...ctx.settings, retentionDays: 30 };
    const r = await h.record(cmd('queued while offline'));
    assert.ok(r.stored);
    if (r.stored) await h.delete([r.entry.id]);
    ctx.clock.advance(200 * DAY);
    await h.applyRetention();
    assert.equal(await h.pendingCount(), 2);
    assert.equal(h.db.get<{ n: number }>('SELECT count(*) AS n FROM command_history')?.n, 1, 'tombstone kept');
    const pending = await h.pendingUploads(10);
    assert.deepEqual(pending.map((p) => p.op), ['create', 'delete']);
  });

  it('export → import into a fresh store round-trips every entry; duplicates and invalid entries are counted', async () => {
    await seed();
    await h.record(cmd('annotated', { prompt: 'list pods', explanation: 'kubectl lists pods', tags: ['k8s'], startedAt: T0 + 9 }));
    const exported = await h.exportAll();
    assert.equal(exported.length, 7);
    assert.equal(exported[0]?.command, 'git status', 'oldest first');

    const ctx2: Ctx = { ...ctx, dbPath: path.join(ctx.dir, 'second.db'), vault: new MemoryKeyVault() };
    const h2 = await open(ctx2, 'device-2');
    try {
      const r = await h2.importEntries(exported);
      assert.deepEqual(r, { imported: 7, skippedDuplicates: 0, skippedInvalid: 0, skippedOld: 0 });
      const back = await h2.exportAll();
      const strip = (e: HistoryEntry) => ({ ...e, updatedAt: 0 });
      assert.deepEqual(back.map(strip), exported.map(strip));
      const again = await h2.importEntries([
        ...exported,
        { ...exported[0], id: 'bad-1', command: 'echo \u0000' } as HistoryEntry,
        { ...exported[0], id: 'bad-2', createdAt: Number.NaN } as HistoryEntry,
      ]);
      assert.equal(again.imported, 0);
      assert.equal(again.skippedDuplicates, 7);
      assert.equal(again.skippedInvalid, 2);
      assert.equal(again.problems?.length, 2);
      assert.match(again.problems?.[0] ?? '', /^Entry 8: .*control character/);
    } finally {
      h2.close();
    }
  });

  it('importCaptured applies the capture rules and is idempotent (same file twice adds nothing)', async () => {
    ctx.settings = { ...ctx.settings, excludePatterns: ['^secret-tool'] };
    const lines: CapturedCommand[] = [
      cmd('ls', { startedAt: T0 - 100 }),
      cmd('ls', { startedAt: T0 - 100 }), // really run twice at the same second
      cmd('secret-tool store x'),
      cmd('echo bad\u0007'),
      cmd(' leading space kept on import', { startedAt: T0 - 50 }),
      cmd('export NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789', { startedAt: T0 - 40 }),
    ];
    const first = await h.importCaptured(lines);
    assert.equal(first.imported, 4);
    assert.equal(first.skippedExcluded, 1);
    assert.equal(first.skippedInvalid, 1);
    const second = await h.importCaptured(lines);
    assert.equal(second.imported, 0);
    assert.equal(second.skippedDuplicates, 4);
    const all = await h.exportAll();
    assert.equal(all.length, 4);
    assert.ok(all.some((e) => e.command.includes('[REDACTED:')));
  });

  it('ids of imported lines are keyed per device: stable on re-import, unrelated across keys', async () => {
    const line = [cmd('export PGPASSWORD=hunter2', { startedAt: T0 - 1 })];
    await h.importCaptured(line);
    const [mine] = await h.exportAll();
    assert.match(mine?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ctx2: Ctx = { ...ctx, dbPath: path.join(ctx.dir, 'other-device.db'), vault: new MemoryKeyVault() };
    const h2 = await open(ctx2, 'device-2');
    try {
      await h2.importCaptured(line);
      const [theirs] = await h2.exportAll();
      assert.notEqual(theirs?.id, mine?.id);
    } finally {
      h2.close();
    }
  });

  it('stats and facets', async () => {
    await seed();
    const s = await h.stats();
    assert.equal(s.total, 6);
    assert.equal(s.deleted, 0);
    assert.equal(s.failed, 2);
    assert.equal(s.failureRate, 2 / 6);
    assert.equal(s.byRisk.critical, 1);
    assert.equal(s.byRisk.high, 1);
    assert.equal(Object.values(s.perDay).reduce((a, b) => a + b, 0), 6);
    assert.equal(Object.keys(s.perDay).length, 6);
    assert.equal(s.perHour.length, 24);
    assert.equal(s.perHour[new Date(T0).getHours()], 6);
    const f = await h.facets();
    assert.deepEqual(f.workspaces, ['app', 'ops', 'scratch']);
    assert.ok(f.directories.includes('/home/u/app'));
    assert.deepEqual(f.devices, ['device-1']);
    assert.equal(f.sessions.length, 4);
  });

  it('while another process holds the file, record() fails with databaseBusy and the same event can be retried', async function () {
    this.timeout(20_000);
    h.close();
    h = await openHistory({ dbPath: ctx.dbPath, vault: ctx.vault, deviceId: 'device-1', settings: () => ctx.settings,
      logger: ctx.logger, clock: ctx.clock, busyTimeoutMs: 100 });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const lockDir = `${ctx.dbPath}.lock`;
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), `${os.hostname()}:${other.pid}`);
      const event = cmd('make release', { sessionId: 'term-1' });
      await assert.rejects(h.record(event), (e: unknown) => isCaroError(e, 'databaseBusy'));
      fs.rmSync(lockDir, { recursive: true });
      const retried = await h.record(event);
      assert.ok(retried.stored, 'not mistaken for a duplicate');
      assert.deepEqual((await h.latest(5)).map((e) => e.command), ['make release']);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('pause (incognito) stores nothing until resumed; get() returns live entries only', async () => {
    h.setPaused(true);
    assert.equal(h.paused, true);
    assert.deepEqual(await h.record(cmd('while paused')), { stored: false, reason: 'paused' });
    h.setPaused(false);
    const r = await h.record(cmd('after pause'));
    assert.ok(r.stored);
    if (!r.stored) return;
    assert.deepEqual(await h.get(r.entry.id), r.entry);
    await h.delete([r.entry.id]);
    assert.equal(await h.get(r.entry.id), undefined);
    assert.equal((await h.latest(10)).length, 0);
  });

  it('oversize and broken commands are refused with a reason, counted, and nothing else is lost', async () => {
    await h.record(cmd('kept'));
    const big = await h.record(cmd(`echo ${'x'.repeat(11_000)}`));
    assert.ok(!big.stored && big.reason === 'tooLarge');
    const broken = await h.record(cmd('echo \ud800'));
    assert.ok(!broken.stored && broken.reason === 'invalidText');
    assert.match(broken.stored ? '' : (broken.detail ?? ''), /broken Unicode/);
    assert.equal((await h.stats()).skippedTooLarge, 1);
    assert.deepEqual((await h.latest(10)).map((e) => e.command), ['kept']);
  });

  it('a damaged history file is moved aside on open and a fresh history starts; the caller learns where it went', async () => {
    h.close();
    fs.writeFileSync(ctx.dbPath, 'definitely not sqlite');
    h = await open(ctx);
    assert.ok(h.movedAsideTo?.startsWith(`${ctx.dbPath}.corrupt-`));
    assert.equal(fs.readFileSync(h.movedAsideTo ?? '', 'utf8'), 'definitely not sqlite');
    assert.ok((await h.record(cmd('fresh start'))).stored);
  });

  it('doctor reports path, schema version, rows and integrity', async () => {
    await seed();
    await h.delete([(await h.latest(1))[0]?.id ?? '']);
    const d = await h.doctor();
    assert.equal(d.path, ctx.dbPath);
    assert.equal(d.schemaVersion, 2);
    assert.equal(d.rows, 5);
    assert.equal(d.deleted, 1);
    assert.equal(d.integrity, 'ok');
    assert.equal(d.bytes, fs.statSync(ctx.dbPath).size);
  });
});

function remoteEntry(id: string, command: string, createdAt: number, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id,
    command,
    prompt: '',
    tags: [],
    executed: true,
    riskLevel: 'safe',
    warnings: [],
    deviceId: 'device-remote',
    createdAt,
    updatedAt: createdAt,
    schemaVersion: 1,
    ...extra,
  };
}

describe('history sync port', () => {
  let dir: string;
  let h: HistoryService;
  let vault: MemoryKeyVault;
  const vaultOf = (_h: HistoryService): MemoryKeyVault => vault;
  const clock = new FakeClock(T0);
  const settings = { ...DEFAULT_SETTINGS };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-port-'));
    vault = new MemoryKeyVault();
    h = await openHistory({ dbPath: path.join(dir, 'h.db'), vault, deviceId: 'me', settings: () => settings, logger: new MemoryLogger(), clock });
  });
  afterEach(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues nothing until queueing is on; then record/delete queue in the same transaction', async () => {
    await h.record(cmd('before sync'));
    assert.equal(await h.pendingCount(), 0);
    h.setQueueing(true);
    const r = await h.record(cmd('after sync', { startedAt: T0 + 1 }));
    assert.ok(r.stored);
    if (r.stored) await h.delete([r.entry.id]);
    const pending = await h.pendingUploads(10);
    assert.deepEqual(pending.map((p) => [p.op, p.entry.id]), [['create', r.stored ? r.entry.id : ''], ['delete', r.stored ? r.entry.id : '']]);
    assert.ok(pending[1]?.entry.deletedAt !== undefined);
    // A failing insert rolls the queue row back with it.
    const queued = await h.pendingCount();
    assert.throws(() => h.db.transaction(() => {
      h.db.run("INSERT INTO sync_queue (operation, entity_type, entity_id, created_at) VALUES ('create', 'command', 'x', 1)");
      h.db.run('INSERT INTO command_history (id) VALUES (NULL)');
    }));
    assert.equal(await h.pendingCount(), queued);
  });

  it('enqueueAllForUpload queues every record once; failures are counted and kept; uploads clear the queue and stamp syncedAt', async () => {
    await h.record(cmd('one'));
    await h.record(cmd('two', { startedAt: T0 + 1 }));
    const [two] = await h.latest(1);
    await h.delete([two?.id ?? '']);
    assert.equal(await h.enqueueAllForUpload(), 2);
    assert.equal(await h.enqueueAllForUpload(), 0, 'already queued');
    const pending = await h.pendingUploads(10);
    assert.deepEqual(pending.map((p) => p.op), ['create', 'delete']);
    await h.markAttemptFailed(pending.map((p) => p.queueId), 'The sync server could not be reached.');
    const row = h.db.get<{ attempts: number; error: string }>('SELECT attempts, error FROM sync_queue ORDER BY id LIMIT 1');
    assert.deepEqual(row, { attempts: 1, error: 'The sync server could not be reached.' });
    assert.equal(await h.pendingCount(), 2);
    await h.markUploaded(pending.map((p) => p.queueId), T0 + 99);
    assert.equal(await h.pendingCount(), 0);
    const [one] = await h.latest(1);
    assert.equal(one?.syncedAt, T0 + 99);
  });

  it('repeated reads never serve a stale entry (sync stamp, deletion by another connection)', async () => {
    h.setQueueing(true);
    const r = await h.record(cmd('cached one'));
    assert.ok(r.stored);
    assert.equal((await h.latest(1))[0]?.syncedAt, undefined);
    const [p] = await h.pendingUploads(1);
    await h.markUploaded([p?.queueId ?? 0], T0 + 5);
    assert.equal((await h.latest(1))[0]?.syncedAt, T0 + 5);
    const copy = (await h.latest(1))[0];
    if (copy) copy.command = 'mutated by a caller';
    assert.equal((await h.latest(1))[0]?.command, 'cached one', 'callers get copies');
    const other = await openHistory({ dbPath: path.join(dir, 'h.db'), vault: vaultOf(h), deviceId: 'me', settings: () => settings, logger: new MemoryLogger(), clock });
    try {
      await other.delete([r.stored ? r.entry.id : '']);
    } finally {
      other.close();
    }
    assert.deepEqual(await h.latest(5), []);
  });

  it('applyRemote is idempotent by id and a tombstone wins in either order', async () => {
    const events: HistoryChange[] = [];
    h.onDidChange((c) => events.push(c));
    const a = remoteEntry('a', 'make build', T0 - 10);
    const b = remoteEntry('b', 'make test', T0 - 9);
    assert.deepEqual(await h.applyRemote([a, b]), { inserted: 2, deleted: 0, skipped: 0, rejected: 0 });
    assert.deepEqual(await h.applyRemote([a, b]), { inserted: 0, deleted: 0, skipped: 2, rejected: 0 });
    // delete after create
    assert.deepEqual(await h.applyRemote([{ ...a, command: '', deletedAt: T0 }]), { inserted: 0, deleted: 1, skipped: 0, rejected: 0 });
    // tombstone first, create later: stays deleted
    assert.deepEqual(await h.applyRemote([remoteEntry('c', '', T0 - 8, { deletedAt: T0 })]), { inserted: 0, deleted: 1, skipped: 0, rejected: 0 });
    assert.deepEqual(await h.applyRemote([remoteEntry('c', 'late create', T0 - 8)]), { inserted: 0, deleted: 0, skipped: 1, rejected: 0 });
    assert.deepEqual((await h.latest(10)).map((e) => e.id), ['b']);
    assert.equal((await h.latest(1))[0]?.syncedAt, T0);
    assert.equal(await h.pendingCount(), 0, 'remote changes are not queued');
    assert.equal(events[0]?.origin, 'remote');
    // unusable records are rejected (counted), not fatal
    const bad = await h.applyRemote([{ id: '' } as HistoryEntry]);
    assert.deepEqual([bad.inserted, bad.deleted, bad.skipped, bad.rejected], [0, 0, 0, 1]);
  });
});

describe('search index (pure)', () => {
  function item(i: number, text: string, createdAt: number): IndexItem {
    return { rowid: i, id: `id${i}`, text, createdAt, workingDir: undefined, workspace: undefined, deviceId: 'd',
      sessionId: undefined, success: true, risk: 0, dead: false };
  }

  it('fuzzy pages equal a full sort by score then recency, with no overlap between pages', () => {
    const idx = new SearchIndex();
    const texts = ['git status', 'git stash', 'grep -rn status', 'go test', 'git show', 'echo gst', 'gist'];
    const all: IndexItem[] = [];
    for (let i = 0; i < 300; i++) all.push(item(i + 1, texts[i % texts.length] as string, 1000 + ((i * 37) % 300)));
    idx.addMany(all.slice(0, 150));
    for (const it of all.slice(150)) idx.add(it); // both paths
    const reference = all
      .map((it) => ({ it, s: fuzzyScore(it.text, 'gst') }))
      .filter((x) => x.s !== -Infinity)
      .sort((a, b) => b.s - a.s || b.it.createdAt - a.it.createdAt || b.it.rowid - a.it.rowid)
      .map((x) => x.it.id);
    const pages: string[] = [];
    let total = 0;
    for (let off = 0; off < reference.length; off += 40) {
      const r = idx.search({ text: 'gst', mode: 'fuzzy' }, off, 40);
      total = r.total;
      pages.push(...r.ids);
    }
    assert.equal(total, reference.length);
    assert.deepEqual(pages, reference);
  });

  it('removed items disappear, and compaction keeps order', () => {
    const idx = new SearchIndex();
    idx.addMany(Array.from({ length: 3000 }, (_, i) => item(i + 1, `cmd ${i}`, i)));
    for (let i = 0; i < 2000; i++) idx.remove(`id${i + 1}`);
    const r = idx.search({ text: 'cmd' }, 0, 3);
    assert.equal(r.total, 1000);
    assert.deepEqual(r.ids, ['id3000', 'id2999', 'id2998']);
    assert.equal(idx.size, 1000);
  });
});
