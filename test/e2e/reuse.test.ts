import assert from 'node:assert/strict';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// Scenario 3 (issue 7 §3): reuse past commands — insert without running, Search History quick pick from the palette and
// from the terminal keybinding, and the confirmation before running a critical-risk command.
describe('e2e 3: reuse commands from history', function () {
  this.timeout(240_000);
  let vs: VsCodeInstance;
  const ALPHA = 'echo caro-reuse-alpha';
  const BETA = 'printf "%s\\n" caro-reuse-beta';
  const CRITICAL = 'mkfs.ext4 /dev/caro-e2e-missing'; // a bash function in the test HOME blocks it (see harness)

  async function waitForStored(command: string): Promise<void> {
    await waitFor(`"${command}" in the tree`, async () => (await vs.treeItems()).some((i) => i.label === command), {
      describe: async () => (await vs.treeItems()).map((i) => i.label),
    });
  }

  /** Prompt line currently ends with `command`, i.e. it was inserted and is waiting for Enter. */
  async function waitForPrompt(command: string): Promise<void> {
    await waitFor(`"${command}" on the terminal prompt`, async () => (await vs.terminalPromptLine()).endsWith(`$ ${command}`), {
      describe: () => vs.readTerminal(),
    });
  }

  /** Proves nothing ran since `before` (see proveNothingRanSince), then waits for the tree to show the marker. */
  async function assertNothingRanSince(before: number): Promise<void> {
    const s = await vs.proveNothingRanSince(before);
    await waitForStored(s.lastCaptured?.command ?? '');
  }

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'reuse', vsix: ensureVsix() });
    await vs.waitForActivation();
    await vs.openHistoryView();
    await vs.newTerminal();
    for (const c of [ALPHA, BETA, CRITICAL]) {
      await vs.typeInTerminal(c);
      await waitForStored(c);
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('"Insert Command into Terminal" from the tree puts it on the prompt without running it', async function () {
    const before = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(ALPHA, 'Insert Command into Terminal');
    await waitForPrompt(ALPHA);
    await vs.screenshot('inserted-from-tree');
    await assertNothingRanSince(before);
  });

  it('Search History from the palette finds by substring and inserts the pick', async function () {
    const before = vs.state()?.capturedCount ?? 0;
    await vs.runCommand('Caro History: Search History');
    await vs.waitForQuickInput('Search Caro History');
    await vs.quickInput().fill('reuse-be');
    const items = await waitFor('search results for "reuse-be"', async () => {
      const rows = await vs.quickPickItems();
      return rows.length > 0 && rows.every((r) => r.includes('caro-reuse-beta')) ? rows : undefined;
    }, { describe: () => vs.quickPickItems() });
    assert.equal(items.length, 1, `exactly one match: ${JSON.stringify(items)}`);
    await vs.screenshot('search-quick-pick');
    await vs.page.keyboard.press('Enter');
    await waitForPrompt(BETA);
    await assertNothingRanSince(before);
  });

  it('Ctrl+R in the terminal opens Search History (not bash reverse search) and inserts the pick', async function () {
    const before = vs.state()?.capturedCount ?? 0;
    await vs.focusTerminal();
    await vs.page.keyboard.press('Control+r');
    await waitFor('the Caro History search quick pick', async () =>
      (await vs.page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => ''))?.includes('Search Caro History'),
      { describe: () => vs.readTerminal() },
    );
    await vs.quickInput().fill('alpha');
    await waitFor('the alpha match', async () => {
      const rows = await vs.quickPickItems();
      return rows.length === 1 && rows[0]?.includes('caro-reuse-alpha');
    }, { describe: () => vs.quickPickItems() });
    await vs.page.keyboard.press('Enter');
    await waitForPrompt(ALPHA);
    await assertNothingRanSince(before);
  });

  it('a critical-risk command asks for confirmation before Run; Cancel runs nothing, confirming runs it', async function () {
    // The row's icon is its exit status (the guard function returned 1); the risk is text in the description.
    const row = (await vs.treeItems()).find((i) => i.label === CRITICAL);
    assert.ok(row);
    assert.equal(row.icon, 'error');
    assert.match(row.description, /^✗ exit 1 · ⚠ critical · /);
    const before = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(CRITICAL, 'Run Command in Terminal');
    const text = await waitFor('the confirmation dialog', () => vs.dialogText());
    assert.match(text, /erasing everything/i, `the dialog names the danger: "${text}"`);
    await vs.screenshot('critical-run-confirmation');
    await vs.clickDialogButton('Cancel');
    await assertNothingRanSince(before);

    const again = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(CRITICAL, 'Run Command in Terminal');
    const dialog = await waitFor('the confirmation dialog', () => vs.dialogText());
    const runLabel = /Run Anyway/i.test(dialog) ? 'Run Anyway' : 'Run';
    await vs.clickDialogButton(runLabel);
    const s = await vs.waitForState('the confirmed command to run', (x) => x.capturedCount === again + 1);
    assert.equal(s.lastCaptured?.command, CRITICAL);
    assert.match(await vs.readTerminal(), /caro-e2e guard: mkfs\.ext4 blocked/);
    assert.deepEqual(vs.extensionErrors, []);
  });
});
