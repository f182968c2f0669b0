import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { CaroError } from '../../src/core/model/errors';
import { HistoryController } from '../../src/extension/webviews/historyController';
import { type OpenedView, ScriptedUi, launchChromium, openView, recordingServices } from './webviewHarness/harness';
import { until } from './webviewHarness/until';
import { MemoryHistory } from './webviewHarness/memoryHistory';
import { DEVICES, sampleEntries } from './webviewHarness/sampleHistory';
import { ScriptedSync } from './webviewHarness/scriptedSync';
import type { ThemeName } from './webviewHarness/themes';

const NOW = Date.UTC(2026, 10, 25, 15, 0, 0);

function syncWithDevices(): ScriptedSync {
  return new ScriptedSync(
    { state: 'online', pendingUp: 0, pendingDown: 0 },
    DEVICES.map((d, i) => ({ ...d, schemaVersion: 1, firstSeen: NOW - 9e8, lastSeen: NOW - i * 3.6e6, isCurrent: i === 0 })),
  );
}

async function openHistory(browser: Browser, history: MemoryHistory, opts: { theme?: ThemeName; state?: unknown; width?: number; height?: number } = {}) {
  const rec = recordingServices(history, syncWithDevices());
  const ui = new ScriptedUi();
  const view = await openView(browser, { view: 'history', controller: new HistoryController(rec.services, ui), ...opts });
  await view.page.locator('.rows > .row[data-id]').first().waitFor();
  return { view, ui, rec };
}

