import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/entry';
import type { Clock } from '../../core/util/clock';
import { systemClock } from '../../core/util/clock';
import type { Services } from '../services';
import { RISK_BADGE, commandLabel, exitStatus, relativeTime } from './historyFormat';
import { parseSearchQuery, toggleToken } from './searchQuery';

export interface HistoryPickItem extends vscode.QuickPickItem {
  entry: HistoryEntry;
}

export type PickAction = 'insert' | 'run' | 'copy';

export interface HistoryPick {
  entry: HistoryEntry;
  action: PickAction;
}

const RESULT_LIMIT = 200;
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

  private toItem(entry: HistoryEntry, now: number): HistoryPickItem {
    const badge = RISK_BADGE[entry.riskLevel];
    const bits = [exitStatus(entry), relativeTime(entry.createdAt, now), entry.workingDir ?? ''].filter((b) => b !== '');
    return {
      label: commandLabel(entry.command, 300),
      description: bits.join(' · '),
      iconPath: new vscode.ThemeIcon(badge.icon, new vscode.ThemeColor(badge.color)),
      entry,
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
        qp.items = page.items.map((e) => this.toItem(e, now));
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
