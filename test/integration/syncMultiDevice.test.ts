import { strict as assert } from 'node:assert';
import { WebSocket } from 'ws';
import { isCaroError } from '../../src/core/model/errors';
import type { WebSocketConstructor } from '../../src/core/sync/relayConnection';
import { FakeClock } from '../../src/core/util/clock';
import {
  liveEntries,
  liveSummary,
  openDevice,
  recordCommands,
  removeDir,
  startTestRelay,
  waitFor,
  type TestDevice,
} from './helpers/syncDevices';

type Relay = Awaited<ReturnType<typeof startTestRelay>>;

describe('sync: multi-device (real relay on loopback, real stores on disk)', function () {
  this.timeout(60_000);
  let relay: Relay;
  const open: TestDevice[] = [];
  const dirs: string[] = [];

  before(async () => {
    relay = await startTestRelay();
    dirs.push(relay.dataDir);
  });
  afterEach(async () => {
    for (const d of open.splice(0)) {
      await d.close().catch(() => undefined);
      dirs.push(d.dir);
    }
  });
  after(async () => {
    await relay.stop();
    dirs.forEach(removeDir);
  });

  async function device(name: string, opts: Parameters<typeof openDevice>[2] = {}): Promise<TestDevice> {
    const d = await openDevice(name, relay.url, opts);
    open.push(d);
    return d;
  }

  async function converged(devices: TestDevice[], count?: number): Promise<void> {
    await waitFor(async () => {
      const views = await Promise.all(devices.map((d) => liveSummary(d)));
      const first = JSON.stringify(views[0]);
      return views.every((v) => JSON.stringify(v) === first) && (count === undefined || views[0]!.length === count);
    }, `devices ${devices.map((d) => d.name).join(',')} to converge`);
  }

  it('init on A uploads existing history; B and C join with the phrase and get all of it', async () => {
    const a = await device('A');
    await recordCommands(a, ['echo hello', 'ls -la /tmp', 'git status', 'npm test']);
    const { phrase } = await a.engine.init();
    assert.equal(phrase.split(' ').length, 24);
    assert.equal(a.engine.status.state, 'online');
    assert.equal(a.engine.status.pendingUp, 0);
    assert.equal(await a.vault.get('recoveryPhrase'), phrase);

    const b = await device('B');
    const joined = await b.engine.join(phrase);
    assert.equal(joined.downloaded, 4);
    assert.deepEqual(await liveSummary(b), await liveSummary(a));
    assert.equal(b.engine.status.fingerprint, a.engine.status.fingerprint, 'same key fingerprint on every device');

    const c = await device('C');
    await c.engine.join(` ${phrase.toUpperCase().split(' ').join('   ')} `);
    assert.deepEqual(await liveSummary(c), await liveSummary(a), 'phrase input is normalised');
    // Decrypted content arrives intact (working dir, exit code, risk).
    const onC = (await liveEntries(c)).find((e) => e.command === 'ls -la /tmp');
    assert.equal(onC?.workingDir, '/work/proj');
    assert.equal(onC?.exitCode, 0);

    // New commands flow both ways without any explicit sync call.
    await recordCommands(b, ['make build']);
    await recordCommands(c, ['cargo test']);
    await converged([a, b, c], 6);
    const devices = await a.engine.devices();
    assert.deepEqual(devices.map((d) => d.name).sort(), ['A', 'B', 'C']);
    assert.equal(devices.filter((d) => d.isCurrent).length, 1);
  });

  it('commands made while one device is offline merge with no loss and no duplicates', async () => {
    const a = await device('A');
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    await b.engine.pause();
    assert.equal(b.engine.status.state, 'paused');
    await recordCommands(b, ['offline-1', 'offline-2', 'offline-3']);
    await recordCommands(a, ['online-1', 'online-2']);
    await waitFor(async () => (await a.history.pendingCount()) === 0, 'A uploads');
    assert.equal(await b.history.pendingCount(), 3, 'B keeps its commands queued while paused');
    await b.engine.resume();
    await converged([a, b], 5);
    const ids = (await liveEntries(a)).map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    // Syncing again is idempotent.
    await a.engine.syncNow();
    await b.engine.syncNow();
    await converged([a, b], 5);
  });

  it('a delete on A disappears on B and C, and wins over a live copy arriving later', async () => {
    const a = await device('A');
    const [keep, gone] = await recordCommands(a, ['keep me', 'delete me']);
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    await b.engine.pause();
    assert.deepEqual(await a.history.delete([gone!]), [gone]);
    await waitFor(async () => (await a.history.pendingCount()) === 0, 'A uploads the tombstone');
    // C joins after the delete: it receives both A's original batch (live copy) and the tombstone.
    const c = await device('C');
    await c.engine.join(phrase);
    assert.deepEqual((await liveEntries(c)).map((e) => e.id), [keep]);
    await b.engine.resume();
    await converged([a, b, c], 1);
    assert.equal((await b.history.get(gone!))?.deletedAt !== undefined || (await b.history.get(gone!)) === undefined, true);
    // Re-applying the old live record (e.g. a late duplicate batch) does not resurrect it.
    const live = (await a.history.exportAll()).find((e) => e.id === keep)!;
    await c.history.applyRemote([{ ...live, id: gone!, command: 'delete me' }]);
    assert.deepEqual((await liveEntries(c)).map((e) => e.id), [keep]);
  });

  it('preferences propagate last-writer-wins, ties broken by device id', async () => {
    const clockA = new FakeClock(Date.UTC(2026, 5, 1));
    const clockB = new FakeClock(Date.UTC(2026, 5, 1));
    const a = await device('A', { clock: clockA, deviceId: 'device-aaaa' });
    const { phrase } = await a.engine.init();
    const b = await device('B', { clock: clockB, deviceId: 'device-bbbb' });
    await b.engine.join(phrase);
    const seenOnB: unknown[] = [];
    b.engine.onDidChangePreferences((p) => seenOnB.push(p));

    clockA.advance(1000);
    a.settings.safetyMode = 'strict';
    a.settings.excludePatterns = ['^secret-tool'];
    await a.engine.preferencesChanged();
    await waitFor(() => b.engine.preferences().safetyMode === 'strict', 'B gets A preference');
    assert.deepEqual(b.engine.preferences().excludePatterns, ['^secret-tool']);
    assert.ok(seenOnB.length >= 1, 'the host is told so it can write its settings');

    // Concurrent edits at the same instant: the larger device id ("device-bbbb") wins on both.
    await b.engine.pause();
    clockA.set(Date.UTC(2026, 5, 2));
    clockB.set(Date.UTC(2026, 5, 2));
    a.settings.retentionDays = 60;
    await a.engine.preferencesChanged();
    b.settings.retentionDays = 120;
    await b.engine.preferencesChanged();
    await b.engine.resume();
    await waitFor(() => a.engine.preferences().retentionDays === 120, 'A adopts the tie winner');
    assert.equal(b.engine.preferences().retentionDays, 120);

    // A later write wins regardless of device id.
    clockA.advance(5000);
    a.settings.retentionDays = 45;
    await a.engine.preferencesChanged();
    await waitFor(() => b.engine.preferences().retentionDays === 45, 'B adopts the later write');
  });

  it('rename and remove devices; a removed device stops syncing but keeps its history', async () => {
    const a = await device('A');
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    const c = await device('C');
    await c.engine.join(phrase);
    await recordCommands(c, ['from c']);
    await converged([a, b, c], 1);

    let cDeviceEvents = 0;
    const sub = c.engine.onDidChangeDevices(() => cDeviceEvents++);
    await a.engine.renameDevice(b.deviceId, '  Work   laptop ');
    await waitFor(() => b.engine.status.deviceName === 'Work laptop', 'B learns its new name');
    // C's views refresh on onDidChangeDevices: it must fire for a rename made elsewhere.
    await waitFor(async () => cDeviceEvents > 0 && (await c.engine.devices()).some((d) => d.deviceId === b.deviceId && d.name === 'Work laptop'), 'C is told about the rename');
    sub.dispose();
    await assert.rejects(a.engine.renameDevice(b.deviceId, ''), (e) => isCaroError(e, 'invalidInput'));
    await assert.rejects(a.engine.removeDevice(a.deviceId), (e) => isCaroError(e, 'invalidInput'));

    await a.engine.removeDevice(c.deviceId);
    await waitFor(() => c.engine.status.state === 'uninitialised', 'C stops');
    assert.match(c.engine.status.lastError?.message ?? '', /removed from sync/);
    assert.equal(await c.vault.get('syncIdentity'), undefined, 'C forgot its keys');
    assert.deepEqual((await liveEntries(c)).map((e) => e.command), ['from c'], 'C keeps its local history');
    assert.deepEqual((await a.engine.devices()).map((d) => d.deviceId).sort(), [a.deviceId, b.deviceId].sort());
    // The reason survives a restart, so the user still sees why sync stopped.
    const c2 = await c.reopen();
    open.splice(open.indexOf(c), 1, c2);
    assert.equal(c2.engine.status.state, 'uninitialised');
    assert.match(c2.engine.status.lastError?.message ?? '', /removed from sync/);
  });

  it('a device that turned sync off can join again with the phrase and syncs both ways', async () => {
    const a = await device('A');
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    await b.engine.leave();
    assert.equal(b.engine.status.state, 'uninitialised');
    await recordCommands(a, ['while b was away']);
    await b.engine.join(phrase);
    await recordCommands(b, ['b is back']);
    await converged([a, b], 2);
    assert.equal(b.engine.status.state, 'online', 'B is not treated as removed after re-joining');
    assert.ok((await a.engine.devices()).some((d) => d.deviceId === b.deviceId), 'A lists B again');
  });

  it('reset wipes the synced history everywhere and unlinks every device; local history stays', async () => {
    const a = await device('A');
    await recordCommands(a, ['before reset']);
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    await a.engine.resetEverywhere();
    assert.equal(a.engine.status.state, 'uninitialised');
    await waitFor(() => b.engine.status.state === 'uninitialised', 'B sees the reset');
    assert.match(b.engine.status.lastError?.message ?? '', /reset from another device/);
    assert.equal((await liveEntries(a)).length, 1);
    assert.equal((await liveEntries(b)).length, 1);
    const d = await device('D');
    await assert.rejects(d.engine.join(phrase), (e) => isCaroError(e, 'noSyncedHistory'));
    assert.equal(await d.vault.get('syncIdentity'), undefined, 'nothing stored for a rejected phrase');
    // A can start over with a new phrase.
    const again = await a.engine.init();
    assert.notEqual(again.phrase, phrase);
  });

  it('key rotation keeps the history; other devices are told to join with the new phrase', async () => {
    const a = await device('A');
    await recordCommands(a, ['rotate-1', 'rotate-2']);
    const { phrase: oldPhrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(oldPhrase);
    await recordCommands(b, ['rotate-3']);
    await converged([a, b], 3);
    const [gone] = await recordCommands(a, ['rotate-deleted']);
    await a.history.delete([gone!]);
    const oldFingerprint = a.engine.status.fingerprint;

    const { phrase: newPhrase } = await a.engine.rotateKey();
    assert.notEqual(newPhrase, oldPhrase);
    assert.notEqual(a.engine.status.fingerprint, oldFingerprint);
    assert.equal(await a.vault.get('recoveryPhrase'), newPhrase);
    await waitFor(() => b.engine.status.state === 'error', 'B sees the move');
    assert.match(b.engine.status.lastError?.message ?? '', /moved to a new recovery phrase/);

    const c = await device('C');
    await assert.rejects(c.engine.join(oldPhrase), (e) => isCaroError(e, 'historyMoved'));
    await c.engine.join(newPhrase);
    assert.deepEqual((await liveEntries(c)).map((e) => e.command).sort(), ['rotate-1', 'rotate-2', 'rotate-3']);
    await b.engine.join(newPhrase);
    await recordCommands(b, ['after rotation']);
    await converged([a, b, c], 4);
  });

  it('a new device gets the newest commands first, then backfills the rest', async () => {
    const a = await device('A');
    const day = 24 * 60 * 60 * 1000;
    const base = Date.now() - 60 * day;
    for (let i = 0; i < 30; i++) {
      await a.history.record({ commandLine: `day-${i * 2}`, startedAt: base + i * 2 * day, exitCode: 0 });
    }
    const { phrase } = await a.engine.init();
    const b = await device('B', { engine: { applyChunkSize: 5, recentWindowDays: 7 } });
    const appliedOrder: string[][] = [];
    b.history.onDidChange((c) => {
      if (c.origin === 'remote') appliedOrder.push([...c.ids]);
    });
    await b.engine.join(phrase);
    assert.equal((await liveEntries(b)).length, 30);
    assert.ok(b.statuses.some((s) => s.backfilling === true), 'status says older history is still arriving');
    assert.equal(b.engine.status.backfilling, undefined, 'and clears it when done');
    const created = new Map((await liveEntries(b)).map((e) => [e.id, e.createdAt]));
    const firstChunk = appliedOrder[0]!.map((id) => created.get(id)!);
    const lastChunk = appliedOrder[appliedOrder.length - 1]!.map((id) => created.get(id)!);
    assert.ok(Math.min(...firstChunk) > Math.max(...lastChunk), 'newest chunk first, oldest last');
  });

  it('opt-in usage metrics: aggregate counts only, removed when the opt-in is withdrawn', async () => {
    const a = await device('A', { settings: { shareMetrics: true } });
    await recordCommands(a, ['ls', 'git push --force', 'false']);
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    const metrics = await b.engine.metrics();
    const mine = metrics.find((m) => m.deviceId === a.deviceId);
    assert.ok(mine, 'A shared its counts');
    assert.equal(mine.totalCommands, 3);
    assert.equal(Object.values(mine.safetyDistribution).reduce((x, y) => x + y, 0), 3);
    assert.ok(!JSON.stringify(metrics).includes('git push'), 'no command text in metrics');
    assert.equal(metrics.some((m) => m.deviceId === b.deviceId), false, 'B did not opt in');
    a.settings.shareMetrics = false;
    await a.engine.syncNow();
    await waitFor(async () => (await b.engine.metrics()).length === 0, 'A withdraws its metrics');
  });

  it('opens no socket while sync is off or not set up', async () => {
    let sockets = 0;
    class CountingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets++;
      }
    }
    const Counting = CountingWebSocket as unknown as WebSocketConstructor;
    const a = await device('A', { engine: { webSocket: Counting } });
    await recordCommands(a, ['no network please']);
    await assert.rejects(a.engine.syncNow(), (e) => isCaroError(e, 'notInitialised'));
    await assert.rejects(a.engine.devices(), (e) => isCaroError(e, 'notInitialised'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sockets, 0, 'never set up: no socket');
    assert.equal(a.engine.status.state, 'uninitialised');

    await a.engine.init();
    assert.ok(sockets > 0, 'the counter does see sockets once sync is used');
    a.settings.syncEnabled = false;
    const reopened = await a.reopen();
    open.splice(open.indexOf(a), 1, reopened);
    const before = sockets;
    await recordCommands(reopened, ['still recorded', 'and queued']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sockets, before, 'sync disabled: no socket');
    assert.equal(reopened.engine.status.state, 'paused');
    assert.equal(await reopened.history.pendingCount(), 2, 'commands wait in the queue');
  });
});
