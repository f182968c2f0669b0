// `npm run bench:activation -- --json [--commands 100000] [--runs 5]`
// Activation cost of the packaged extension in a real VS Code (code-server), with a store of N commands:
//   activate_ms        time inside activate() (extension's test hook), p50/p95 over cold starts, empty vs N commands
//   vscode_activate_ms VS Code's own figure for the extension (code loading + activate call), from the
//                      "Running Extensions" view, when it can be read
//   vsix_bytes, extension_bundle_bytes
//   rss_mb             extension host resident memory: bare VS Code vs. with N commands loaded (history view open)
// The store is filled through the product itself: "Caro History: Import History…" with an N-line bash history file.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VsCodeInstance } from '../../test/e2e/harness/vscodeInstance';
import { repoRoot } from '../../test/e2e/harness/runtime';
import { ensureVsix } from '../../test/e2e/harness/vsix';
import { waitFor } from '../../test/e2e/harness/waitFor';

const args = process.argv.slice(2);
const json = args.includes('--json');
const argValue = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive whole number`);
  return v;
};
const COMMANDS = argValue('--commands', 100_000);
const RUNS = argValue('--runs', 5);
const GOAL_ACTIVATE_MS = 50;
const GOAL_RSS_DELTA_MB = 100;

const log = (msg: string) => {
  if (!json) console.log(msg);
  else process.stderr.write(`${msg}\n`);
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[idx] ?? NaN) * 10) / 10;
}

/** A bash history file with timestamps spread over the last 60 days and realistic, varied commands. */
function bashHistory(n: number): string {
  const verbs = ['git status', 'git log --oneline -n 20', 'ls -la', 'npm test', 'docker ps', 'kubectl get pods -n', 'cd src/', 'grep -rn TODO', 'make build', 'cargo check'];
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`#${now - 60 * 86400 + Math.floor((i * 60 * 86400) / n)}`);
    lines.push(`${verbs[i % verbs.length]} ${i.toString(36)}-${(i * 7919) % 10007}`);
  }
  return lines.join('\n') + '\n';
}

