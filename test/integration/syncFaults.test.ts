/**
 * Faults with devices and the relay as separate processes: relay killed (-9) and restarted mid-upload, a device
 * process killed mid-sync, and 30 days offline with 10 000 queued commands (fake clock) delivered exactly once.
 */
import { strict as assert } from 'node:assert';
import { FakeClock } from '../../src/core/util/clock';
import type { SyncTimers } from '../../src/core/sync/backoff';
import { liveSummary, openDevice, removeDir, tempDir, waitFor } from './helpers/syncDevices';
import { listDevice, runDevice, spawnRelay, type RelayProcess } from './helpers/syncProcesses';

function phraseFrom(stdout: string): string {
  const words = [...stdout.matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]!);
  assert.equal(words.length, 24, `init printed 24 numbered words:\n${stdout}`);
  return words.join(' ');
}

function assertExactlyOnce(rows: { id: string; command: string }[], expected: string[]): void {
  const commands = rows.map((r) => r.command);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'no duplicate ids');
  const have = new Set(commands);
  const missing = expected.filter((c) => !have.has(c));
  const want = new Set(expected);
  const extra = commands.filter((c) => !want.has(c));
  assert.deepEqual(
    { count: commands.length, missing: missing.slice(0, 5), missingCount: missing.length, extra: extra.slice(0, 5) },
    { count: expected.length, missing: [], missingCount: 0, extra: [] },
  );
}

