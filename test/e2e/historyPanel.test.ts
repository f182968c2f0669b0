import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// Scenario 4 (issue 7 §3): the history panel webview in real VS Code — search as you type, keyboard insert, delete.
describe('e2e 4: history panel', function () {
  this.timeout(240_000);
  let vs: VsCodeInstance;
  let panel: Frame;
  const COMMANDS = ['echo caro-panel-one', 'echo caro-panel-two', 'echo caro-panel-three'];

  const panelRows = (): Promise<string[]> =>
    panel
      .locator('[role=grid] [role=row]:not(.header) .cell.cmd')
      .evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').trim()))
      .catch(() => []);
  const waitForRows = (what: string, pred: (rows: string[]) => boolean) =>
    waitFor(what, async () => {
      const rows = await panelRows();
      return pred(rows) ? rows : undefined;
    }, { describe: panelRows });

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'history-panel', vsix: ensureVsix() });
    await vs.waitForActivation();
    await vs.openHistoryView();
    await vs.newTerminal();
    for (const c of COMMANDS) {
      await vs.typeInTerminal(c);
      await vs.waitForState(`"${c}" stored`, (s) => s.lastCaptured?.command === c && s.lastCaptured.stored);
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('opens from the palette and lists the stored commands', async function () {
    await vs.runCommand('Caro History: Open History Panel');
    panel = await vs.webviewFrame('[role=grid][aria-label="Command history"]');
    const rows = await waitForRows('all three commands in the panel', (r) => COMMANDS.every((c) => r.includes(c)));
    assert.equal(rows.filter((r) => r.startsWith('echo caro-panel-')).length, 3);
    // The Exit cell shows a check for success, drawn with the codicon font (a blank cell if the font did not load).
    const exitCell = panel.locator('[role=grid] [role=row]:not(.header)', { hasText: 'echo caro-panel-one' }).locator('.cell.exit');
    assert.equal(await exitCell.locator('.codicon-pass').count(), 1, 'a check icon in the Exit cell');
    assert.equal((await exitCell.innerText()).trim(), 'succeeded', 'screen readers hear "succeeded"');
    const glyph = await exitCell.locator('.codicon-pass').evaluate(async (el) => {
      const doc = (globalThis as unknown as { document: { fonts: { ready: Promise<unknown>; check(f: string, t: string): boolean } } }).document;
      await doc.fonts.ready;
      const before = (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string; fontFamily: string; color: string } }).getComputedStyle(el, '::before');
      return { content: before.content, font: before.fontFamily, loaded: doc.fonts.check('16px codicon', before.content.replace(/"/g, '')), color: before.color };
    });
    assert.notEqual(glyph.content, 'none', 'the check glyph is set');
    assert.match(glyph.font, /codicon/);
    assert.equal(glyph.loaded, true, `the codicon font is loaded (${JSON.stringify(glyph)})`);
    await vs.screenshot('history-panel');
  });

  it('filters as you type', async function () {
    const search = panel.locator('input[aria-label="Search history"]');
    await search.click();
    await search.pressSequentially('panel-tw', { delay: 30 });
    const rows = await waitForRows('only the matching command', (r) => r.length === 1);
    assert.deepEqual(rows, ['echo caro-panel-two']);
    await vs.screenshot('history-panel-search');
  });

  it('Enter inserts the focused command into the terminal without running it', async function () {
    const before = vs.state()?.capturedCount ?? 0;
    await panel.locator('input[aria-label="Search history"]').press('Enter'); // moves focus into the list
    await waitFor('the grid to have focus', () =>
      panel.evaluate(() => {
        const d = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document;
        return d.activeElement?.getAttribute('role') === 'grid';
      }),
    );
    await vs.page.keyboard.press('Enter');
    await waitFor('the command on the terminal prompt', async () => (await vs.terminalPromptLine()).endsWith('$ echo caro-panel-two'), {
      describe: () => vs.readTerminal(),
    });
    await vs.proveNothingRanSince(before);
  });

  it('Delete removes the command from the panel and from the tree', async function () {
    const search = panel.locator('input[aria-label="Search history"]');
    await search.fill('panel-three');
    await waitForRows('only "three"', (r) => r.length === 1 && r[0] === 'echo caro-panel-three');
    await search.press('Enter');
    await vs.page.keyboard.press('Delete');
    await waitForRows('the deleted command gone from the panel', (r) => r.length === 0);
    await search.fill('');
    const rows = await waitForRows('the other commands still listed', (r) => r.includes('echo caro-panel-one'));
    assert.ok(!rows.includes('echo caro-panel-three'));
    await waitFor('the deleted command gone from the tree', async () => {
      const labels = (await vs.treeItems()).map((i) => i.label);
      return labels.includes('echo caro-panel-one') && !labels.includes('echo caro-panel-three');
    }, { describe: async () => (await vs.treeItems()).map((i) => i.label) });
    await vs.screenshot('history-panel-after-delete');
    assert.deepEqual(vs.extensionErrors, []);
  });

  it('Insert acts on the highlighted entry while new commands arrive above it (by id, not row position)', async function () {
    await panel.locator('input[aria-label="Search history"]').fill('');
    await waitForRows('the list back', (r) => r.includes('echo caro-panel-one'));
    await panel.locator('[role=grid] [role=row]:not(.header)', { hasText: 'echo caro-panel-one' }).click();
    await waitFor('its details', async () => (await panel.locator('.full-command').innerText().catch(() => '')) === 'echo caro-panel-one');
    for (const c of ['echo caro-panel-new-1', 'echo caro-panel-new-2']) {
      await vs.typeInTerminal(c);
      await vs.waitForState(`"${c}" stored`, (s) => s.lastCaptured?.command === c && s.lastCaptured.stored);
    }
    await waitForRows('the new commands on top of the panel', (r) => r[0] === 'echo caro-panel-new-2');
    assert.equal(await panel.locator('.full-command').innerText(), 'echo caro-panel-one', 'the details still show the chosen entry');
    const before = vs.state()?.capturedCount ?? 0;
    await panel.locator('.detail-actions button', { hasText: 'Insert' }).click();
    await waitFor('the chosen command on the terminal prompt', async () => (await vs.terminalPromptLine()).endsWith('$ echo caro-panel-one'), {
      describe: () => vs.readTerminal(),
    });
    await vs.screenshot('history-panel-insert-after-new-rows');
    await vs.proveNothingRanSince(before);
  });
});
