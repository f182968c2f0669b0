import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { CaroError } from '../../src/core/model/errors';
import { DevicesController } from '../../src/extension/webviews/devicesController';
import { type OpenedView, ScriptedUi, launchChromium, openView, recordingServices } from './webviewHarness/harness';
import { until } from './webviewHarness/until';
import { MemoryHistory } from './webviewHarness/memoryHistory';
import { DEVICES, sampleEntries } from './webviewHarness/sampleHistory';
import { ScriptedSync } from './webviewHarness/scriptedSync';
import type { ThemeName } from './webviewHarness/themes';

function onlineSync(): ScriptedSync {
  const now = Date.now();
  return new ScriptedSync(
    { state: 'online', pendingUp: 3, pendingDown: 12, lastSyncAt: now - 120_000, fingerprint: '7F3A-91C2', relayUrl: 'wss://relay.example.invalid', deviceId: DEVICES[0].deviceId },
    DEVICES.map((d, i) => ({ ...d, schemaVersion: 1, firstSeen: now - 9e8, lastSeen: now - i * 7_200_000, isCurrent: i === 0 })),
  );
}

async function openDevices(browser: Browser, history: MemoryHistory, sync: ScriptedSync | undefined, theme: ThemeName = 'dark') {
  const rec = recordingServices(history, sync);
  const ui = new ScriptedUi();
  const view = await openView(browser, { view: 'devices', controller: new DevicesController(rec.services, ui), theme, width: 360, height: 720 });
  await view.page.locator('.devices-app').waitFor();
  return { view, ui, rec };
}

const text = (v: OpenedView): Promise<string> => v.page.locator('.devices-app').innerText();

