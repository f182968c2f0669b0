import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { generatePhrase } from '../../src/core/crypto/phrase';
import { openHistory } from '../../src/core/history/historyService';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings/settings';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import { silentLogger } from '../../src/core/util/logger';
import { type RunningRelay, startRelay } from '../../src/relay/relayServer';
import { CommandId } from '../../src/extension/commands/commandIds';
import { PhraseFlow } from '../../src/extension/sync/phraseFlow';
import { type Harness, startExtension, stopExtension, waitFor, waitForEntry } from './extensionHarness';
import { FakeInputBox, type FakeWebviewPanel, shim } from './vscodeShim/vscode';

/** The 24 words as the phrase view shows them ([] when the page does not show the phrase). */
function phraseWordsIn(html: string): string[] {
  return [...html.matchAll(/<span class="w">([a-z]+)<\/span>/g)].map((m) => m[1]!);
}

/**
 * Sync through the extension's UI flows against a real Jazz relay on loopback: Set Up Sync (phrase view, copy,
 * "I saved it", 3-word check), status bar, Show Recovery Phrase, then a second device (the core, separate store)
 * joins with the phrase and receives the command captured in the extension.
 */
describe('extension sync flows (real relay on 127.0.0.1)', function () {
  this.timeout(90_000);
  let relay: RunningRelay | undefined;
  let h: Harness | undefined;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caro-ext-sync-'));
    relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'relay') });
  });

  after(async () => {
    await stopExtension(h);
    await relay?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let phraseA = '';

  it('sets up sync with the phrase view and 3-word check, syncs a captured command to a joining device', async () => {
    h = await startExtension(() => shim.config.set('caroHistory.syncServerUrl', relay!.url));
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'echo synced-from-vscode', { exitCode: 0 });
    await waitForEntry(h, 'echo synced-from-vscode');

    let words: string[] = [];
    let wrongOnce = true;
    const duringCheck: { html: string; enabled: unknown; state: string }[] = [];
    shim.onInputBox = (o) => {
      duringCheck.push({
        html: PhraseFlow.currentPanel?.webview.html ?? '',
        enabled: shim.config.get('caroHistory.syncEnabled'),
        state: h!.api.services.syncEngine?.status.state ?? 'no engine',
      });
      const n = Number(/#(\d+)/.exec(o.prompt ?? '')?.[1]);
      if (wrongOnce) {
        wrongOnce = false;
        return 'notmyword';
      }
      return words[n - 1];
    };
    const done = shim.executeCommand(CommandId.setupSync);
    const panel = (await waitFor(() => PhraseFlow.currentPanel, 'the recovery phrase view')) as unknown as FakeWebviewPanel;
    words = phraseWordsIn(panel.webview.html);
    const phrase = words.join(' ');
    phraseA = phrase;
    assert.equal(words.length, 24);
    assert.match(panel.webview.html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(panel.webview.html, /Sync is on/, 'the view does not claim sync is on before the check');
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined, 'nothing set up while the phrase is shown');
    assert.notEqual(shim.config.get('caroHistory.syncEnabled'), true, 'sync stays off while the phrase is shown');
    panel.webview.receive({ type: 'copy' });
    await waitFor(() => (shim.clipboard === phrase ? true : undefined), 'the phrase on the clipboard');
    panel.webview.receive({ type: 'saved' });
    await done;
    assert.equal(duringCheck.length, 4);
    for (const seen of duringCheck) {
      assert.deepEqual(phraseWordsIn(seen.html), [], 'the phrase is hidden while the words are typed back');
      assert.equal(words.some((w) => seen.html.includes(`>${w}<`)), false, 'no phrase word in the page during the check');
      assert.notEqual(seen.enabled, true, 'sync setting off until the check passed');
      assert.equal(seen.state, 'uninitialised', 'nothing uploaded or connected until the check passed');
    }
    assert.equal(await h.api.services.vault.get('recoveryPhrase'), phrase, 'phrase kept in SecretStorage once confirmed (decision 5)');
    assert.equal(panel.disposed, true, 'the phrase view closes after the check');
    assert.equal(shim.inputPrompts.length, 4, '3 words asked, one asked again after a wrong answer');
    assert.match(shim.inputPrompts[1]?.prompt ?? '', /That isn't word #\d+/);
    assert.match(shim.messages.at(-1)?.text ?? '', /Sync is set up/);
    assert.equal(shim.config.get('caroHistory.syncEnabled'), true);
    const log = shim.outputChannels.flatMap((c) => c.lines).join('\n');
    assert.equal(words.some((w) => log.includes(` ${w} ${words[words.indexOf(w) + 1] ?? ''}`)), false, 'phrase not logged');

    const status = await waitFor(() => {
      const text = shim.statusBarItem('caroHistory.status')?.text;
      return text === '$(check) Caro: synced' ? text : undefined;
    }, 'the status bar to say synced', 60_000);
    assert.equal(status, '$(check) Caro: synced');

    // Show Recovery Phrase: modal first; cancel shows nothing, confirm shows the same words.
    const panelsBefore = shim.panels.length;
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.showRecoveryPhrase);
    assert.equal(shim.messages.at(-1)?.modal, true);
    assert.equal(shim.panels.length, panelsBefore);
    shim.onMessage = (m) => (m.modal ? 'Show Phrase' : undefined);
    await shim.executeCommand(CommandId.showRecoveryPhrase);
    const shown = shim.panels.at(-1)!;
    assert.ok(shown.webview.html.includes(`<span class="w">${words[23]}</span>`));
    shown.dispose();

    // A second device joins with the phrase (the core alone, its own store) and gets the command.
    const settingsB: Settings = { ...DEFAULT_SETTINGS, syncEnabled: true, syncServerUrl: relay!.url };
    const historyB = await openHistory({
      dbPath: join(dir, 'b.db'),
      vault: new MemoryKeyVault(),
      deviceId: 'device-b',
      settings: () => settingsB,
      logger: silentLogger,
    });
    const engineB = await createSyncEngine({
      history: historyB,
      db: historyB.db,
      vault: new MemoryKeyVault(),
      settings: () => settingsB,
      logger: silentLogger,
      deviceName: 'B',
      platform: 'linux',
      deviceId: 'device-b',
    });
    try {
      const { downloaded } = await engineB.join(phrase);
      assert.ok(downloaded >= 1);
      const got = await historyB.latest(10);
      assert.ok(got.some((e) => e.command === 'echo synced-from-vscode'));
    } finally {
      await engineB.dispose();
      historyB.close();
    }
  });

  it('Join Sync from the UI: a phrase with no synced history changes nothing; the right one downloads history', async () => {
    assert.ok(phraseA, 'needs the phrase from the set-up test');
    await stopExtension(h);
    h = await startExtension(() => shim.config.set('caroHistory.syncServerUrl', relay!.url));
    const join = async (phrase: string): Promise<void> => {
      const done = shim.executeCommand(CommandId.joinSync);
      const box = (await waitFor(
        () => shim.quickInputs.find((q): q is FakeInputBox => q instanceof FakeInputBox && q.visible),
        'the phrase input',
      )) as FakeInputBox;
      box.type(phrase);
      box.accept();
      await done;
    };
    await join(generatePhrase());
    const err = shim.messages.at(-1)!;
    assert.equal(err.severity, 'error');
    assert.match(err.text, /does not match any synced history/);
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined, 'nothing stored');
    assert.equal(shim.config.get('caroHistory.syncEnabled'), false, 'setting restored');
    assert.equal(shim.statusBarItem('caroHistory.status')?.text, '$(cloud) Caro: sync off');

    await join(phraseA);
    assert.match(shim.messages.at(-1)?.text ?? '', /^Joined\. \d+ commands? from your other devices/);
    await waitForEntry(h, 'echo synced-from-vscode');
    assert.ok(await h.api.services.vault.get('syncIdentity'));
    await waitFor(
      () => (shim.statusBarItem('caroHistory.status')?.text === '$(check) Caro: synced' ? true : undefined),
      'the status bar to say synced',
      60_000,
    );
  });
  it('pause/resume/sync now, rename, remove a device, rotate, reset, set up again and turn off, each from its command', async () => {
    assert.ok(h && (await h.api.services.vault.get('syncIdentity')), 'needs the joined device from the previous test');
    const statusText = (): string | undefined => shim.statusBarItem('caroHistory.status')?.text;
    const waitStatus = (text: string): Promise<boolean> =>
      waitFor(() => (statusText() === text ? true : undefined), `status bar "${text}"`, 60_000).catch((e: unknown) => {
        throw new Error(`${String(e)}; status bar: ${statusText()}; last messages: ${JSON.stringify(shim.messages.slice(-3).map((m) => m.text))}`);
      });

    await shim.executeCommand(CommandId.pauseSync);
    await waitStatus('$(debug-pause) Caro: sync paused');
    await shim.executeCommand(CommandId.resumeSync);
    await waitStatus('$(check) Caro: synced');
    const errorsBefore = shim.messages.filter((m) => m.severity === 'error').length;
    await shim.executeCommand(CommandId.syncNow);
    assert.equal(shim.messages.filter((m) => m.severity === 'error').length, errorsBefore, 'sync now succeeded');

    const sync = h.api.services.syncEngine!;
    await shim.executeCommand(CommandId.renameDevice, 'Laptop B');
    assert.ok((await sync.devices()).some((d) => d.isCurrent && d.name === 'Laptop B'));

    const others = (await sync.devices()).filter((d) => !d.isCurrent);
    assert.ok(others.length >= 1, 'the set-up device is listed');
    const victim = others[0]!;
    // Device names come from other devices: one that looks like a command link must never reach a notification.
    const hostileName = '[Clear](command:caroHistory.clearHistory)';
    await sync.renameDevice(victim.deviceId, hostileName);
    const messagesBefore = shim.messages.length;
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.removeDevice, victim.deviceId);
    const ask = shim.messages.at(-1)!;
    assert.equal(ask.modal, true);
    assert.match(ask.detail ?? '', /Commands it already synced stay in your history/);
    assert.match(ask.detail ?? '', /Removing does not lock it out: that device still knows your recovery phrase and can join again/);
    assert.deepEqual(ask.items, ['Remove Device', 'Remove and Rotate Phrase'], 'rotating is offered where the device is removed');
    assert.ok((await sync.devices()).some((d) => d.deviceId === victim.deviceId), 'cancel keeps the device');
    shim.onMessage = (m) => (m.modal ? 'Remove Device' : undefined);
    await shim.executeCommand(CommandId.removeDevice, victim.deviceId);
    assert.equal((await sync.devices()).some((d) => d.deviceId === victim.deviceId), false);
    assert.match(shim.messages.at(-1)?.text ?? '', /can still join again with your recovery phrase until you run "Caro History: Rotate Recovery Phrase"/);
    for (const m of shim.messages.slice(messagesBefore).filter((x) => !x.modal)) {
      assert.equal(m.text.includes('command:'), false, `device name in a notification: ${m.text}`);
    }
    await shim.executeCommand(CommandId.removeDevice, victim.deviceId);
    assert.match(shim.messages.at(-1)?.text ?? '', /not in your device list any more/, 'a stale id is refused, not replaced by a pick');

    let newWords: string[] = [];
    shim.onInputBox = (o) => newWords[Number(/#(\d+)/.exec(o.prompt ?? '')?.[1]) - 1];
    shim.onMessage = (m) => (m.modal ? 'Rotate Phrase' : undefined);
    const rotating = shim.executeCommand(CommandId.rotateKey);
    const panel = (await waitFor(
      () => shim.panels.find((p) => !p.disposed && p.title === 'Your New Recovery Phrase'),
      'the new phrase view',
      60_000,
    )) as unknown as FakeWebviewPanel;
    const rotated = (await h.api.services.vault.get('recoveryPhrase'))!;
    assert.notEqual(rotated, phraseA, 'a new phrase');
    newWords = rotated.split(' ');
    assert.ok(panel.webview.html.includes(`<span class="w">${newWords[0]}</span>`));
    panel.webview.receive({ type: 'saved' });
    await rotating;
    assert.equal(panel.disposed, true);
    await waitStatus('$(check) Caro: synced');

    shim.onMessage = (m) => (m.modal ? 'Reset Sync' : undefined);
    await shim.executeCommand(CommandId.resetSync);
    const reset = shim.messages.find((m) => m.modal && m.text === 'Reset sync on every device?');
    assert.match(reset?.detail ?? '', /deleted from the server/);
    await waitStatus('$(cloud) Caro: sync off');
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined);
    assert.equal(await h.api.services.vault.get('recoveryPhrase'), undefined);
    assert.ok((await (await h.api.services.history()).latest(10)).some((e) => e.command === 'echo synced-from-vscode'), 'local history kept');

    // Set Up Sync, then close the phrase view before the check: nothing is set up, sync stays off.
    const abandoned = shim.executeCommand(CommandId.setupSync);
    const closedEarly = (await waitFor(
      () => shim.panels.find((p) => !p.disposed && p.title === 'Your Caro History Recovery Phrase'),
      'the phrase view',
    )) as unknown as FakeWebviewPanel;
    closedEarly.dispose();
    await abandoned;
    assert.match(shim.messages.at(-1)?.text ?? '', /Sync was not set up, and nothing left this device/);
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined);
    assert.equal(shim.config.get('caroHistory.syncEnabled'), false);
    assert.equal(statusText(), '$(cloud) Caro: sync off');

    // Set up a new history, then Turn Off Sync on this device: keys forgotten, history kept, setting off.
    let freshWords: string[] = [];
    shim.onInputBox = (o) => freshWords[Number(/#(\d+)/.exec(o.prompt ?? '')?.[1]) - 1];
    const settingUp = shim.executeCommand(CommandId.setupSync);
    const fresh = (await waitFor(
      () => shim.panels.find((p) => !p.disposed && p.title === 'Your Caro History Recovery Phrase'),
      'the phrase view',
      60_000,
    )) as unknown as FakeWebviewPanel;
    freshWords = phraseWordsIn(fresh.webview.html);
    fresh.webview.receive({ type: 'saved' });
    await settingUp;
    await waitStatus('$(check) Caro: synced');
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.turnOffSync);
    assert.match(shim.messages.at(-1)?.detail ?? '', /Its history stays here/);
    assert.ok(await h.api.services.vault.get('syncIdentity'), 'cancel keeps sync on');
    shim.onMessage = (m) => (m.modal ? 'Turn Off Sync' : undefined);
    await shim.executeCommand(CommandId.turnOffSync);
    await waitStatus('$(cloud) Caro: sync off');
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined);
    assert.equal(await h.api.services.vault.get('recoveryPhrase'), undefined);
    assert.equal(shim.config.get('caroHistory.syncEnabled'), false);
    assert.ok((await (await h.api.services.history()).latest(10)).some((e) => e.command === 'echo synced-from-vscode'));
  });
});
