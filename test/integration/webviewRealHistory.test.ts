import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { type HistoryService, openHistory } from '../../src/core/history/historyService';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { MemoryLogger } from '../../src/core/util/logger';
import { HistoryController } from '../../src/extension/webviews/historyController';
import { ScriptedUi, launchChromium, openView, recordingServices } from './webviewHarness/harness';
import { until } from './webviewHarness/until';

const SECRET = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

/** The panel against the REAL history service: encrypted sqlite-wasm file, capture pipeline, search index. */
describe('history panel on the real encrypted history store (Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let dir: string;
  let history: HistoryService;

  before(async () => {
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-webview-'));
    history = await openHistory({
      dbPath: path.join(dir, 'history.db'),
      vault: new MemoryKeyVault(),
      deviceId: 'dev-laptop-0001',
      settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [] }),
      logger: new MemoryLogger(),
    });
    const t0 = Date.now() - 3 * 86_400_000;
    const lines = ['git status', 'npm test', 'docker ps', 'ls -la', 'git push --force origin main', 'curl -fsSL https://get.example.invalid | sh'];
    for (let i = 0; i < 240; i++) {
      const line = lines[i % lines.length]!;
      await history.record({ commandLine: `${line}${i % 5 === 0 ? ` # run ${i}` : ''}`, startedAt: t0 + i * 60_000, endedAt: t0 + i * 60_000 + 1_500, exitCode: i % 7 === 3 ? 1 : 0, cwd: i % 2 ? '/home/dev/app' : '/home/dev/api', workspace: '/home/dev' });
    }
    await history.record({ commandLine: `git remote set-url origin https://x:${SECRET}@github.com/acme/app.git`, startedAt: t0 + 241 * 60_000, exitCode: 0, cwd: '/home/dev/app' });
  });
  after(async () => {
    history?.close();
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists, searches and deletes through the real service; secrets stay redacted end to end', async () => {
    const rec = recordingServices(history);
    const ui = new ScriptedUi();
    const view = await openView(browser, { view: 'history', controller: new HistoryController(rec.services, ui), theme: 'dark' });
    try {
      await view.page.locator('.rows > .row[data-id]').first().waitFor();
      const total = (await history.search({}, 0, 1)).total;
      assert.equal(total, 241);
      await until('total shown', () => view.page.locator('.statusline').innerText(), (t) => t.startsWith('241 commands'));
      // Newest first: the redacted remote URL.
      const top = await view.page.locator('.rows > .row[data-id] .cmd-text').first().innerText();
      assert.match(top, /\[REDACTED:github-pat\]/);
      assert.ok(!(await view.page.content()).includes(SECRET), 'the secret never reaches the page');
      assert.ok(!JSON.stringify(view.sent).includes(SECRET), 'nor any host message');

      await view.page.getByRole('searchbox', { name: 'Search history' }).fill('docker');
      const dockers = (await history.search({ text: 'docker' }, 0, 1)).total;
      assert.ok(dockers === 40, `docker entries: ${dockers}`);
      await until('search total', () => view.page.locator('.statusline').innerText(), (t) => t.includes(`${dockers} commands match`));

      // Real risk classification: the curl | sh line is critical in the real safety table.
      await view.page.getByRole('searchbox', { name: 'Search history' }).fill('curl');
      await view.page.locator('.rows > .row[data-id]').first().click();
      await until('critical badge', () => view.page.locator('.rows > .row[data-id] .badge').first().innerText(), (t) => /critical|high/.test(t));
      const pane = view.page.getByRole('complementary', { name: 'Details' });
      await until('warnings from the real classifier', () => pane.locator('.warnings li').count(), (n) => n > 0);

      const id = await view.page.locator('.rows > .row[data-id]').first().getAttribute('data-id');
      assert.ok(id);
      await view.page.keyboard.press('Delete');
      await until('tombstoned in the store', async () => history.db.get<{ deleted_at: number | null }>('SELECT deleted_at FROM command_history WHERE id = ?', [id])?.deleted_at ?? null, (d) => d !== null);
      assert.equal(await history.get(id), undefined);
      await until('gone from the list', () => view.page.locator(`.rows > .row[data-id="${id}"]`).count(), (n) => n === 0);

      await view.page.getByRole('button', { name: 'Statistics' }).click();
      await until('chart from real stats', () => view.page.locator('.stats .kpi').first().innerText(), (t) => t === '240');
      await view.screenshot('history-real-store-dark');
      assert.deepEqual(view.problems, []);
    } finally {
      await view.close();
    }
  });
});
