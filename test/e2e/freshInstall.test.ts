import assert from 'node:assert/strict';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// Scenario 1 (issue 7 §3): fresh install of the packaged .vsix into a real VS Code.
describe('e2e 1: fresh install in real VS Code', function () {
  this.timeout(180_000);
  let vs: VsCodeInstance;

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'fresh-install', vsix: ensureVsix() });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('activates from the installed .vsix, with no errors from the extension', async function () {
    const state = await vs.waitForActivation();
    assert.equal(state.activated, true);
    assert.ok(state.activateMs >= 0, 'activateMs is reported');
    assert.deepEqual(vs.extensionErrors, []);
  });

  it('shows "sync off" in the status bar', async function () {
    const text = await waitFor('the Caro status bar item', async () => {
      const t = await vs.statusBarText();
      return /sync off/i.test(t) ? t : undefined;
    }, { describe: () => vs.statusBarText() });
    assert.match(text, /Caro: sync off/);
    assert.equal(vs.state()?.syncState, 'off');
    await vs.screenshot('status-bar-sync-off');
  });

  it('opens the history view with an empty state that says what to do', async function () {
    await vs.openHistoryView();
    const welcome = await waitFor('the empty-history message', async () => {
      const t = await vs.welcomeText();
      return t.length > 0 ? t : undefined;
    });
    assert.match(welcome, /terminal/i, `the empty state should point at running a command in a terminal: "${welcome}"`);
    assert.deepEqual(await vs.treeItems(), [], 'no history entries on a fresh install');
    assert.equal(vs.state()?.storedCount, 0);
    await vs.screenshot('empty-history-view');
    assert.deepEqual(vs.extensionErrors, []);
  });
});
