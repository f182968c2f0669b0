import * as vscode from 'vscode';
import type { HistoryApi } from '../../core/history/historyApi';
import type { HistoryEntry, HistoryFilter } from '../../core/model/entry';
import type { Clock } from '../../core/util/clock';
import { systemClock } from '../../core/util/clock';
import { CommandId } from '../commands/commandIds';
import { Debouncer, Disposable } from '../lifecycle';
import type { Notifier } from '../notifier';
import type { Services } from '../services';
import {
  exitIcon,
  commandLabel,
  dayStarts,
  exitStatus,
  exitStatusWords,
  formatDuration,
  markdownCodeBlock,
  markdownText,
  relativeTime,
  riskText,
  visibleControls,
} from './historyFormat';

export const HISTORY_VIEW_ID = 'caroHistory.history';
export const VIEW_CONTAINER_ID = 'caroHistory';
export type GroupBy = 'date' | 'workspace' | 'device' | 'directory';
export const GROUP_BY_MODES: readonly GroupBy[] = ['date', 'workspace', 'device', 'directory'];
const GROUP_BY_KEY = 'caroHistory.groupBy';
/** Entries fetched per "page" of a group; "Load more…" fetches the next page. */
export const PAGE_SIZE = 100;

export interface GroupNode {
  kind: 'group';
  key: string;
  label: string;
  filter: HistoryFilter;
  total: number;
  expanded: boolean;
}
export interface EntryNode {
  kind: 'entry';
  entry: HistoryEntry;
  group: GroupNode;
}
export interface MoreNode {
  kind: 'more';
  group: GroupNode;
  shown: number;
}
export type HistoryNode = GroupNode | EntryNode | MoreNode;

/** The narrowing the user applied from an item ("show only this directory/workspace"). */
export interface TreeFilter {
  workspace?: string;
  directory?: string;
}

export function isEntryNode(u: unknown): u is EntryNode {
  return typeof u === 'object' && u !== null && (u as EntryNode).kind === 'entry' && 'entry' in u;
}

/**
 * Sidebar history: groups (today / yesterday / earlier, or by workspace / device / directory), each with lazily
 * paged children so 100 000 entries never load at once. Refreshes (debounced) on every history change.
 */
