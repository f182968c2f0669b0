/**
 * Outages (issue part A): one reconnect loop per engine with backoff, honest status, quiet log. A dead relay is a
 * loopback port nobody listens on; time is simulated (FakeClock + FakeTimers), attempts are counted by the socket
 * constructor the engine is given. The devices view asks for the device list on every status change: this suite does
 * the same, which is what turned one failed attempt into the next one (39 000 "retrying in 1 s" lines).
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../../src/core/sync/relayConnection';
import { FakeClock } from '../../src/core/util/clock';
import { FakeTimers } from '../fixtures/fakeTimers';
import { closeDevicesAndRelay, openDevice, startTestRelay, waitFor, type TestDevice } from './helpers/syncDevices';

const MINUTE = 60_000;

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}`;
}

/** Counts connection attempts and the sockets still connecting or open. */
function countingSocket(): { Ctor: WebSocketConstructor; attempts: () => number; attemptsTo: (url: string) => number; open: () => number } {
  const urls: string[] = [];
  let open = 0;
  class Counting extends WebSocket {
    constructor(url: string) {
      super(url);
      urls.push(new URL(url).host);
      open++;
      this.once('close', () => open--);
    }
  }
  return {
    Ctor: Counting as unknown as WebSocketConstructor,
    attempts: () => urls.length,
    attemptsTo: (url) => urls.filter((u) => u === new URL(url).host).length,
    open: () => open,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sync: outage (dead relay, fake clock)', function () {
  this.timeout(120_000);
  let relay: Awaited<ReturnType<typeof startTestRelay>>;
  const devices: TestDevice[] = [];
  before(async () => {
    relay = await startTestRelay();
  });
  after(() => closeDevicesAndRelay(devices, relay));

  it('10 simulated minutes of a dead relay: at most 15 attempts, one backoff loop, one log line per state change; the URL back reconnects at once', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const timers = new FakeTimers(clock);
    const sockets = countingSocket();
    const d = await openDevice('OUT', relay.url, {
      clock,
      engine: { timers, webSocket: sockets.Ctor, connectTimeoutMs: 3000, random: () => 0.5 },
    });
    devices.push(d);
    await d.engine.init();
    // Whatever the first exchange left to do (debounced uploads) runs now.
    while (timers.fireNext(clock.now() + 1000)) await sleep(20);

    // The devices view: every status change asks for the device list (as DevicesController does).
    let uiCalls = 0;
    let uiBusy = 0;
    d.engine.onDidChangeStatus(() => {
      uiCalls++;
      uiBusy++;
      void d.engine.devices().catch(() => undefined).finally(() => uiBusy--);
    });
    const settle = async () => {
      let quiet = 0;
      for (let i = 0; i < 100 && quiet < 3; i++) {
        await sleep(15);
        quiet = sockets.open() === 0 && uiBusy === 0 ? quiet + 1 : 0;
      }
    };

    const dead = await deadUrl();
    const logStart = d.logger.lines.length;
    const statusStart = d.statuses.length;
    const attemptsBefore = sockets.attempts();
    d.settings.syncServerUrl = dead;
    await d.engine.settingsChanged();
    await settle();
    assert.equal(d.engine.status.state, 'offline', `offline right after the first failed attempt (attempts so far: ${sockets.attemptsTo(dead)}, retry log lines: ${d.logger.lines.filter((l) => /retrying/.test(l)).length})`);

    const end = clock.now() + 10 * MINUTE;
    while (timers.fireNext(end)) {
      // Other settings change meanwhile (e.g. synced preferences written back): no extra attempt of their own.
      await d.engine.settingsChanged();
      await settle();
      const attempts = sockets.attemptsTo(dead);
      assert.ok(attempts <= 15, `at most 15 attempts in 10 minutes, got ${attempts} after ${Math.round((clock.now() - end) / 1000 + 600)} s`);
    }
    const attempts = sockets.attemptsTo(dead);
    assert.ok(attempts >= 5, `it keeps retrying with backoff (${attempts} attempts)`);
    const retryDelays = timers.waiting.filter((t) => t.ms >= 1000);
    assert.equal(retryDelays.length, 1, 'exactly one retry timer is armed');
    // Once offline, retries do not flip the status back to "connecting" (the status bar showed "syncing").
    const states = d.statuses.slice(statusStart).map((s) => s.state);
    const firstOffline = states.indexOf('offline');
    assert.ok(firstOffline >= 0);
    assert.deepEqual([...new Set(states.slice(firstOffline))], ['offline'], `states after going offline: ${states.slice(firstOffline).join(',')}`);
    // One log line per state change, not one per try.
    const logged = d.logger.lines.slice(logStart).filter((l) => !l.startsWith('trace'));
    assert.ok(logged.length <= 3, `log lines while offline:\n${logged.join('\n')}`);
    assert.ok(uiCalls < 40, `status events while offline: ${uiCalls}`);

    // The URL restored: the old loop and its timers are gone, the engine connects at once (no 5-minute wait).
    const liveBefore = sockets.attemptsTo(relay.url);
    d.settings.syncServerUrl = relay.url;
    await d.engine.settingsChanged();
    await waitFor(() => d.engine.status.state === 'online', 'online again after the URL is restored');
    assert.equal(sockets.attemptsTo(dead), attempts, 'no attempt to the old address after the change');
    assert.ok(sockets.attemptsTo(relay.url) - liveBefore <= 2, 'one login (a recreate may open a second socket)');
    assert.equal(timers.waiting.filter((t) => t.ms >= 1000).length, 0, 'no retry timer left');
    assert.ok(sockets.attempts() - attemptsBefore < 20);
  });
});
