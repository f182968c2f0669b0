import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('Run empties text already typed on the prompt and runs exactly the chosen command', async function () {
    await vs.clearPromptLine();
    await vs.typeInTerminal('ls -la', { enter: false });
    const before = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(ALPHA, 'Run Command in Terminal');
    const s = await vs.waitForState('the chosen command to run', (x) => x.capturedCount === before + 1);
    await vs.screenshot('run-after-pretyped-text');
    assert.equal(s.lastCaptured?.command, ALPHA, 'only the chosen command ran, not mixed with "ls -la"');
  });

  it('Insert empties text already typed on the prompt', async function () {
    await vs.clearPromptLine();
    await vs.typeInTerminal('junk-typed-before', { enter: false });
    const before = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(BETA, 'Insert Command into Terminal');
    await waitForPrompt(BETA);
    assert.ok(!(await vs.terminalPromptLine()).includes('junk-typed-before'));
    await assertNothingRanSince(before);
  });

  it('Insert of a multi-line command runs none of its lines (bracketed paste)', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'caro-e2e-ml-'));
    const marker = join(dir, 'first-line-ran');
    const command = `touch ${marker}\necho caro-ml-second-line`;
    const file = join(dir, 'multi-line.json');
    writeFileSync(file, JSON.stringify({
      exportVersion: '1.0',
      exportedAt: new Date().toISOString(),
      commands: [{ id: 'caro-e2e-ml-1', prompt: '', command, executed: true, createdAt: new Date().toISOString() }],
    }));
    try {
      await vs.runCommand('Caro History: Import History…');
      await vs.pickFileInDialog(file);
      await waitFor('the import to finish', async () => /Imported 1 command/.test(vs.state()?.lastMessage?.text ?? ''), {
        timeoutMs: 30_000,
        describe: async () => vs.state()?.lastMessage,
      });
      await vs.clearPromptLine();
      const before = vs.state()?.capturedCount ?? 0;
      await vs.runCommand('Caro History: Search History');
      await vs.waitForQuickInput('Search Caro History');
      await vs.quickInput().fill('first-line-ran');
      await waitFor('the multi-line entry in the results', async () => (await vs.quickPickItems()).length === 1, {
        describe: () => vs.quickPickItems(),
      });
      await vs.page.keyboard.press('Enter');
      await waitFor('both lines on the prompt', async () => (await vs.readTerminal()).includes('caro-ml-second-line'), {
        describe: () => vs.readTerminal(),
      });
      await vs.screenshot('multi-line-inserted');
      assert.equal(existsSync(marker), false, 'the first line did not run');
      await assertNothingRanSince(before);
      assert.equal(existsSync(marker), false, 'the first line did not run');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Enter on the critical-risk dialog does not run the command (the default button is "Don\'t Run")', async function () {
    const before = vs.state()?.capturedCount ?? 0;
    await vs.treeRowAction(CRITICAL, 'Run Command in Terminal');
    const text = await waitFor('the confirmation dialog', () => vs.dialogText());
    assert.ok(text.includes(CRITICAL), `the dialog names the command: "${text}"`);
    await vs.screenshot('critical-dialog-default');
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
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