/** RSS of the extension host once it has settled (three readings 500 ms apart within 2 MB). */
async function settledRss(vs: VsCodeInstance): Promise<number> {
  const readings: number[] = [];
  return waitFor(
    'extension host memory to settle',
    () => {
      const r = vs.extensionHostRssMb();
      if (r === undefined) return undefined;
      readings.push(r);
      const last = readings.slice(-3);
      return last.length === 3 && Math.max(...last) - Math.min(...last) < 2 ? Math.round(r * 10) / 10 : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** VS Code's own activation figure for the extension from "Developer: Show Running Extensions", in ms. */
async function runningExtensionsActivation(vs: VsCodeInstance): Promise<number | undefined> {
  try {
    await vs.runCommand('Developer: Show Running Extensions');
    const row = vs.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Caro History' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await row.textContent()) ?? '';
    const m = /(\d+)\s*ms/.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function coldStarts(dir: string, runs: number, vsix: string, withView: boolean) {
  const activate: number[] = [];
  const vscodeActivate: number[] = [];
  let rss: number | undefined;
  let treeTop: string[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(join(dir, 'test-state.json'), { force: true });
    const vs = await VsCodeInstance.launch({ name: 'bench', vsix, reuseDir: dir });
    try {
      const s = await vs.waitForActivation(120_000);
      activate.push(s.activateMs);
      const v = await runningExtensionsActivation(vs);
      if (v !== undefined) vscodeActivate.push(v);
      if (withView && i === runs - 1) {
        await vs.page.keyboard.press('Escape');
        await vs.openHistoryView();
        const st = await vs.waitForState('the tree to show the stored history', (x) => x.treeTopItems.length > 0, 120_000);
        treeTop = st.treeTopItems;
        await waitFor('tree rows', async () => (await vs.treeItems()).length > 1, { timeoutMs: 60_000 });
        rss = await settledRss(vs);
        await vs.screenshot('bench-100k-history-view');
      }
    } finally {
      await vs.stop({ keep: true });
    }
  }
  return { activate, vscodeActivate, rss, treeTop };
}

async function main() {
  const started = Date.now();
  const vsix = ensureVsix();
  const vsixBytes = statSync(vsix).size;
  const bundleBytes = statSync(join(repoRoot, 'dist', 'extension.js')).size;

  log('bare VS Code (no extension): extension host memory');
  const bare = await VsCodeInstance.launch({ name: 'bench-bare', vsix: undefined });
  let rssBare: number;
  try {
    await bare.newTerminal(); // give both runs the same workload besides the extension: one terminal
    rssBare = await settledRss(bare);
  } finally {
    await bare.stop();
  }

  log(`VS Code with Caro History: importing ${COMMANDS} commands through "Import History…"`);
  const historyFile = 'bench_history';
  const first = await VsCodeInstance.launch({
    name: 'bench',
    vsix,
    settings: { 'caroHistory.maxCommands': Math.max(COMMANDS * 2, 10_000), 'caroHistory.retentionDays': 365 },
  });
  const dir = first.dir;
  let importSeconds: number;
  try {
    writeFileSync(join(first.workspaceDir, historyFile), bashHistory(COMMANDS));
    await first.waitForActivation();
    const t0 = Date.now();
    await first.runCommand('Caro History: Import History…');
    await first.pickFileInDialog(join(first.workspaceDir, historyFile));
    const note = await waitFor(
      'the import to finish',
      async () => (await first.notifications()).find((n) => /^Imported \d+ command/.test(n)),
      { timeoutMs: 15 * 60_000, intervalMs: 500, describe: () => first.notifications() },
    );
    importSeconds = (Date.now() - t0) / 1000;
    log(`  ${note} (${importSeconds.toFixed(1)} s)`);
    if (!note.includes(`Imported ${COMMANDS} commands`)) throw new Error(`expected ${COMMANDS} imported commands: "${note}"`);
  } finally {
    await first.stop({ keep: true });
  }

  try {
    log(`${RUNS} cold starts with ${COMMANDS} stored commands`);
    const loaded = await coldStarts(dir, RUNS, vsix, true);

    log(`${RUNS} cold starts with an empty store (baseline)`);
    // The first launch installs the extension (and is a first-ever start); the measured runs are later cold starts.
    const install = await VsCodeInstance.launch({ name: 'bench-empty', vsix });
    const emptyDir = install.dir;
    await install.waitForActivation();
    await install.stop({ keep: true });
    const empty = await coldStarts(emptyDir, RUNS, vsix, false);
    rmSync(emptyDir, { recursive: true, force: true });

    const result = {
      bench: 'activation',
      commands: COMMANDS,
      runs: RUNS,
      vscode: 'code-server 4.139.1 (VS Code 1.139.1)',
      activate_ms: { p50: percentile(loaded.activate, 50), p95: percentile(loaded.activate, 95), samples: loaded.activate },
      activate_ms_empty_store: { p50: percentile(empty.activate, 50), p95: percentile(empty.activate, 95) },
      activate_baseline_ratio: Math.round((percentile(loaded.activate, 50) / percentile(empty.activate, 50)) * 100) / 100,
      activate_goal_ms: GOAL_ACTIVATE_MS,
      vscode_activate_ms: loaded.vscodeActivate.length
        ? { p50: percentile(loaded.vscodeActivate, 50), p95: percentile(loaded.vscodeActivate, 95) }
        : null,
      vsix_bytes: vsixBytes,
      extension_bundle_bytes: bundleBytes,
      rss_mb: { bare: rssBare, loaded: loaded.rss ?? null, delta: loaded.rss !== undefined ? Math.round((loaded.rss - rssBare) * 10) / 10 : null },
      rss_delta_goal_mb: GOAL_RSS_DELTA_MB,
      import_seconds: Math.round(importSeconds * 10) / 10,
      tree_top_items: loaded.treeTop,
      total_seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(json ? JSON.stringify(result, null, 2) : result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench:activation failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
