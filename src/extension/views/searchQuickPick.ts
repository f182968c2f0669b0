import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/entry';
import type { Clock } from '../../core/util/clock';
import { systemClock } from '../../core/util/clock';
import type { Services } from '../services';
import { commandLabel, exitIcon, exitStatus, relativeTime, riskText } from './historyFormat';
import { parseSearchQuery, toggleToken } from './searchQuery';

export interface HistoryPickItem extends vscode.QuickPickItem {
  /** The newest run of this command line (the one Insert/Run/Copy use). */
  entry: HistoryEntry;
  /** How many runs of the same command line the results hold. */
  runs: number;
}

export type PickAction = 'insert' | 'run' | 'copy';

export interface HistoryPick {
  entry: HistoryEntry;
  action: PickAction;
}

/** Runs fetched per query; equal command lines are merged into one item, at most ITEM_LIMIT items. */
const RESULT_LIMIT = 1_000;
const ITEM_LIMIT = 200;

/** VS Code draws `$(name)` in quick pick text as an icon; `\\$(name)` shows it as typed (`echo $(whoami)`). */
export function escapeIcons(text: string): string {
  return text.replace(/\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g, '\\$&');
}

/** Same command line = one item: the newest run (results come newest first) and how many runs there are. */
export function mergeRuns(entries: readonly HistoryEntry[], limit = ITEM_LIMIT): { entry: HistoryEntry; runs: number }[] {
  const byCommand = new Map<string, { entry: HistoryEntry; runs: number }>();
  for (const e of entries) {
    const seen = byCommand.get(e.command);
    if (seen) seen.runs++;
    else if (byCommand.size < limit) byCommand.set(e.command, { entry: e, runs: 1 });
  }
  return [...byCommand.values()];
}
const FAILED_TOKEN = 'is:failed';

/**
 * "Search History" quick pick: live results as you type (debounced), prefixes ws: dir: dev: risk: is:failed is:ok
 * and ~ for fuzzy, plus title-bar buttons for "failed only" and "this workspace". Item buttons run or copy.
 */
export class SearchQuickPick {
  /** The open quick pick, for tests. */
  static current: vscode.QuickPick<HistoryPickItem> | undefined;
  /** Resolves after each result list is shown (tests wait on it instead of sleeping). */
  static lastQuery: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly clock: Clock = systemClock,
  ) {}

  private toItem({ entry, runs }: { entry: HistoryEntry; runs: number }, now: number): HistoryPickItem {
    // The icon is the newest run's exit status (as in the tree); the risk is words in the description.
    const icon = exitIcon(entry);
    const bits = [
      exitStatus(entry),
      riskText(entry.riskLevel),
      runs > 1 ? `${runs} runs` : '',
      relativeTime(entry.createdAt, now),
      entry.workingDir ?? '',
    ].filter((b) => b !== '');
    return {
      label: escapeIcons(commandLabel(entry.command, 300)),
      description: escapeIcons(bits.join(' · ')),
      iconPath: new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined),
      entry,
      runs,
      alwaysShow: true,
      buttons: [
        { iconPath: new vscode.ThemeIcon('play'), tooltip: 'Run' },
        { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy' },
      ],
    };
  }

  /** Shows the picker; resolves with the chosen entry and action, or undefined when dismissed. */
  async pick(options: { title?: string; initialQuery?: string } = {}): Promise<HistoryPick | undefined> {
    const history = await this.services.history();
    const qp = vscode.window.createQuickPick<HistoryPickItem>();
    SearchQuickPick.current = qp;
    qp.title = options.title ?? 'Search Caro History';
    qp.placeholder = 'Type to search. Filters: ws:<name> dir:<path> risk:high is:failed is:ok, ~ for fuzzy';
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    // We filter in the core, not in the quick pick (keeps fuzzy/prefix semantics and 100K entries cheap).
    (qp as vscode.QuickPick<HistoryPickItem> & { sortByLabel?: boolean }).sortByLabel = false;
    const failedButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('error'), tooltip: 'Failed only' };
    const workspaceButton: vscode.QuickInputButton = {
      iconPath: new vscode.ThemeIcon('root-folder'),
      tooltip: 'This workspace only',
    };
    qp.buttons = [failedButton, workspaceButton];
    let seq = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const query = async (value: string): Promise<void> => {
      const mine = ++seq;
      qp.busy = true;
      try {
        const page = await history.search(parseSearchQuery(value), 0, RESULT_LIMIT);
        if (mine !== seq) return;
        const now = this.clock.now();
        qp.items = mergeRuns(page.items).map((m) => this.toItem(m, now));
        qp.title = `${options.title ?? 'Search Caro History'} (${page.total} match${page.total === 1 ? '' : 'es'})`;
      } catch (err) {
        if (mine === seq) {
          qp.items = [];
          qp.title = err instanceof Error && 'userMessage' in err ? String(err.userMessage) : 'Search failed.';
        }
      } finally {
        if (mine === seq) qp.busy = false;
      }
    };
    const schedule = (value: string, delay: number): void => {
      if (timer) clearTimeout(timer);
      SearchQuickPick.lastQuery = new Promise((resolve) => {
        timer = setTimeout(() => void query(value).then(resolve), delay);
      });
    };

    return new Promise<HistoryPick | undefined>((resolve) => {
      let result: HistoryPick | undefined;
      const disposables: vscode.Disposable[] = [
        qp.onDidChangeValue((v) => schedule(v, 60)),
        qp.onDidTriggerButton((b) => {
          if (b === failedButton) qp.value = toggleToken(qp.value, FAILED_TOKEN);
          else if (b === workspaceButton && vscode.workspace.name) {
            const name = vscode.workspace.name;
            qp.value = toggleToken(qp.value, name.includes(' ') ? `ws:"${name}"` : `ws:${name}`);
          }
          schedule(qp.value, 0);
        }),
        qp.onDidTriggerItemButton((e) => {
          result = { entry: e.item.entry, action: e.button.tooltip === 'Run' ? 'run' : 'copy' };
          qp.hide();
        }),
        qp.onDidAccept(() => {
          const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
          if (chosen) result = { entry: chosen.entry, action: 'insert' };
          qp.hide();
        }),
        qp.onDidHide(() => {
          if (timer) clearTimeout(timer);
          for (const d of disposables) d.dispose();
          qp.dispose();
          if (SearchQuickPick.current === qp) SearchQuickPick.current = undefined;
          resolve(result);
        }),
      ];
      qp.value = options.initialQuery ?? '';
      schedule(qp.value, 0);
      qp.show();
    });
  }
}
