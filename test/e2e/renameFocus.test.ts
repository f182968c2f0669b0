import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// The e2e "5d" flake: with the history panel (a webview) focused, Rename This Device from the palette sometimes closed
// its own input box at once (playwright: "element is inert", the widget animating out). Cause: the palette hands focus
// back to the webview, which reports it a moment later, after the rename box opened; a box without ignoreFocusOut
// closes on that. Seen once in 8 renames before the fix (widget "quick-input-widget-closing" with the rename title);
// the race is timing-dependent (the first test can pass on the unfixed build), so the second test makes the webview take
// the focus on purpose while the box is open: it fails on the unfixed build every time.
describe('e2e rename with a webview focused: the rename box stays open', function () {
  this.timeout(400_000);
  let vs: VsCodeInstance;

  const machineSetting = (): unknown =>
    (JSON.parse(readFileSync(join(vs.userDataDir, 'Machine', 'settings.json'), 'utf8')) as Record<string, unknown>)['caroHistory.deviceName'];

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'rename-focus', vsix: ensureVsix(), settings: { 'caroHistory.deviceName': 'Rename 0' } });
    await vs.waitForActivation();
    await vs.openHistoryView();
    await vs.runCommand('Caro History: Open History Panel');
    await vs.webviewFrame('[role=grid][aria-label="Command history"]', 60_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('renames 8 times in a row from the palette while the history panel has focus', async function () {
    for (let i = 1; i <= 8; i++) {
      await vs.runCommand('Caro History: Rename This Device…');
      await vs.waitForQuickInput('Rename This Device');
      await vs.quickInput().fill(`Rename ${i}`);
      await vs.page.keyboard.press('Enter');
      await waitFor(`the device name "Rename ${i}" saved`, () => machineSetting() === `Rename ${i}`, { describe: machineSetting });
    }
    assert.equal(machineSetting(), 'Rename 8');
  });

  // The deterministic form of the race: the webview takes the focus while the rename box is open (what its late focus
  // report does). Without ignoreFocusOut the box closes and the rename is lost; with it the box stays and the rename
  // goes through.
  it('the rename box survives the history panel taking the focus while it is open', async function () {
    await vs.runCommand('Caro History: Rename This Device…');
    await vs.waitForQuickInput('Rename This Device');
    const grid = (await vs.webviewFrame('[role=grid][aria-label="Command history"]')).locator('[role=grid][aria-label="Command history"]');
    await grid.click({ force: true });
    await vs.page.waitForTimeout(500);
    const open = vs.page.locator('.quick-input-widget:not(.quick-input-widget-closing) .quick-input-title', { hasText: 'Rename This Device' });
    assert.equal(await open.isVisible(), true, 'the rename box is still open after the webview took the focus');
    await vs.quickInput().click();
    await vs.quickInput().fill('Rename after focus');
    await vs.page.keyboard.press('Enter');
    await waitFor('the device name saved', () => machineSetting() === 'Rename after focus', { describe: machineSetting });
  });
});
