import type { HistoryApi, HistoryChange } from '../../core/history/historyApi';
import type { HistoryEntry } from '../../core/model/entry';
import { CaroError } from '../../core/model/errors';
import {
  type HistoryInitDto,
  type HostToWebview,
  type SelectionTarget,
  type WebviewToHost,
  toHistoryFilter,
} from '../../core/protocol/webviewProtocol';
import { assertNever } from '../../core/util/assertNever';
import { DisposableStore } from '../../core/util/disposable';
import { Emitter } from '../../core/util/emitter';
import type { ViewController } from './webviewSession';
import type { HostUi, WebviewServices } from './webviewServices';
import { toHistoryItem, toStatsDto, toTimelineItem } from './viewModels';

type HistoryRequest = Exclude<WebviewToHost, { type: 'ready' }>;

const COLLECT_PAGE = 1_000;
/** Same-command timeline length in the detail pane. */
const TIMELINE_LIMIT = 50;
/** Pushed change notifications are coalesced over this window. */
const CHANGE_DEBOUNCE_MS = 120;

/** Host side of the history panel. */
export class HistoryController implements ViewController {
  readonly view = 'history' as const;
  private readonly store = new DisposableStore();
  private readonly push = new Emitter<HostToWebview>();
  readonly onPush = this.push.event;
  private subscribed: Promise<void> | undefined;
  private pendingChange: HistoryChange | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly services: WebviewServices, private readonly ui: HostUi) {
    this.store.add(this.push);
    this.store.add({ dispose: () => { if (this.changeTimer) clearTimeout(this.changeTimer); } });
  }

  private async history(): Promise<HistoryApi> {
    const h = await this.services.history();
    this.subscribed ??= Promise.resolve().then(() => {
      this.store.add(h.onDidChange((c) => this.onHistoryChange(c)));
    });
    await this.subscribed;
    return h;
  }

  private onHistoryChange(c: HistoryChange): void {
    const prev = this.pendingChange;
    this.pendingChange = !prev
      ? { ...c, ids: [...c.ids] }
      : { kind: prev.kind === c.kind ? c.kind : 'synced', ids: prev.ids.length && c.ids.length ? [...prev.ids, ...c.ids].slice(0, 500) : [], origin: c.origin };
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      const change = this.pendingChange;
      this.pendingChange = undefined;
      if (change) this.push.fire({ type: 'history/changed', kind: change.kind, ids: change.ids });
    }, CHANGE_DEBOUNCE_MS);
  }

  private async deviceNames(): Promise<Record<string, string>> {
    const me = this.services.device();
    const names: Record<string, string> = {};
    const sync = this.services.sync();
    if (sync) {
      try {
        for (const d of await sync.devices()) names[d.deviceId] = d.name;
      } catch (e) {
        this.services.logger.warn(`history panel: device names unavailable (${e instanceof Error ? e.message : 'unknown error'})`);
      }
    }
    names[me.deviceId] = me.name;
    return names;
  }

  async init(): Promise<HistoryInitDto> {
    const h = await this.history();
    const [facets, deviceNames] = await Promise.all([h.facets(), this.deviceNames()]);
    return { view: 'history', thisDeviceId: this.services.device().deviceId, deviceNames, facets, recordingPaused: h.paused };
  }

  async handle(msg: HistoryRequest): Promise<HostToWebview | undefined> {
    switch (msg.type) {
      case 'history/query': {
        const h = await this.history();
        const page = await h.search(toHistoryFilter(msg.filter), msg.offset, msg.limit);
        return { type: 'history/page', offset: msg.offset, total: page.total, items: page.items.map(toHistoryItem) };
      }
      case 'history/detail': {
        const h = await this.history();
        const entry = await this.mustGet(h, msg.id);
        const same = await h.search({ text: entry.command }, 0, TIMELINE_LIMIT * 4);
        const timeline = same.items
          .filter((e) => e.command === entry.command)
          .slice(0, TIMELINE_LIMIT)
          .map(toTimelineItem);
        return { type: 'history/detail', item: toHistoryItem(entry), timeline };
      }
      case 'history/insert': {
        const h = await this.history();
        const entry = await this.mustGet(h, msg.id);
        const done = await this.services.insert(entry, msg.run);
        return done === false ? { type: 'ack', cancelled: true } : { type: 'ack', count: 1 };
      }
      case 'history/delete':
        return this.deleteTarget(msg.target);
      case 'history/export': {
        const entries = await this.entriesOf(msg.target);
        if (entries.length === 0) return { type: 'ack', count: 0, message: 'Nothing to export.' };
        const where = await this.services.exportEntries(entries);
        return where === undefined
          ? { type: 'ack', cancelled: true }
          : { type: 'ack', count: entries.length, message: `Exported ${entries.length} command${entries.length === 1 ? '' : 's'}.` };
      }
      case 'history/stats': {
        const h = await this.history();
        return { type: 'history/stats', stats: toStatsDto(await h.stats()) };
      }
      case 'history/facets': {
        const h = await this.history();
        const [facets, deviceNames] = await Promise.all([h.facets(), this.deviceNames()]);
        return { type: 'history/facets', facets, deviceNames };
      }
      case 'webview/error':
        this.services.logger.warn(`history panel reported: ${msg.message}`);
        return undefined;
      case 'devices/refresh':
      case 'devices/rename':
      case 'devices/remove':
      case 'sync/now':
      case 'sync/pause':
      case 'sync/resume':
      case 'sync/setup':
      case 'sync/join':
        return { type: 'error', code: 'invalidInput', message: 'The history panel cannot do that.', action: 'Use the Devices view.' };
      default:
        return assertNever(msg, 'history message');
    }
  }

  private async mustGet(h: HistoryApi, id: string): Promise<HistoryEntry> {
    const entry = await h.get(id);
    if (!entry || entry.deletedAt !== undefined) {
      throw new CaroError('invalidInput', 'That command is no longer in your history.', 'Refresh the list and pick another one.');
    }
    return entry;
  }

  /** Ids of a selection: explicit ids, or every entry matching a filter minus the exceptions. */
  private async idsOf(target: SelectionTarget): Promise<string[]> {
    if (target.kind === 'ids') return [...new Set(target.ids)];
    const h = await this.history();
    const except = new Set(target.exceptIds);
    const filter = toHistoryFilter(target.filter);
    const ids: string[] = [];
    for (let offset = 0; ; offset += COLLECT_PAGE) {
      const page = await h.search(filter, offset, COLLECT_PAGE);
      for (const e of page.items) if (!except.has(e.id)) ids.push(e.id);
      if (page.items.length < COLLECT_PAGE || offset + COLLECT_PAGE >= page.total) break;
    }
    return ids;
  }

  private async entriesOf(target: SelectionTarget): Promise<HistoryEntry[]> {
    const h = await this.history();
    if (target.kind === 'matching') {
      const except = new Set(target.exceptIds);
      const filter = toHistoryFilter(target.filter);
      const out: HistoryEntry[] = [];
      for (let offset = 0; ; offset += COLLECT_PAGE) {
        const page = await h.search(filter, offset, COLLECT_PAGE);
        for (const e of page.items) if (!except.has(e.id)) out.push(e);
        if (page.items.length < COLLECT_PAGE || offset + COLLECT_PAGE >= page.total) break;
      }
      return out;
    }
    const out: HistoryEntry[] = [];
    for (const id of new Set(target.ids)) {
      const e = await h.get(id);
      if (e && e.deletedAt === undefined) out.push(e);
    }
    return out;
  }

  private async deleteTarget(target: SelectionTarget): Promise<HostToWebview> {
    const ids = await this.idsOf(target);
    if (ids.length === 0) return { type: 'ack', count: 0, message: 'Nothing to delete.' };
    if (ids.length > 1) {
      const ok = await this.ui.confirm(
        `Delete ${ids.length} commands from your history?`,
        'They are removed on this device and, if sync is on, on every synced device. This cannot be undone.',
        'Delete',
      );
      if (!ok) return { type: 'ack', cancelled: true };
    }
    const h = await this.history();
    let deleted = 0;
    for (let i = 0; i < ids.length; i += COLLECT_PAGE) {
      const chunk = ids.slice(i, i + COLLECT_PAGE);
      const done = this.services.delete ? await this.services.delete(chunk) : await h.delete(chunk);
      deleted += done.length;
    }
    return { type: 'ack', count: deleted, message: `Deleted ${deleted} command${deleted === 1 ? '' : 's'}.` };
  }

  dispose(): void {
    this.store.dispose();
  }
}