export class HistoryTreeProvider extends Disposable implements vscode.TreeDataProvider<HistoryNode> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<HistoryNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private groupBy: GroupBy;
  private filter: TreeFilter = {};
  private readonly shown = new Map<string, number>();
  private readonly groups = new Map<string, GroupNode>();
  private deviceNames = new Map<string, string>();
  private readonly refresher = this._register(new Debouncer(150, () => this.refresh()));
  private indexReady = false;
  private indexWarming: Promise<void> | undefined;
  /** Labels of the top of the tree, for the test hooks: group labels and the first entries of the open group. */
  topItems: string[] = [];

  constructor(
    private readonly services: Services,
    private readonly notifier: Notifier,
    private readonly globalState: vscode.Memento,
    private readonly onRendered: (top: string[]) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {
    super();
    const saved = globalState.get<GroupBy>(GROUP_BY_KEY);
    this.groupBy = saved && GROUP_BY_MODES.includes(saved) ? saved : 'date';
    this._register(services.onDidChangeHistory(() => this.refresher.trigger()));
    this._register(
      services.onDidChangeSyncStatus(() => {
        void this.loadDeviceNames();
      }),
    );
    void vscode.commands.executeCommand('setContext', 'caroHistory.groupBy', this.groupBy);
  }

  get currentGroupBy(): GroupBy {
    return this.groupBy;
  }

  get currentFilter(): Readonly<TreeFilter> {
    return this.filter;
  }

  async setGroupBy(mode: GroupBy): Promise<void> {
    this.groupBy = mode;
    this.shown.clear();
    await this.globalState.update(GROUP_BY_KEY, mode);
    void vscode.commands.executeCommand('setContext', 'caroHistory.groupBy', mode);
    this.refresh();
  }

  setFilter(filter: TreeFilter): void {
    this.filter = { ...filter };
    this.shown.clear();
    void vscode.commands.executeCommand(
      'setContext',
      'caroHistory.filtered',
      filter.directory !== undefined || filter.workspace !== undefined,
    );
    this.refresh();
  }

  describeFilter(): string | undefined {
    const parts: string[] = [];
    if (this.filter.workspace !== undefined) parts.push(`workspace: ${this.filter.workspace}`);
    if (this.filter.directory !== undefined) parts.push(`dir: ${this.filter.directory}`);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** "Load more…": shows the next page of that group. */
  loadMore(node: MoreNode): void {
    this.shown.set(node.group.key, node.shown + PAGE_SIZE);
    const group = this.groups.get(node.group.key);
    this.changeEmitter.fire(group ?? undefined);
  }

  /** Flushes a pending debounced refresh (tests). */
  flushRefresh(): void {
    this.refresher.flush();
  }

  private deviceLabel(deviceId: string): string {
    if (deviceId === this.services.deviceId) return 'this device';
    return this.deviceNames.get(deviceId) ?? deviceId.slice(0, 8);
  }

  private async loadDeviceNames(): Promise<void> {
    const sync = this.services.syncEngine;
    if (!sync || sync.status.state === 'uninitialised') return;
    try {
      const devices = await sync.devices();
      this.deviceNames = new Map(devices.map((d) => [d.deviceId, d.name]));
    } catch {
      // names are cosmetic; ids are shown meanwhile
    }
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(
          node.label,
          node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `group:${this.groupBy}:${node.key}`;
        item.description = `${node.total}`;
        item.contextValue = 'caroHistory.group';
        item.iconPath = new vscode.ThemeIcon(
          this.groupBy === 'date' ? 'calendar' : this.groupBy === 'device' ? 'device-desktop' : 'folder',
        );
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `more:${this.groupBy}:${node.group.key}:${node.shown}`;
        item.description = `${node.group.total - node.shown} more`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: CommandId.loadMore, title: 'Load More History', arguments: [node] };
        return item;
      }
      case 'entry':
        return this.entryItem(node);
    }
  }

  private entryItem(node: EntryNode): vscode.TreeItem {
    const e = node.entry;
    const now = this.clock.now();
    const item = new vscode.TreeItem(commandLabel(e.command), vscode.TreeItemCollapsibleState.None);
    item.id = `entry:${node.group.key}:${e.id}`;
    const status = exitStatus(e);
    const bits = [status, riskText(e.riskLevel), relativeTime(e.createdAt, now), this.deviceLabel(e.deviceId)].filter(
      (b) => b !== '',
    );
    if (e.lowConfidence) bits.push('uncertain');
    item.description = visibleControls(bits.join(' · '));
    const icon = exitIcon(e);
    item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.contextValue = e.exitCode !== undefined && e.exitCode !== 0 ? 'caroHistory.entry.failed' : 'caroHistory.entry';
    item.accessibilityInformation = {
      label: visibleControls(
        `${e.command}, ${e.riskLevel} risk, ${exitStatusWords(e)}, ${relativeTime(e.createdAt, now)}, ${this.deviceLabel(e.deviceId)}`,
      ),
    };
    item.tooltip = this.tooltip(e, now);
    item.command = { command: CommandId.showDetails, title: 'Show Command Details', arguments: [node] };
    return item;
  }

  /**
   * Everything from history is escaped (markdownText) or fenced (markdownCodeBlock); the tooltip is untrusted, with no
   * HTML and no theme icons, so a synced command cannot add fake rows, links, images or command links.
   */
  private tooltip(e: HistoryEntry, now: number): vscode.MarkdownString {
    const md = new vscode.MarkdownString('', false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.supportThemeIcons = false;
    md.appendMarkdown(markdownCodeBlock(e.command, e.shell === 'pwsh' || e.shell === 'powershell' ? 'powershell' : 'shellscript'));
    md.appendMarkdown('\n');
    const rows: [string, string | undefined][] = [
      ['Risk', e.riskLevel],
      ...e.warnings.map((w): [string, string] => ['Warning', w]),
      ['Result', exitStatusWords(e)],
      ['When', `${new Date(e.createdAt).toLocaleString()} (${relativeTime(e.createdAt, now)})`],
      ['Duration', formatDuration(e.durationMs) || undefined],
      ['Directory', e.workingDir],
      ['Workspace', e.workspace],
      ['Shell', e.shell],
      ['Device', this.deviceLabel(e.deviceId)],
      ['Tags', e.tags.length > 0 ? e.tags.join(', ') : undefined],
      ['Prompt', e.prompt || undefined],
      ['Note', e.lowConfidence ? 'VS Code was unsure of this command line' : undefined],
    ];
    for (const [k, v] of rows) {
      if (v === undefined || v === '') continue;
      md.appendMarkdown(`**${k}:** ${markdownText(v)}  \n`);
    }
    return md;
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    return node.kind === 'group' ? undefined : this.groups.get(node.group.key);
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    try {
      if (!node) return await this.rootChildren();
      if (node.kind === 'group') return await this.groupChildren(node);
      return [];
    } catch (err) {
      this.notifier.error(err, 'show your command history');
      return [];
    }
  }

  private withFilter(f: HistoryFilter): HistoryFilter {
    const merged: HistoryFilter = { ...f };
    if (this.filter.workspace !== undefined) merged.workspace = this.filter.workspace;
    if (this.filter.directory !== undefined) merged.directory = this.filter.directory;
    return merged;
  }

  private async candidateGroups(history: HistoryApi): Promise<{ key: string; label: string; filter: HistoryFilter }[]> {
    if (this.groupBy === 'date') {
      const { today, yesterday } = dayStarts(this.clock.now());
      return [
        { key: 'today', label: 'Today', filter: { since: today } },
        { key: 'yesterday', label: 'Yesterday', filter: { since: yesterday, until: today - 1 } },
        { key: 'earlier', label: 'Earlier', filter: { until: yesterday - 1 } },
      ];
    }
    const facets = await history.facets();
    if (this.groupBy === 'workspace') {
      return facets.workspaces.map((w) => ({ key: `ws:${w}`, label: w, filter: { workspace: w } }));
    }
    if (this.groupBy === 'device') {
      await this.loadDeviceNames();
      return facets.devices.map((d) => ({ key: `dev:${d}`, label: this.deviceLabel(d), filter: { deviceId: d } }));
    }
    return facets.directories.map((d) => ({ key: `dir:${d}`, label: d, filter: { directory: d } }));
  }

  /** Date groups without a filter are counted from SQL (stats), so the first render needs no search index. */
  private get fastDatePath(): boolean {
    return this.groupBy === 'date' && this.filter.workspace === undefined && this.filter.directory === undefined;
  }

  private async dateTotals(history: HistoryApi): Promise<Map<string, number>> {
    const stats = await history.stats();
    const { yesterday } = dayStarts(this.clock.now());
    const key = (t: number): string => {
      const d = new Date(t);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const yesterdayKey = key(yesterday);
    let earlier = 0;
    let yest = 0;
    for (const [day, n] of Object.entries(stats.perDay)) {
      if (day < yesterdayKey) earlier += n;
      else if (day === yesterdayKey) yest += n;
    }
    // Everything newer than yesterday (including clock-skewed future entries) is "today", like `since: today`.
    return new Map([
      ['today', stats.total - yest - earlier],
      ['yesterday', yest],
      ['earlier', earlier],
    ]);
  }

  private async rootChildren(): Promise<HistoryNode[]> {
    const history = await this.services.history();
    const candidates = await this.candidateGroups(history);
    // Until the search index exists, count date groups from SQL (fast first render); build the index meanwhile so
    // later refreshes (one per captured command) are cheap.
    const totals = this.fastDatePath && !this.indexReady ? await this.dateTotals(history) : undefined;
    if (totals && !this.indexWarming) {
      this.indexWarming = history.search({}, 0, 1).then(
        () => {
          this.indexReady = true;
        },
        () => {
          this.indexWarming = undefined;
        },
      );
    }
    const groups: GroupNode[] = [];
    for (const c of candidates) {
      const filter = this.withFilter(c.filter);
      const total = totals?.get(c.key) ?? (await history.search(filter, 0, 1)).total;
      if (total === 0) continue;
      groups.push({ kind: 'group', key: c.key, label: c.label, filter, total, expanded: false });
    }
    const first = groups[0];
    if (first) first.expanded = true;
    this.groups.clear();
    for (const g of groups) this.groups.set(g.key, g);
    void vscode.commands.executeCommand('setContext', 'caroHistory.empty', groups.length === 0);
    this.topItems = groups.map((g) => `${g.label} (${g.total})`);
    this.onRendered(this.topItems);
    return groups;
  }

  private async groupChildren(group: GroupNode): Promise<HistoryNode[]> {
    const history = await this.services.history();
    const limit = this.shown.get(group.key) ?? PAGE_SIZE;
    let page: { items: HistoryEntry[]; total: number };
    if (this.fastDatePath && group.key === 'today') {
      // Today's entries are exactly the newest `total` ones: read them straight from SQL (no search index needed).
      page = { items: await history.latest(Math.min(limit, group.total)), total: group.total };
    } else {
      page = await history.search(group.filter, 0, limit);
    }
    group.total = page.total;
    const nodes: HistoryNode[] = page.items.map((entry) => ({ kind: 'entry', entry, group }));
    if (page.total > page.items.length) nodes.push({ kind: 'more', group, shown: page.items.length });
    if (group.expanded && this.groups.get(group.key) === group) {
      const groupLabels = [...this.groups.values()].map((g) => `${g.label} (${g.total})`);
      this.topItems = [...groupLabels, ...page.items.slice(0, 10).map((e) => commandLabel(e.command))];
      this.onRendered(this.topItems);
    }
    return nodes;
  }
}
