// History panel benchmark in real headless Chromium. Usage: npm run bench:webview [-- --quick]
// Prints one JSON object with, for 1 000 (baseline) and 100 000 rows, p50/p95 of (from the app's User Timing marks):
// - firstPaintMs: first page of rows received -> first frame painted with those rows (the webview's own rendering);
// - startToRowsMs: app script start -> rows painted (includes ready/init and the first query through the harness);
// - navigationToRowsMs: navigation start -> rows painted (adds HTML/bundle loading through Playwright routing);
// - scrollFrameMs: scroll by 10 rows inside loaded pages -> next painted frame;
// - jumpScrollMs: jump to the middle -> target rows rendered (includes fetching that page from the host);
// the ratio 100k / 1k (1.0 = list size does not matter), DOM row counts, and dist/webview bundle sizes.
// The harness bridge (Playwright exposeFunction/evaluate) is slower than VS Code's postMessage, so the round-trip
// figures are upper bounds. Run `npm run build` first.
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HistoryController } from '../../src/extension/webviews/historyController';
import { DIST_WEBVIEW, ScriptedUi, launchChromium, openView, recordingServices } from '../../test/integration/webviewHarness/harness';
import { MemoryHistory } from '../../test/integration/webviewHarness/memoryHistory';
import { sampleEntries } from '../../test/integration/webviewHarness/sampleHistory';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 9;

interface Stats { p50: number; p95: number; min: number; max: number; n: number }

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { p50: r(at(0.5)), p95: r(at(0.95)), min: r(s[0] ?? Number.NaN), max: r(s[s.length - 1] ?? Number.NaN), n: s.length };
}

/** Runs in the page (a function, not a string: the webview CSP forbids eval): the User Timing marks once painted. */
function marks(): Record<string, number> | false {
  // No inner helper functions: the bundler would wrap them with a __name() call that does not exist in the page.
  const out: Record<string, number> = {};
  for (const n of ['start', 'init', 'page', 'rows']) {
    const e = performance.getEntriesByName(n === 'page' ? 'caro:first-page' : n === 'rows' ? 'caro:first-rows' : `caro:${n}`)[0];
    if (e) out[n] = e.startTime;
  }
  return out['rows'] === undefined ? false : out;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const result: Record<string, unknown> = { bench: 'webview', chromium: browser.version(), runs: RUNS, quick, loadAverage1mBefore: loadavg()[0] };
  const perSize: Record<string, Record<string, Stats | number>> = {};
  try {
    for (const size of [1_000, 100_000]) {
      const history = new MemoryHistory(sampleEntries(size));
      const firstPaint: number[] = [];
      const startToRows: number[] = [];
      const navToRows: number[] = [];
      const scrollFrame: number[] = [];
      const jump: number[] = [];
      let domRows = 0;
      for (let run = 0; run < RUNS + 1; run++) {
        const rec = recordingServices(history);
        const view = await openView(browser, { view: 'history', controller: new HistoryController(rec.services, new ScriptedUi()) });
        try {
          const handle = await view.page.waitForFunction(marks, undefined, { polling: 'raf', timeout: 30_000 });
          const m = (await handle.jsonValue()) as Record<string, number>;
          domRows = await view.page.locator('.rows > .row').count();
          const small = Number(await view.page.evaluate(`new Promise((resolve) => {
            const grid = document.querySelector('.grid');
            const t0 = performance.now();
            grid.scrollTop += 10 * 24;
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
          })`));
          // Jump to the middle: time until the target rows are rendered from a freshly fetched page.
          const target = Math.floor(size / 2);
          const id = history.live[target]!.id;
          const ms = Number(await view.page.evaluate(`new Promise((resolve) => {
            const grid = document.querySelector('.grid');
            const t0 = performance.now();
            grid.scrollTop = ${target} * 24;
            const check = () => document.querySelector('.rows > .row[data-id="${id}"]') ? resolve(performance.now() - t0) : requestAnimationFrame(check);
            requestAnimationFrame(check);
          })`));
          if (run > 0) { // first run warms the browser's caches
            firstPaint.push(m.rows! - m.page!);
            startToRows.push(m.rows! - m.start!);
            navToRows.push(m.rows!);
            scrollFrame.push(small);
            jump.push(ms);
          }
        } finally {
          await view.close();
        }
      }
      perSize[String(size)] = {
        firstPaintMs: stats(firstPaint),
        startToRowsMs: stats(startToRows),
        navigationToRowsMs: stats(navToRows),
        scrollFrameMs: stats(scrollFrame),
        jumpScrollMs: stats(jump),
        domRows,
        total: size,
      };
    }
  } finally {
    await browser.close();
  }
  const p50 = (size: string, k: string): number => (perSize[size]?.[k] as Stats | undefined)?.p50 ?? Number.NaN;
  const ratio = (k: string): number => Math.round((p50('100000', k) / p50('1000', k)) * 100) / 100;
  result.rows = perSize;
  result.baselineRatio = {
    note: '100 000 rows / 1 000 rows, p50',
    firstPaint: ratio('firstPaintMs'),
    startToRows: ratio('startToRowsMs'),
    scrollFrame: ratio('scrollFrameMs'),
    jumpScroll: ratio('jumpScrollMs'),
  };
  result.firstPaint100kUnder100ms = p50('100000', 'firstPaintMs') < 100;
  const bundles: Record<string, { bytes: number; gzip: number }> = {};
  for (const f of readdirSync(DIST_WEBVIEW).filter((n) => /^(history|devices)\.(js|css)$/.test(n)).sort()) {
    const buf = readFileSync(join(DIST_WEBVIEW, f));
    bundles[f] = { bytes: buf.length, gzip: gzipSync(buf).length };
  }
  result.bundles = bundles;
  result.loadAverage1mAfter = loadavg()[0];
  result.historyBundleLimitBytes = 150 * 1024;
  result.historyBundleWithinLimit = (bundles['history.js']?.bytes ?? Infinity) <= 150 * 1024;
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
