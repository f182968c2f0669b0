import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { HistoryController } from '../../src/extension/webviews/historyController';
import { ScriptedUi, launchChromium, openView, recordingServices } from './webviewHarness/harness';
import { MemoryHistory } from './webviewHarness/memoryHistory';
import { sampleEntries } from './webviewHarness/sampleHistory';
import type { ThemeName } from './webviewHarness/themes';

/**
 * In-page measurements (a string: this file is compiled without DOM types).
 * - `clipped`: for each command cell, how many pixels of an underscore's ink fall outside its row or the nearest box
 *   that clips (overflow other than visible). Underscore ink depth comes from canvas measureText in the cell's own font, the
 *   baseline from a zero-height inline-block probe.
 * - `contrast`: WCAG contrast of each risk badge's text against what is really behind it (backgrounds composited
 *   up the tree, alpha included).
 */
const MEASURE = `(() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    const s = c.match(/color\\(srgb ([^)]+)\\)/);
    if (s) { const p = s[1].split(/[ \\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    return [0, 0, 0, 0];
  };
  const over = (top, under) => {
    const a = top[3] + under[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a).concat([a]);
  };
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    let c = [255, 255, 255, 1];
    const root = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
    if (root) { const probe = document.createElement('i'); probe.style.color = root; document.body.appendChild(probe); c = parse(getComputedStyle(probe).color); probe.remove(); }
    for (const l of layers.reverse()) c = over(l, c);
    return c;
  };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const contrast = [...document.querySelectorAll('.badge, .chip[aria-pressed="true"]')].filter((b) => b.getClientRects().length > 0).map((b) => {
    const bg = backdrop(b);
    const fg = over(parse(getComputedStyle(b).color), bg);
    return { text: b.textContent.trim(), where: b.closest('.row.selected') ? 'selected row' : b.closest('.detail') ? 'details' : b.closest('.chip') || b.classList.contains('chip') ? 'chip' : 'list', ratio: Math.round(ratio(fg, bg) * 100) / 100 };
  });
  const ctx = document.createElement('canvas').getContext('2d');
  const grid = document.querySelector('.grid').getBoundingClientRect();
  // Rows inside the list's viewport (overscan rows below it are rightly clipped by the scroll container).
  const inView = [...document.querySelectorAll('.rows > .row[data-id]')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= grid.top && b.bottom <= grid.bottom; });
  const clipped = inView.map((r) => r.querySelector('.cmd-text')).map((el) => {
    const cs = getComputedStyle(el);
    ctx.font = cs.font;
    const depth = ctx.measureText('_').actualBoundingBoxDescent;
    const probe = document.createElement('span');
    probe.style.display = 'inline-block'; probe.style.width = '0'; probe.style.height = '0';
    el.appendChild(probe);
    const baseline = probe.getBoundingClientRect().bottom;
    probe.remove();
    // The next row (absolutely positioned, painted later, striped) covers anything below this row's bottom.
    let clip = el.closest('.row').getBoundingClientRect().bottom;
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowY !== 'visible' || s.overflowX !== 'visible') clip = Math.min(clip, e.getBoundingClientRect().bottom - parseFloat(s.borderBottomWidth));
    }
    return { text: el.textContent, size: cs.fontSize, over: Math.round((baseline + depth - clip) * 100) / 100 };
  });
  return { contrast, clipped };
})()`;

interface Measured {
  contrast: { text: string; where: string; ratio: number }[];
  clipped: { text: string; size: string; over: number }[];
}

describe('history panel legibility (webview harness)', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  for (const theme of ['light', 'dark', 'highContrast'] as ThemeName[]) {
    it(`${theme}: underscores are not clipped and risk badges have a contrast of at least 4.5:1`, async () => {
      const history = new MemoryHistory(sampleEntries(40));
      await history.record({ commandLine: 'echo $GITHUB_TOKEN __init__ snake_case_name', startedAt: Date.now(), exitCode: 0, cwd: '/tmp' });
      const rec = recordingServices(history);
      const view = await openView(browser, { view: 'history', controller: new HistoryController(rec.services, new ScriptedUi()), theme });
      try {
        const rows = view.page.locator('.rows > .row[data-id]');
        await rows.first().waitFor();
        // A high-risk row selected (list selection colours), a critical one in the details, risk chips pressed.
        const high = history.live.findIndex((e) => e.riskLevel === 'high');
        await rows.nth(high).click();
        await view.page.getByRole('group', { name: 'Risk level' }).getByRole('button', { name: 'high' }).click();
        await view.page.getByRole('group', { name: 'Risk level' }).getByRole('button', { name: 'critical' }).click();
        await view.page.locator('.rows > .row[data-id] .badge').first().waitFor();
        await view.page.locator('.rows > .row[data-id]').first().click();
        await view.page.locator('.detail .badge').first().waitFor();
        await view.screenshot(`legibility-${theme}-badges`);
        const m1 = (await view.page.evaluate(MEASURE)) as Measured;
        await view.page.getByRole('button', { name: 'Clear filters' }).click();
        await view.page.locator('.rows > .row[data-id] .cmd-text', { hasText: 'GITHUB_TOKEN' }).waitFor();
        await view.screenshot(`legibility-${theme}-underscores`);
        const m2 = (await view.page.evaluate(MEASURE)) as Measured;
        // Users pick their editor font size: the list must not cut glyphs at any of them.
        for (const size of ['11px', '16px', '20px', '24px']) {
          await view.page.evaluate(`document.documentElement.style.setProperty('--vscode-editor-font-size', '${size}')`);
          m2.clipped.push(...((await view.page.evaluate(MEASURE)) as Measured).clipped);
        }

        const badges = [...m1.contrast, ...m2.contrast];
        assert.ok(badges.some((b) => /high/.test(b.text)) && badges.some((b) => b.where === 'selected row'), JSON.stringify(badges));
        const low = badges.filter((b) => b.ratio < 4.5);
        assert.deepEqual(low, [], `badges under 4.5:1 in ${theme}`);
        assert.ok(m2.clipped.length > 0);
        const cut = m2.clipped.filter((c) => c.over > 0);
        assert.deepEqual(cut, [], `underscore ink cut off in ${theme}`);
        assert.deepEqual(view.problems, []);
      } finally {
        await view.close();
      }
    });
  }
});