describe('devices view in Chromium (webview harness)', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('sync off: explains sync and what the relay sees; Set up / Join run the extension commands', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const { view, ui } = await openDevices(browser, new MemoryHistory(sampleEntries(42)), undefined, theme);
      try {
        const t = await text(view);
        assert.match(t, /Sync is off/);
        assert.match(t, /42 commands on Work laptop/);
        assert.match(t, /What the relay server sees/i);
        assert.match(t, /Encrypted blobs it cannot read/);
        await view.screenshot(`devices-off-${theme}`);
        await view.page.getByRole('button', { name: 'Set up sync' }).click();
        await until('setup command ran', async () => ui.commands, (c) => c.length === 1);
        await view.page.getByRole('button', { name: 'Join with a recovery phrase' }).click();
        await until('join command ran', async () => ui.commands, (c) => c.length === 2);
        assert.deepEqual(ui.commands, ['caroHistory.setupSync', 'caroHistory.joinSync']);
        assert.deepEqual(view.problems, []);
      } finally {
        await view.close();
      }
    }
  });

  it('sync on: state, fingerprint, pending counts and every device with platform, last seen and command count', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const history = new MemoryHistory(sampleEntries(300));
      const { view } = await openDevices(browser, history, onlineSync(), theme);
      try {
        const t = await text(view);
        assert.match(t, /Syncing…/, 'online with work queued reads "Syncing", like the status bar');
        assert.match(t, /7F3A-91C2/);
        assert.match(t, /3 to send/);
        assert.match(t, /12 to receive/);
        assert.match(t, /2 min ago/);
        const items = view.page.getByRole('listitem');
        assert.equal(await items.count(), 3);
        const first = await items.nth(0).innerText();
        assert.match(first, /Work laptop/);
        assert.match(first, /this device/);
        const count = history.live.filter((e) => e.deviceId === DEVICES[1].deviceId).length;
        const mac = await view.page.getByRole('listitem', { name: 'MacBook Pro' }).innerText();
        assert.match(mac, /macOS · last seen 2 h ago/);
        assert.ok(mac.includes(`${count.toLocaleString()} commands`), mac);
        assert.equal(await view.page.getByRole('button', { name: 'Remove Work laptop' }).count(), 0, 'this device cannot be removed here');
        await view.screenshot(`devices-on-${theme}`);
        assert.deepEqual(view.problems, []);
      } finally {
        await view.close();
      }
    }
  });

  it('rename, remove (with confirmation), sync now, pause/resume reach the sync engine and refresh the view', async () => {
    const sync = onlineSync();
    const { view, ui } = await openDevices(browser, new MemoryHistory(sampleEntries(50)), sync);
    try {
      await view.page.getByRole('button', { name: 'Rename Gaming PC' }).click();
      const input = view.page.getByRole('textbox', { name: 'Device name' });
      await input.fill('Living room PC');
      await input.press('Enter');
      await until('renamed in the list', () => text(view), (t) => t.includes('Living room PC'));
      assert.ok(sync.calls.includes('rename:dev-win-0003:Living room PC'));

      ui.answer = false;
      await view.page.getByRole('button', { name: 'Remove MacBook Pro' }).click();
      await until('confirmation asked', async () => ui.confirms.length, (n) => n === 1);
      assert.match(ui.confirms[0]!.message, /Remove "MacBook Pro" from sync\?/);
      assert.ok(!sync.calls.some((c) => c.startsWith('remove:')), 'cancel removes nothing');
      ui.answer = true;
      await view.page.getByRole('button', { name: 'Remove MacBook Pro' }).click();
      await until('removed', () => view.page.getByRole('listitem').count(), (n) => n === 2);
      assert.ok(sync.calls.includes('remove:dev-mac-0002'));

      await view.page.getByRole('button', { name: 'Sync now' }).click();
      await until('synced', () => text(view), (t) => t.includes('0 to send') && t.includes('0 to receive'));
      await view.page.getByRole('button', { name: 'Pause' }).click();
      await until('paused', () => view.page.getByRole('button', { name: 'Resume' }).count(), (n) => n === 1);
      assert.equal(await view.page.getByRole('button', { name: 'Sync now' }).isDisabled(), true);
      await view.page.getByRole('button', { name: 'Resume' }).click();
      await until('resumed', () => view.page.getByRole('button', { name: 'Pause' }).count(), (n) => n === 1);
      assert.deepEqual(sync.calls.filter((c) => !c.includes(':')), ['syncNow', 'pause', 'resume']);
    } finally {
      await view.close();
    }
  });

  it('shows a sync failure with its fix, and live status pushes from the engine', async () => {
    const sync = onlineSync();
    const { view } = await openDevices(browser, new MemoryHistory(sampleEntries(20)), sync);
    try {
      sync.failNextSync = new CaroError('relayUnreachable', 'The sync server could not be reached.', 'Check your connection or the caroHistory.syncServerUrl setting.');
      await view.page.getByRole('button', { name: 'Sync now' }).click();
      const alerts = view.page.getByRole('alert');
      await until('error with action shown (once)', () => alerts.allInnerTexts(),
        (a) => a.length === 1 && a[0]!.includes('The sync server could not be reached.') && a[0]!.includes('caroHistory.syncServerUrl'));
      await until('state line', () => text(view), (t) => t.includes('Sync problem'));
      await view.screenshot('devices-error-dark');
      // The engine reports progress on its own: the view follows without a request.
      sync.setStatus({ state: 'offline', lastError: undefined, pendingUp: 7 });
      await until('offline pushed', () => text(view), (t) => t.includes('Offline') && t.includes('7 to send'));
    } finally {
      await view.close();
    }
  });

  it('follows the engine status like the status bar, even when the device list does not arrive (offline)', async () => {
    /** An engine whose device list stops answering once it goes offline (a pull that never completes). */
    class StallingSync extends ScriptedSync {
      stalled = false;
      deviceCalls = 0;
      override async devices() {
        if (this.stalled) {
          this.deviceCalls++;
          return new Promise<never>(() => undefined);
        }
        return super.devices();
      }
    }
    const base = onlineSync();
    const sync = new StallingSync({ ...base.status, pendingUp: 0, pendingDown: 0 }, base.deviceList);
    const { view } = await openDevices(browser, new MemoryHistory(sampleEntries(20)), sync);
    try {
      await until('synced', () => text(view), (t) => t.includes('Synced') && t.includes('MacBook Pro'));
      sync.stalled = true;
      sync.setStatus({ state: 'offline', lastError: { message: "Can't reach the sync server." }, pendingUp: 2 });
      // Offline, the engine keeps reporting (reconnect attempts, device events): the view must not starve.
      const retries = setInterval(() => sync.setStatus({}), 100);
      let t: string;
      try {
        t = await until('offline pushed although devices() never answers', () => text(view), (x) => x.includes('Offline'));
      } finally {
        clearInterval(retries);
      }
      assert.ok(sync.deviceCalls <= 2, `the stalled device list is not requested again and again (${sync.deviceCalls})`);
      assert.doesNotMatch(t, /Synced/);
      assert.match(t, /2 to send/);
      assert.match(t, /MacBook Pro/, 'the last known device list stays');
      // A queued upload while online reads "Syncing…"; an empty queue reads "Synced" (the status bar's states).
      sync.stalled = false;
      sync.setStatus({ state: 'online', lastError: undefined, pendingUp: 2 });
      await until('syncing', () => text(view), (x) => x.includes('Syncing…') && !x.includes('Offline'));
      sync.setStatus({ state: 'online', pendingUp: 0 });
      await until('synced again', () => text(view), (x) => x.includes('Synced') && !x.includes('Syncing'));
      assert.deepEqual(view.problems, []);
    } finally {
      await view.close();
    }
  });

  it('switches from the empty state to the device list when sync gets set up', async () => {
    const history = new MemoryHistory(sampleEntries(10));
    const rec = recordingServices(history, undefined);
    const ui = new ScriptedUi();
    const view = await openView(browser, { view: 'devices', controller: new DevicesController(rec.services, ui), width: 360 });
    try {
      await until('empty state', () => view.page.locator('body').innerText(), (t) => t.includes('Sync is off'));
      rec.setSync(onlineSync());
      await until('device list', () => view.page.locator('body').innerText(), (t) => t.includes('7F3A-91C2') && t.includes('Gaming PC'));
    } finally {
      await view.close();
    }
  });

  it('keeps the local command count current as commands are captured', async () => {
    const history = new MemoryHistory(sampleEntries(5));
    const { view } = await openDevices(browser, history, undefined);
    try {
      await until('5 commands', () => text(view), (t) => t.includes('5 commands on Work laptop'));
      await history.record({ commandLine: 'echo one more', startedAt: Date.now(), exitCode: 0 });
      await until('6 commands', () => text(view), (t) => t.includes('6 commands on Work laptop'));
    } finally {
      await view.close();
    }
  });
});
