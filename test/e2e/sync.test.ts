import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type RunningRelay } from '../../src/relay/relayServer';
import { devicesFrame, deviceNames, joinSyncThroughUi, setUpSyncThroughUi } from './harness/syncFlows';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// Scenarios 5 and 6 (issue 7 §3): two real VS Code instances (two devices) and one relay on loopback.
describe('e2e 5+6: sync across two VS Code instances, relay faults, reload', function () {
  this.timeout(420_000);
  let relayDir: string;
  let relay: RunningRelay;
  let a: VsCodeInstance;
  let b: VsCodeInstance;
  let phrase = '';

  const labels = async (vs: VsCodeInstance) => (await vs.treeItems()).map((i) => i.label);
  const waitForTree = (vs: VsCodeInstance, what: string, pred: (l: string[]) => boolean, timeoutMs = 30_000) =>
    waitFor(`${vs.name}: ${what}`, async () => {
      const l = await labels(vs);
      return pred(l) ? l : undefined;
    }, { timeoutMs, describe: () => labels(vs) });
  const statusIs = (vs: VsCodeInstance, re: RegExp, timeoutMs = 60_000) =>
    waitFor(`${vs.name}: status bar ${re}`, async () => re.test(await vs.statusBarText()), {
      timeoutMs,
      describe: () => vs.statusBarText(),
    });
  async function run(vs: VsCodeInstance, command: string): Promise<void> {
    await vs.typeInTerminal(command);
    await vs.waitForState(`"${command}" stored`, (s) => s.lastCaptured?.command === command && s.lastCaptured.stored);
  }

  before(async function () {
    relayDir = mkdtempSync(join(tmpdir(), 'caro-e2e-relay-'));
    relay = await startRelay({ port: 0, dataDir: relayDir });
    const vsix = ensureVsix();
    [a, b] = await Promise.all([
      VsCodeInstance.launch({ name: 'device-a', vsix, settings: { 'caroHistory.syncServerUrl': relay.url, 'caroHistory.deviceName': 'E2E Device A' } }),
      VsCodeInstance.launch({ name: 'device-b', vsix, settings: { 'caroHistory.syncServerUrl': relay.url, 'caroHistory.deviceName': 'E2E Device B' } }),
    ]);
    for (const vs of [a, b]) {
      await vs.waitForActivation();
      await vs.openHistoryView();
      await vs.newTerminal();
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await a?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
    await b?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await Promise.all([a?.stop(), b?.stop()]);
    await relay?.stop();
    rmSync(relayDir, { recursive: true, force: true });
  });

  it('5a: set up on A shows the phrase and checks 3 words; A\'s history is uploaded', async function () {
    await run(a, 'echo caro-sync-before-setup');
    phrase = await setUpSyncThroughUi(a);
    assert.equal(phrase.split(' ').length, 24);
    await statusIs(a, /Caro: synced/);
    assert.ok(!readFileSync(relay.dbPath).toString('latin1').includes('caro-sync-before-setup'), 'the relay never sees plaintext');
    await a.screenshot('synced');
  });

  it('5b: join on B with the phrase brings A\'s history into B\'s tree and history panel', async function () {
    await joinSyncThroughUi(b, phrase);
    await statusIs(b, /Caro: synced/);
    await waitForTree(b, "A's command", (l) => l.includes('echo caro-sync-before-setup'));
    await b.runCommand('Caro History: Open History Panel');
    const panel = await b.webviewFrame('[role=grid][aria-label="Command history"]');
    await waitFor('A\'s command in B\'s panel', async () =>
      (await panel.locator('[role=row]:not(.header) .cell.cmd').allTextContents()).includes('echo caro-sync-before-setup'),
    );
    await b.screenshot('joined-history-panel');
  });

  it('5c: a new command on A appears on B', async function () {
    const t0 = Date.now();
    await run(a, 'echo caro-sync-live');
    await waitForTree(b, 'the live command', (l) => l.includes('echo caro-sync-live'));
    console.log(`      (A → B latency including capture: ${Date.now() - t0} ms)`);
  });

  it('5d: both devices are listed in each devices view; a rename on B shows on A', async function () {
    for (const vs of [a, b]) {
      const frame = await devicesFrame(vs);
      await waitFor(`${vs.name}: both devices listed`, async () => {
        const names = await deviceNames(frame);
        return names.includes('E2E Device A') && names.includes('E2E Device B');
      }, { timeoutMs: 30_000, describe: () => deviceNames(frame) });
    }
    await b.runCommand('Caro History: Rename This Device…');
    await b.waitForQuickInput('Rename This Device');
    await b.quickInput().fill('E2E Laptop B');
    await b.page.keyboard.press('Enter');
    const frameB = await devicesFrame(b);
    await waitFor('B to show its new name', async () => (await deviceNames(frameB)).includes('E2E Laptop B'), {
      timeoutMs: 30_000,
      describe: async () => ({ names: await deviceNames(frameB), notifications: await b.notifications() }),
    });
    const frameA = await devicesFrame(a);
    await waitFor('A to show B\'s new name', async () => (await deviceNames(frameA)).includes('E2E Laptop B'), {
      timeoutMs: 30_000,
      describe: () => deviceNames(frameA),
    });
    await a.screenshot('devices-after-rename');
  });

  it('6a: relay stopped → A says offline and keeps capturing; relay back → B gets everything once', async function () {
    const port = relay.port;
    await relay.stop();
    await statusIs(a, /Caro: offline/);
    // The devices view follows the same engine status as the status bar.
    const devicesA = await devicesFrame(a);
    const stateLine = () => devicesA.locator('.state-line').innerText().catch(() => '');
    await waitFor('A\'s devices view to say offline', async () => /Offline/.test(await stateLine()), { describe: stateLine });
    await a.screenshot('offline');
    await run(a, 'echo caro-offline-1');
    await run(a, 'echo caro-offline-2');
    relay = await startRelay({ port, dataDir: relayDir });
    await statusIs(a, /Caro: synced/, 120_000);
    await waitFor('A\'s devices view to say synced', async () => /^Synced/.test((await stateLine()).trim()), { describe: stateLine });
    const l = await waitForTree(b, 'the offline commands', (x) => x.includes('echo caro-offline-1') && x.includes('echo caro-offline-2'), 120_000);
    for (const c of ['echo caro-offline-1', 'echo caro-offline-2', 'echo caro-sync-live']) {
      assert.equal(l.filter((x) => x === c).length, 1, `"${c}" exactly once on B`);
    }
  });

  it('6b: after a window reload, history and keys are still there (store on disk, SecretStorage)', async function () {
    const before = await labels(a);
    await a.reload();
    await a.openHistoryView();
    await waitForTree(a, 'history after reload', (l) => l.includes('echo caro-offline-2') && l.includes('echo caro-sync-before-setup'));
    await statusIs(a, /Caro: synced/);
    await a.newTerminal();
    await run(a, 'echo caro-after-reload');
    await waitForTree(b, 'the post-reload command', (l) => l.includes('echo caro-after-reload'));
    assert.ok(before.length > 0);
    assert.deepEqual([...a.extensionErrors, ...b.extensionErrors], []);
  });
});
