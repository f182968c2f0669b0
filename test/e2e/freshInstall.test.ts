import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

/** Text of the extension's log channel files under the user-data logs folder ('' while none is written). */
function readLogChannel(userDataDir: string): string {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('Caro History.log'))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('\n');
}

// Scenario 1 (issue 7 §3): fresh install of the packaged .vsix into a real VS Code.
describe('e2e 1: fresh install in real VS Code', function () {
  this.timeout(180_000);
  let vs: VsCodeInstance;
  let launchedAt = 0;

  before(async function () {
    const vsix = ensureVsix();
    launchedAt = performance.now();
    vs = await VsCodeInstance.launch({ name: 'fresh-install', vsix });
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
    const observedMs = performance.now() - launchedAt;
    assert.equal(state.activated, true);
    // A measured figure, not the hook's default 0: positive, and shorter than the launch this test watched.
    assert.ok(state.activateMs > 0 && state.activateMs < observedMs, `activateMs ${state.activateMs} is not within (0, ${observedMs})`);
    // The same figure the extension wrote to its log channel ("activated in X ms").
    const logged = await waitFor('the activation line in the Caro History log', () => {
      const m = /activated in (\d+\.\d) ms/.exec(readLogChannel(vs.userDataDir));
      return m ? Number(m[1]) : undefined;
    });
    assert.equal(logged, Number(state.activateMs.toFixed(1)), 'the log and the test hook report the same activation time');
    assert.deepEqual(vs.extensionErrors, []);
  });

  it('the activity-bar icon is the shipped SVG, not a blank square', async function () {
    const item = vs.page.locator('#workbench\\.parts\\.activitybar .action-item a[aria-label^="Caro History"]').first();
    const url = await waitFor('the Caro History activity-bar icon', async () => {
      const mask = await item.evaluate((el) => {
        type Style = { getPropertyValue(p: string): string };
        const st = (globalThis as unknown as { getComputedStyle(e: unknown): Style }).getComputedStyle(el);
        return st.getPropertyValue('mask-image') || st.getPropertyValue('-webkit-mask-image');
      }).catch(() => '');
      return /url\("?([^")]+)"?\)/.exec(mask)?.[1];
    });
    assert.match(url, /activitybar\.svg/);
    const res = await vs.page.request.get(url);
    assert.equal(res.status(), 200, `the icon ${url} loads`);
    assert.match(await res.text(), /<svg[\s\S]*<\/svg>/);
    await item.screenshot({ path: join(RESULTS_DIR, 'fresh-install-activitybar-icon.png') });
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