async function rowIds(view: OpenedView): Promise<string[]> {
  return view.page.locator('.rows > .row[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
}

async function visibleCommands(view: OpenedView): Promise<string[]> {
  return view.page.locator('.rows > .row[data-id] .cmd-text').allTextContents();
}

const status = (view: OpenedView): Promise<string> => view.page.locator('.statusline').innerText();
const grid = (view: OpenedView) => view.page.getByRole('grid', { name: 'Command history' });

describe('history panel in Chromium (webview harness)', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('renders the newest commands after the ready handshake, under the strict CSP, in light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const history = new MemoryHistory(sampleEntries(500));
      const { view } = await openHistory(browser, history, { theme });
      try {
        const first = history.live[0]!;
        const ids = await rowIds(view);
        assert.equal(ids[0], first.id, 'newest entry first');
        assert.ok(ids.length > 10 && ids.length < 80, `windowed rows rendered: ${ids.length}`);
        assert.match(await view.page.locator('.statusline').innerText(), /500 commands/);
        assert.equal(view.posted.length > 0 && (view.posted[0] as { body: { type: string } }).body.type, 'ready', 'first message is ready');
        assert.equal(view.sent[0]?.body.type, 'init', 'the host answers ready with init before anything else');
        // Device names come from the sync device list; a risk badge is shown for risky commands.
        assert.ok((await view.page.locator('.rows .cell.dev').allTextContents()).includes('MacBook Pro'));
        assert.ok(await view.page.locator('.rows .badge.risk-critical').count() > 0);
        // Focus the list and open the detail pane + stats for the screenshot.
        await view.page.locator('.rows > .row[data-id]').nth(8).click();
        await view.page.locator('.timeline li').first().waitFor();
        await view.page.getByRole('button', { name: 'Statistics' }).click();
        await view.page.locator('.chart rect.bar').first().waitFor();
        await view.screenshot(`history-${theme}`);
        assert.deepEqual(view.problems, [], 'no CSP violations or page errors');
      } finally {
        await view.close();
      }
    }
  });

  it('searches as you type (debounced) and shows only matching rows with the host-computed total', async () => {
    const history = new MemoryHistory(sampleEntries(500));
    const { view } = await openHistory(browser, history);
    try {
      const before = view.posted.length;
      await view.page.getByRole('searchbox', { name: 'Search history' }).pressSequentially('docker');
      const expected = history.live.filter((e) => history.matches(e, { text: 'docker' })).length;
      assert.ok(expected > 0 && expected < 500);
      await until('status shows the match count', () => status(view), (t) => t.includes(`${expected} commands match`));
      const cmds = await visibleCommands(view);
      assert.ok(cmds.length > 0 && cmds.every((c) => c.includes('docker')), `only docker rows: ${cmds.join(' | ')}`);
      const textQueries = view.posted.slice(before)
        .map((m) => (m as { body: { type: string; filter?: { text?: string } } }).body)
        .filter((b) => b.type === 'history/query' && b.filter?.text !== undefined);
      // Debounced: the last query is the full text and there are fewer queries than keystrokes (usually one).
      assert.equal(textQueries[textQueries.length - 1]?.filter?.text, 'docker');
      assert.ok(textQueries.length < 'docker'.length, `queries: ${textQueries.map((q) => q.filter?.text).join(', ')}`);
      await view.page.getByRole('searchbox', { name: 'Search history' }).fill('');
      await until('all rows back', () => status(view), (t) => t.startsWith('500 commands'));
    } finally {
      await view.close();
    }
  });

  it('filter chips (failed only, risk level, device) narrow the list through the host query', async () => {
    const history = new MemoryHistory(sampleEntries(500));
    const { view } = await openHistory(browser, history);
    try {
      await view.page.getByRole('button', { name: 'Failed only' }).click();
      const failed = history.live.filter((e) => e.success === false).length;
      await until('failed-only count', () => status(view), (t) => t.includes(`${failed} commands match`));
      const exits = await view.page.locator('.rows > .row[data-id] .cell.exit').evaluateAll((els) => els.map((e) => e.querySelector('.fail') !== null));
      assert.ok(exits.length > 0 && exits.every(Boolean), `every row failed: ${JSON.stringify(exits)}`);

      await view.page.getByRole('group', { name: 'Risk level' }).getByRole('button', { name: 'critical' }).click();
      const both = history.live.filter((e) => e.success === false && e.riskLevel === 'critical').length;
      assert.ok(both > 0);
      await until('failed+critical count', () => status(view), (t) => t.includes(`${both} commands match`));
      const last = history.searches[history.searches.length - 1]!;
      assert.equal(last.filter.status, 'failed');
      assert.deepEqual(last.filter.riskLevels, ['critical']);

      await view.page.getByRole('button', { name: 'Clear filters' }).click();
      await until('cleared', () => status(view), (t) => t.startsWith('500 commands'));

      await view.page.getByRole('combobox', { name: 'Filter by device' }).selectOption({ label: 'Gaming PC' });
      const gaming = history.live.filter((e) => e.deviceId === 'dev-win-0003').length;
      await until('device filter', () => status(view), (t) => t.includes(`${gaming} commands match`));
      const devs = await view.page.locator('.rows > .row[data-id] .cell.dev').allTextContents();
      assert.ok(devs.length > 0 && devs.every((d) => d === 'Gaming PC'), devs.join(','));
    } finally {
      await view.close();
    }
  });

  it('keyboard: arrows move, Enter inserts, Ctrl+Enter runs, Delete removes the focused entry', async () => {
    const history = new MemoryHistory(sampleEntries(300));
    const { view, rec, ui } = await openHistory(browser, history);
    try {
      const ids = history.live.map((e) => e.id);
      await view.page.locator(`.rows > .row[data-id="${ids[0]}"]`).click();
      await view.page.keyboard.press('ArrowDown');
      await view.page.keyboard.press('ArrowDown');
      assert.equal(await grid(view).getAttribute('aria-activedescendant'), 'row-2');
      await view.page.keyboard.press('Enter');
      await until('insert reached the host', async () => rec.inserted.length, (n) => n === 1);
      assert.deepEqual(rec.inserted[0], { id: ids[2], command: history.live[2]!.command, run: false });
      await view.page.keyboard.press('Control+Enter');
      await until('run reached the host', async () => rec.inserted.length, (n) => n === 2);
      assert.deepEqual(rec.inserted[1], { id: ids[2], command: history.live[2]!.command, run: true });

      await view.page.keyboard.press('Delete');
      await until('entry deleted in the history', async () => (await history.get(ids[2]!))?.deletedAt !== undefined, Boolean);
      assert.equal(ui.confirms.length, 0, 'a single delete needs no confirmation');
      await until('row gone from the list', () => rowIds(view), (r) => !r.includes(ids[2]!) && r.includes(ids[3]!));
      await until('count updated', () => status(view), (t) => t.startsWith('299 commands'));
      // Focus stays at the same position, now on the next entry: Enter inserts that one.
      await view.page.keyboard.press('Enter');
      await until('insert after delete', async () => rec.inserted.length, (n) => n === 3);
      assert.equal(rec.inserted[2]!.id, ids[3]);
    } finally {
      await view.close();
    }
  });

  it('multi-select: shift-click range + Delete asks once and deletes all; Ctrl+A covers every match; cancel deletes nothing', async () => {
    const history = new MemoryHistory(sampleEntries(400));
    const { view, ui, rec } = await openHistory(browser, history);
    try {
      const ids = history.live.map((e) => e.id);
      await view.page.locator(`.rows > .row[data-id="${ids[0]}"]`).click();
      await view.page.locator(`.rows > .row[data-id="${ids[3]}"]`).click({ modifiers: ['Shift'] });
      await until('4 selected', () => status(view), (t) => t.includes('4 selected'));
      assert.equal(await view.page.locator('.rows > .row[aria-selected="true"]').count(), 4);
      await view.page.keyboard.press('Delete');
      await until('bulk delete done', async () => history.live.length, (n) => n === 396);
      assert.equal(ui.confirms.length, 1);
      assert.match(ui.confirms[0]!.message, /Delete 4 commands/);
      for (const id of ids.slice(0, 4)) assert.ok((await history.get(id))?.deletedAt !== undefined, `${id} deleted`);
      await until('list refreshed', () => rowIds(view), (r) => r[0] === ids[4]);

      // Ctrl-click builds a sparse selection; export sends exactly those entries.
      await view.page.locator(`.rows > .row[data-id="${ids[4]}"]`).click();
      await view.page.locator(`.rows > .row[data-id="${ids[6]}"]`).click({ modifiers: ['Control'] });
      await until('2 selected', () => status(view), (t) => t.includes('2 selected'));
      await view.page.getByRole('button', { name: 'Export' }).click();
      await until('export reached the host', async () => rec.exported.length, (n) => n === 1);
      assert.deepEqual(rec.exported[0]!.map((e) => e.id).sort(), [ids[4], ids[6]].sort());

      // Ctrl+A = every matching entry (not only the rendered ones); cancelling the confirmation keeps everything.
      await grid(view).focus();
      await view.page.keyboard.press('Control+a');
      await until('all selected', () => status(view), (t) => t.includes('396 selected'));
      ui.answer = false;
      await view.page.keyboard.press('Delete');
      await until('confirmation asked', async () => ui.confirms.length, (n) => n === 2);
      assert.match(ui.confirms[1]!.message, /Delete 396 commands/);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(history.live.length, 396, 'cancel deletes nothing');
    } finally {
      await view.close();
    }
  });

  it('detail pane shows the full command, warnings, prompt and the same command across devices', async () => {
    const history = new MemoryHistory(sampleEntries(600));
    const { view } = await openHistory(browser, history);
    try {
      const critical = history.live.find((e) => e.riskLevel === 'critical')!;
      await view.page.getByRole('searchbox', { name: 'Search history' }).fill('curl');
      await view.page.locator(`.rows > .row[data-id="${critical.id}"]`).click();
      const pane = view.page.getByRole('complementary', { name: 'Details' });
      await until('full command shown', () => pane.locator('.full-command').innerText(), (t) => t === critical.command);
      // The warnings arrive with the entry's details; wait for them rather than reading the first render.
      const warnings = await until(
        'warnings shown',
        () => pane.getByRole('note', { name: 'Safety warnings' }).locator('li').allTextContents(),
        (w) => w.length === critical.warnings.length,
      );
      assert.deepEqual(warnings, critical.warnings);
      const same = history.live.filter((e) => e.command === critical.command);
      // Wait for this command's timeline (a previous focus may briefly show another one under load).
      await until('timeline of this command', () => pane.locator('.timeline li').count(), (n) => n === Math.min(50, same.length));
      const devicesInTimeline = new Set(await pane.locator('.timeline .tl-dev').allTextContents());
      const expectedDevices = new Set(same.slice(0, 50).map((e) => DEVICES.find((d) => d.deviceId === e.deviceId)!.name));
      assert.deepEqual([...devicesInTimeline].sort(), [...expectedDevices].sort());

      const withPrompt = history.live.find((e) => e.prompt !== '')!;
      await view.page.getByRole('searchbox', { name: 'Search history' }).fill(withPrompt.command);
      await view.page.locator(`.rows > .row[data-id="${withPrompt.id}"]`).click();
      await until('prompt shown', () => pane.locator('.nl').innerText(), (t) => t.includes(withPrompt.prompt));
    } finally {
      await view.close();
    }
  });

  it('stays windowed with 100 000 rows: End jumps to the oldest, scrolling loads pages on demand', async () => {
    const history = new MemoryHistory(sampleEntries(100_000));
    const { view } = await openHistory(browser, history);
    try {
      assert.match(await status(view), /100,000 commands/);
      const rendered = await view.page.locator('.rows > .row').count();
      assert.ok(rendered < 100, `DOM rows: ${rendered}`);
      await view.page.locator('.rows > .row[data-id]').first().click();
      await view.page.keyboard.press('End');
      const oldest = history.live[history.live.length - 1]!.id;
      await until('oldest row rendered', () => rowIds(view), (r) => r.includes(oldest));
      assert.equal(await grid(view).getAttribute('aria-activedescendant'), 'row-99999');
      await grid(view).evaluate((el) => { el.scrollTop = 50_000 * 24; });
      const mid = history.live[50_010]!.id;
      await until('middle rows rendered', () => rowIds(view), (r) => r.includes(mid));
      assert.ok(await view.page.locator('.rows > .row').count() < 100);
      // Pages are fetched on demand (200 rows each), never the whole history.
      const maxLimit = Math.max(...history.searches.map((q) => q.limit));
      assert.ok(maxLimit <= 200 && history.searches.length < 40, `${history.searches.length} queries, max limit ${maxLimit}`);
    } finally {
      await view.close();
    }
  });

  it('restores filters, selection and scroll from getState when reopened', async () => {
    const history = new MemoryHistory(sampleEntries(20_000));
    const first = await openHistory(browser, history);
    let saved: unknown;
    let selectedIds: string[] = [];
    try {
      const v = first.view;
      await v.page.getByRole('searchbox', { name: 'Search history' }).fill('git');
      await v.page.getByRole('button', { name: 'Failed only' }).click();
      const expected = history.live.filter((e) => history.matches(e, { text: 'git', status: 'failed' })).length;
      await until('filtered', () => status(v), (t) => t.includes(`${expected} commands match`));
      await grid(v).evaluate((el) => { el.scrollTop = 40 * 24; });
      await v.page.waitForTimeout(300);
      // Select two visible rows (click + ctrl-click).
      const visible = await rowIds(v);
      selectedIds = [visible[12]!, visible[14]!];
      await v.page.locator(`.rows > .row[data-id="${selectedIds[0]}"]`).click();
      await v.page.locator(`.rows > .row[data-id="${selectedIds[1]}"]`).click({ modifiers: ['Control'] });
      await v.page.waitForTimeout(400);
      saved = await until('state saved', async () => v.state() as { filter?: { text?: string }; scrollTop?: number } | undefined,
        (s) => s?.filter?.text === 'git' && (s.scrollTop ?? 0) >= 40 * 24 - 1 && JSON.stringify(s).includes(selectedIds[1]!));
    } finally {
      await first.view.close();
    }
    const again = await openHistory(browser, history, { state: saved });
    try {
      const v = again.view;
      assert.equal(await v.page.getByRole('searchbox', { name: 'Search history' }).inputValue(), 'git');
      assert.equal(await v.page.getByRole('button', { name: 'Failed only' }).getAttribute('aria-pressed'), 'true');
      await until('scroll restored', () => grid(v).evaluate((el) => el.scrollTop), (t) => t >= 40 * 24 - 1);
      const firstRow = await until('rows', () => rowIds(v), (r) => r.length > 0);
      const firstIndex = Number(await v.page.locator(`.rows > .row[data-id="${firstRow[0]}"]`).getAttribute('aria-rowindex'));
      assert.ok(firstIndex > 20, `first rendered row is far down: ${firstIndex}`);
      const selected = await v.page.locator('.rows > .row[aria-selected="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      assert.deepEqual(selected.sort(), [...selectedIds].sort(), 'selection restored');
      assert.match(await status(v), /2 selected/);
    } finally {
      await again.view.close();
    }
  });

  it('drops hostile or malformed messages without executing them, and keeps working', async () => {
    const history = new MemoryHistory(sampleEntries(50));
    const { view, rec } = await openHistory(browser, history);
    try {
      const before = view.session.rejected;
      await view.postRaw({ id: 90, body: { type: 'history/delete', target: { kind: 'everything' } } });
      await view.postRaw({ id: 91, body: { type: 'history/insert', id: history.live[0]!.id, run: true, shell: 'rm -rf /' } });
      await view.postRaw({ id: 92, body: { type: 'history/query', filter: { text: 'x'.repeat(5_000) }, offset: 0, limit: 10 } });
      await view.postRaw('{"type":"ready"}');
      await view.postRaw({ id: 93, inReplyTo: 1, body: { type: 'sync/now' } });
      await until('all five rejected', async () => view.session.rejected - before, (n) => n === 5);
      assert.equal(history.live.length, 50);
      assert.equal(rec.inserted.length, 0);
      assert.ok(view.logger.lines.some((l) => /ignored an invalid message \(history\/insert has an unknown field "shell"\)/.test(l)), view.logger.lines.join('\n'));
      assert.ok(!view.logger.lines.some((l) => l.includes('rm -rf')), 'reasons never echo values');
      // The panel still answers normal requests.
      await view.page.locator('.rows > .row[data-id]').first().click();
      await view.page.keyboard.press('Enter');
      await until('insert works', async () => rec.inserted.length, (n) => n === 1);
    } finally {
      await view.close();
    }
  });

  it('Insert, Run and Enter act on the highlighted entry by id while new commands stream in above it', async () => {
    const history = new MemoryHistory(sampleEntries(300));
    const { view, rec } = await openHistory(browser, history);
    try {
      const chosen = history.live[2]!;
      await view.page.locator(`.rows > .row[data-id="${chosen.id}"]`).click();
      await until('details of the chosen entry', () => view.page.locator('.full-command').innerText(), (t) => t === chosen.command);
      let streaming = true;
      const stream = (async () => {
        for (let i = 0; streaming && i < 40; i++) {
          await history.record({ commandLine: `true || rm -rf /tmp/x${i}`, startedAt: Date.now(), exitCode: 0, cwd: '/tmp' });
          await new Promise((r) => setTimeout(r, 40));
        }
      })();
      const insertButton = view.page.locator('.detail-actions button', { hasText: 'Insert' });
      const runButton = view.page.locator('.detail-actions button', { hasText: 'Run' });
      for (let i = 0; i < 4; i++) {
        await until('new rows arrived', () => visibleCommands(view), (c) => c[0]?.startsWith('true || rm -rf') === true, 20_000);
        await insertButton.click();
        await runButton.click();
        await grid(view).focus();
        await view.page.keyboard.press('Enter');
        await new Promise((r) => setTimeout(r, 150));
      }
      streaming = false;
      await stream;
      await until('every action reached the host', async () => rec.inserted.length, (n) => n === 12);
      assert.deepEqual(new Set(rec.inserted.map((x) => x.id)), new Set([chosen.id]), 'only the chosen entry was acted on');
      assert.deepEqual(new Set(rec.inserted.map((x) => x.command)), new Set([chosen.command]));
      // The highlight followed the entry down the list, and the details still show it.
      const focusedRow = await grid(view).getAttribute('aria-activedescendant');
      const index = Number(focusedRow?.replace('row-', ''));
      assert.equal(history.live[index]?.id, chosen.id, 'the highlighted row is the chosen entry');
      assert.equal(await view.page.locator('.full-command').innerText(), chosen.command);
    } finally {
      await view.close();
    }
  });

  it('a delete only refetches the list: no filter-choice lookup, and no timeline lookup the deletion cannot change', async () => {
    const history = new MemoryHistory(sampleEntries(300));
    const { view, ui } = await openHistory(browser, history);
    try {
      const ids = history.live.map((e) => e.id);
      // A focused entry whose command differs from the deleted ones (its timeline cannot change).
      const k = history.live.findIndex((e, i) => i > 4 && !history.live.slice(0, 3).some((d) => d.command === e.command));
      const rows = view.page.locator('.rows > .row[data-id]');
      await view.page.locator(`.rows > .row[data-id="${ids[k]}"]`).click();
      await until('details of the focused row', () => view.page.locator('.full-command').innerText(), (t) => t === history.live[k]!.command);
      await view.page.locator(`.rows > .row[data-id="${ids[0]}"]`).click({ modifiers: ['Control'] });
      await view.page.locator(`.rows > .row[data-id="${ids[1]}"]`).click({ modifiers: ['Control'] });
      await view.page.locator(`.rows > .row[data-id="${ids[2]}"]`).click({ modifiers: ['Control'] });
      await view.page.locator(`.rows > .row[data-id="${ids[k]}"]`).click({ modifiers: ['Control'] }); // focus back, unselected
      await until('details of the focused row again', () => view.page.locator('.full-command').innerText(), (t) => t === history.live[k]!.command);
      await new Promise((r) => setTimeout(r, 300));
      const mark = view.posted.length;
      ui.answer = true;
      await view.page.getByRole('button', { name: 'Delete selected' }).click();
      await until('rows gone', () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), (r) => !r.includes(ids[0]!) && !r.includes(ids[2]!));
      await until('count', () => status(view), (t) => t.startsWith('297 commands'));
      await new Promise((r) => setTimeout(r, 500)); // let any follow-up request go out
      const after = view.posted.slice(mark).map((m) => (m as { body: { type: string } }).body.type);
      assert.ok(after.includes('history/delete') && after.includes('history/query'), after.join(','));
      assert.deepEqual(after.filter((t) => t === 'history/facets' || t === 'history/detail'), [], `after a delete: ${after.join(',')}`);
      assert.equal(await view.page.locator('.full-command').innerText(), history.live.find((e) => e.id === ids[k])!.command);
    } finally {
      await view.close();
    }
  });

  it('shows new commands live when the history changes (pushed update, no reload)', async () => {
    const history = new MemoryHistory(sampleEntries(100));
    const { view } = await openHistory(browser, history);
    try {
      await history.record({ commandLine: 'echo brand-new-command', startedAt: Date.now(), exitCode: 0, cwd: '/tmp' });
      await until('new row on top', () => visibleCommands(view), (c) => c[0] === 'echo brand-new-command');
      assert.ok(view.sent.some((e) => e.body.type === 'history/changed'));
      await until('count', () => status(view), (t) => t.startsWith('101 commands'));
    } finally {
      await view.close();
    }
  });

  it('looks right in high contrast and in a narrow editor', async () => {
    const history = new MemoryHistory(sampleEntries(200));
    const hc = await openHistory(browser, history, { theme: 'highContrast' });
    try {
      await hc.view.page.locator('.rows > .row[data-id]').nth(2).click();
      await hc.view.screenshot('history-high-contrast');
      assert.deepEqual(hc.view.problems, []);
    } finally {
      await hc.view.close();
    }
    const editor = await openHistory(browser, history, { theme: 'dark', width: 1050, height: 480 });
    try {
      // Typical editor size: the list drops the workspace column instead of truncating every column.
      assert.equal(await editor.view.page.locator('.rows .cell.ws').first().isVisible(), false);
      assert.equal(await editor.view.page.locator('.rows .cell.dev').first().isVisible(), true);
      await editor.view.page.locator('.rows > .row[data-id]').nth(1).click();
      await editor.view.screenshot('history-editor-size-dark');
    } finally {
      await editor.view.close();
    }
    const narrow = await openHistory(browser, history, { theme: 'light', width: 640, height: 600 });
    try {
      assert.equal(await narrow.view.page.locator('.detail').isVisible(), false, 'detail pane hidden when narrow');
      await narrow.view.screenshot('history-narrow-light');
    } finally {
      await narrow.view.close();
    }
  });

  it('the CSP really is enforced in the harness: inline styles and foreign images are blocked and reported', async () => {
    const history = new MemoryHistory(sampleEntries(5));
    const { view } = await openHistory(browser, history);
    try {
      assert.deepEqual(view.problems, []);
      // What a careless component would do: a style attribute in markup and an inline script.
      await view.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { body: { insertAdjacentHTML(p: string, h: string): void } } }).document;
        doc.body.insertAdjacentHTML('beforeend', '<div id="inline" style="color: red">x</div><img src="https://elsewhere.invalid/x.png">');
      });
      await until('violations reported', async () => view.problems.join('\n'), (p) => p.includes('style-src') && p.includes('img-src'));
      const color = await view.page.locator('#inline').evaluate((el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
      assert.notEqual(color, 'rgb(255, 0, 0)', 'the inline style was not applied');
    } finally {
      await view.close();
    }
  });

  it('a store that cannot be opened shows what went wrong and what to do, instead of an empty list', async () => {
    const rec = recordingServices(new MemoryHistory());
    rec.services.history = async () => {
      throw new CaroError('wrongKey', 'Your history could not be opened with the key stored on this computer.', 'Nothing was deleted. Restore the key, or run "Caro History: Show Log" for the file location.');
    };
    const view = await openView(browser, { view: 'history', controller: new HistoryController(rec.services, new ScriptedUi()), theme: 'light' });
    try {
      const alert = view.page.getByRole('alert');
      await alert.waitFor();
      const t = await alert.innerText();
      assert.match(t, /could not be opened with the key/);
      assert.match(t, /Nothing was deleted/);
      assert.equal(await view.page.locator('.rows').count(), 0);
    } finally {
      await view.close();
    }
  });
});