describe('sync: faults (separate processes, real relay)', function () {
  this.timeout(420_000); // a hang guard only: 4 processes + relay restarts took 240 s at load average 20
  const dirs: string[] = [];
  let relay: RelayProcess | undefined;
  after(async () => {
    await relay?.kill('SIGKILL');
    dirs.forEach(removeDir);
  });

  it('CLI devices: init, join, merge; relay killed -9 mid-upload and restarted; a device killed mid-sync', async () => {
    const relayDir = tempDir('relay-proc');
    const homeA = tempDir('home-a');
    const homeB = tempDir('home-b');
    dirs.push(relayDir, homeA, homeB);
    relay = await spawnRelay(relayDir);
    const server = ['--server', relay.url];

    assert.equal((await runDevice(homeA, ['record', 'a-initial', '5'])).code, 0);
    const init = await runDevice(homeA, ['sync', 'init', ...server]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /Key fingerprint: [0-9A-F]{4}-[0-9A-F]{4}/);
    const phrase = phraseFrom(init.stdout);

    const join = await runDevice(homeB, ['sync', 'join', ...server], { stdin: `${phrase}\n` });
    assert.equal(join.code, 0, join.stderr);
    assert.match(join.stdout, /Joined\. 5 command\(s\) downloaded/);
    const status = await runDevice(homeB, ['sync', 'status']);
    assert.match(status.stdout, /Sync: up to date/);
    assert.match(status.stdout, /Waiting to upload: 0/);

    // Both record; both sync; identical histories.
    await runDevice(homeB, ['record', 'b-cmd', '3']);
    assert.equal((await runDevice(homeB, ['sync', 'now'])).code, 0);
    assert.equal((await runDevice(homeA, ['sync', 'now'])).code, 0);
    const expected = [...Array(5).keys()].map((i) => `a-initial-${i}`).concat([...Array(3).keys()].map((i) => `b-cmd-${i}`));
    assertExactlyOnce(await listDevice(homeA), expected);
    assertExactlyOnce(await listDevice(homeB), expected);

    // Relay killed -9 while A is running and uploading as it records; restarted on the same port and data. A's
    // process keeps recording (queued), reconnects with backoff and finishes; nothing is lost or doubled.
    const port = relay.port;
    let restarted: Promise<void> | undefined;
    const live = await runDevice(homeA, ['stream', 'live', '600'], {
      env: { CARO_SYNC_SERVER: relay.url },
      onStdout: (chunk) => {
        if (!restarted && /recorded 150\b/.test(chunk)) {
          restarted = (async () => {
            await relay!.kill('SIGKILL');
            relay = await spawnRelay(relayDir, port);
          })();
        }
      },
    });
    await restarted;
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, /done pending=0/, 'every queued command was uploaded after the relay came back');
    assert.equal((await runDevice(homeB, ['sync', 'now'])).code, 0);
    const bulk = [...Array(600).keys()].map((i) => `live-${i}`);
    assertExactlyOnce(await listDevice(homeB), [...expected, ...bulk]);

    // Device B killed -9 while streaming commands; its queue survives; after restart all arrive exactly once on A.
    const streamed = runDevice(homeB, ['stream', 'streamed', '400'], {
      env: { CARO_SYNC_SERVER: relay.url },
      onStdout: (chunk, child) => {
        if (/recorded 250\b/.test(chunk)) child.kill('SIGKILL');
      },
    });
    const killedRun = await streamed;
    assert.equal(killedRun.code, null, 'the device process was killed');
    const recordedOnB = (await listDevice(homeB)).filter((r) => r.command.startsWith('streamed-'));
    assert.ok(recordedOnB.length >= 250 && recordedOnB.length < 400, `B recorded ${recordedOnB.length} before dying`);
    assert.equal((await runDevice(homeB, ['sync', 'now'])).code, 0);
    assert.equal((await runDevice(homeA, ['sync', 'now'])).code, 0);
    const onA = await listDevice(homeA);
    const onB = await listDevice(homeB);
    assertExactlyOnce(onA, onB.map((r) => r.command));
    assert.equal(onA.length, 8 + 600 + recordedOnB.length);
  });

  it('30 days offline with 10 000 queued commands: retries back off, then everything arrives exactly once', async () => {
    const relayDir = tempDir('relay-offline');
    dirs.push(relayDir);
    const r = await spawnRelay(relayDir);
    const clock = new FakeClock(Date.UTC(2026, 2, 1));
    // Fake timers: record the requested delays, fire them by hand.
    const delays: number[] = [];
    const pending: (() => void)[] = [];
    const timers: SyncTimers = {
      setTimeout: (fn, ms) => {
        if (ms >= 1000) {
          delays.push(ms);
          pending.push(fn);
          return pending.length;
        }
        const t = setTimeout(fn, ms);
        return t;
      },
      clearTimeout: (h) => {
        if (typeof h !== 'number') clearTimeout(h as NodeJS.Timeout);
      },
    };
    const a = await openDevice('OA', r.url, { clock, engine: { timers, connectTimeoutMs: 1500, random: () => 0 } });
    const b = await openDevice('OB', r.url, { clock });
    dirs.push(a.dir, b.dir);
    try {
      const { phrase } = await a.engine.init();
      await b.engine.join(phrase);
      await r.kill('SIGKILL');
      await waitFor(() => a.engine.status.state === 'offline', 'A notices the relay is gone');

      // 30 days of commands while offline: 10 000 in total, queued in sync_queue (never dropped by age).
      // Each day's commands go in through the store's batched capture path (same queueing as record()).
      const perDay = 10_000 / 30;
      let made = 0;
      for (let day = 0; day < 30; day++) {
        const target = Math.round(perDay * (day + 1));
        const cmds = [];
        for (; made < target; made++) {
          cmds.push({ commandLine: `offline-${made}`, startedAt: clock.now(), endedAt: clock.now() + 5, exitCode: 0 });
          clock.advance(60_000);
        }
        const result = await a.history.importCaptured(cmds);
        assert.equal(result.imported, cmds.length);
        clock.advance(24 * 60 * 60 * 1000 - perDay * 60_000);
        // Each retry fires against the dead relay and schedules the next, doubling up to the 5-minute cap.
        const fire = pending.shift();
        if (fire) fire();
        await waitFor(() => pending.length > 0 || a.engine.status.state !== 'offline', 'next retry scheduled', 20_000);
      }
      assert.equal(await a.history.pendingCount(), 10_000);
      assert.deepEqual(delays.slice(0, 6), [1000, 2000, 4000, 8000, 16000, 32000]);
      assert.ok(delays.every((d) => d <= 5 * 60 * 1000), 'capped at 5 minutes');
      assert.ok(delays.length >= 20 && delays.slice(-3).every((d) => d === 5 * 60 * 1000));

      const back = await spawnRelay(relayDir, r.port);
      try {
        pending.shift()?.();
        await waitFor(async () => (await a.history.pendingCount()) === 0, 'A uploads 10 000', 120_000);
        await b.engine.syncNow();
        await waitFor(async () => (await liveSummary(b)).length === 10_000 + 0, 'B has all 10 000', 120_000);
        const commands = (await liveSummary(b)).map((s) => s.split('|')[1]);
        assert.equal(new Set(commands).size, 10_000, 'each delivered exactly once');
      } finally {
        await back.kill('SIGTERM');
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
