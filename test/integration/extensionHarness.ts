// Shared set-up for the extension integration tests: the vscode shim, a temp store, activate/deactivate.
import './vscodeShim/register';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry } from '../../src/core/model/entry';
import { type TestingApi, activate, deactivate } from '../../src/extension/extension';
import type { HistoryNode } from '../../src/extension/views/historyTree';
import { type ExtensionContextLike, Uri, shim } from './vscodeShim/vscode';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface Harness {
  api: TestingApi;
  context: ExtensionContextLike;
  dir: string;
  storageDir: string;
  workspaceDir: string;
}

/** Fresh shim state, a fresh temp folder for the store, then the real activate(). */
export async function startExtension(configure: () => void = () => {}): Promise<Harness> {
  shim.reset();
  const dir = mkdtempSync(join(tmpdir(), 'caro-ext-'));
  const storageDir = join(dir, 'globalStorage');
  const workspaceDir = join(dir, 'demo');
  shim.workspaceFolders = [{ uri: Uri.file(workspaceDir), name: 'demo', index: 0 }];
  configure();
  const context = shim.createExtensionContext(REPO_ROOT, storageDir);
  const api = await activate(context as never);
  if (!api) throw new Error('activate() returned no testing API in ExtensionMode.Test');
  return { api, context, dir, storageDir, workspaceDir };
}

export async function stopExtension(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await deactivate();
  for (const d of h.context.subscriptions.splice(0).reverse()) {
    try {
      d.dispose();
    } catch {
      // keep going
    }
  }
  rmSync(h.dir, { recursive: true, force: true });
}

/** Waits for a condition driven by the extension's own async work (no fixed sleeps; fails after `limitMs`). */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the store holds an entry with exactly this command (stored, redacted form). */
export async function waitForEntry(h: Harness, command: string): Promise<HistoryEntry> {
  return waitFor(async () => {
    const history = await h.api.services.history();
    return (await history.latest(50)).find((e) => e.command === command);
  }, `"${command}" to be stored`);
}

/** The tree as the user sees it: labels of groups, then the entries of each expanded group. */
export async function renderTree(h: Harness): Promise<{ groups: string[]; entries: { node: HistoryNode; label: string; description: string }[] }> {
  const tree = h.api.tree;
  const roots = await tree.getChildren();
  const groups: string[] = [];
  const entries: { node: HistoryNode; label: string; description: string }[] = [];
  for (const g of roots) {
    const item = tree.getTreeItem(g);
    groups.push(`${item.label as string} (${String(item.description)})`);
    if (g.kind === 'group' && g.expanded) {
      for (const c of await tree.getChildren(g)) {
        const ci = tree.getTreeItem(c);
        entries.push({ node: c, label: ci.label as string, description: String(ci.description ?? '') });
      }
    }
  }
  return { groups, entries };
}
