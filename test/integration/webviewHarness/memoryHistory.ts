import type { HistoryApi, HistoryChange, HistoryStats } from '../../../src/core/history/historyApi';
import type {
  CaptureOutcome,
  CapturedCommand,
  HistoryEntry,
  HistoryFilter,
  HistoryPage,
  RiskLevel,
} from '../../../src/core/model/entry';
import { Emitter } from '../../../src/core/util/emitter';

const RISK_ORDER: readonly RiskLevel[] = ['safe', 'moderate', 'high', 'critical'];

function fuzzy(hay: string, needle: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i >= needle.length;
}

function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * In-memory HistoryApi (test fake of the port, code-style §2.2): the same filter semantics as the history service
 * contract (newest first, deleted excluded), so the webview tests exercise paging, filters and deletes for real.
 */
export class MemoryHistory implements HistoryApi {
  private readonly byId = new Map<string, HistoryEntry>();
  /** Newest first. */
  private ordered: HistoryEntry[] = [];
  private readonly changes = new Emitter<HistoryChange>();
  readonly onDidChange = this.changes.event;
  paused = false;
  /** Every search call, for assertions about what the panel asked for. */
  readonly searches: { filter: HistoryFilter; offset: number; limit: number }[] = [];

  constructor(entries: readonly HistoryEntry[] = []) {
    for (const e of entries) this.byId.set(e.id, e);
    this.reorder();
  }

  private reorder(): void {
    this.ordered = [...this.byId.values()].filter((e) => e.deletedAt === undefined).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  get live(): readonly HistoryEntry[] {
    return this.ordered;
  }

  matches(e: HistoryEntry, f: HistoryFilter): boolean {
    if (f.text) {
      const t = f.text.toLowerCase();
      const hay = `${e.command}\n${e.prompt}\n${e.workingDir ?? ''}`.toLowerCase();
      if (f.mode === 'fuzzy' ? !fuzzy(e.command.toLowerCase(), t.replace(/\s+/g, '')) : !hay.includes(t)) return false;
    }
    if (f.workspace && e.workspace !== f.workspace) return false;
    if (f.directory && e.workingDir !== f.directory) return false;
    if (f.deviceId && e.deviceId !== f.deviceId) return false;
    if (f.sessionId && e.sessionId !== f.sessionId) return false;
    const failed = e.success === false || (e.exitCode !== undefined && e.exitCode !== 0);
    if (f.status === 'failed' && !failed) return false;
    if (f.status === 'success' && failed) return false;
    if (f.riskLevels && f.riskLevels.length > 0 && !f.riskLevels.includes(e.riskLevel)) return false;
    if (f.minRisk && RISK_ORDER.indexOf(e.riskLevel) < RISK_ORDER.indexOf(f.minRisk)) return false;
    if (f.since !== undefined && e.createdAt < f.since) return false;
    if (f.until !== undefined && e.createdAt > f.until) return false;
    return true;
  }

  async record(c: CapturedCommand): Promise<CaptureOutcome> {
    const entry: HistoryEntry = {
      id: `rec-${this.byId.size + 1}`,
      command: c.commandLine,
      prompt: c.prompt ?? '',
      tags: [],
      executed: true,
      riskLevel: 'safe',
      warnings: [],
      deviceId: 'this-device',
      createdAt: c.startedAt,
      updatedAt: c.startedAt,
      schemaVersion: 1,
    };
    if (c.exitCode !== undefined) {
      entry.exitCode = c.exitCode;
      entry.success = c.exitCode === 0;
    }
    if (c.cwd !== undefined) entry.workingDir = c.cwd;
    this.byId.set(entry.id, entry);
    this.reorder();
    this.changes.fire({ kind: 'added', ids: [entry.id], origin: 'local' });
    return { stored: true, entry, redactions: [] };
  }

  async latest(limit: number): Promise<HistoryEntry[]> {
    return this.ordered.slice(0, limit);
  }

  async search(filter: HistoryFilter, offset: number, limit: number): Promise<HistoryPage> {
    this.searches.push({ filter, offset, limit });
    const hasFilter = Object.keys(filter).length > 0;
    const all = hasFilter ? this.ordered.filter((e) => this.matches(e, filter)) : this.ordered;
    return { items: all.slice(offset, offset + limit), total: all.length };
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    return this.byId.get(id);
  }

  async delete(ids: readonly string[]): Promise<string[]> {
    const done: string[] = [];
    for (const id of ids) {
      const e = this.byId.get(id);
      if (e && e.deletedAt === undefined) {
        this.byId.set(id, { ...e, deletedAt: Date.now() });
        done.push(id);
      }
    }
    this.reorder();
    if (done.length) this.changes.fire({ kind: 'deleted', ids: done, origin: 'local' });
    return done;
  }

  async clear(): Promise<number> {
    return (await this.delete(this.ordered.map((e) => e.id))).length;
  }

  async stats(): Promise<HistoryStats> {
    const perDay: Record<string, number> = {};
    const perHour = new Array<number>(24).fill(0);
    const byRisk: Record<string, number> = {};
    let failed = 0;
    let known = 0;
    for (const e of this.ordered) {
      const k = dayKey(e.createdAt);
      perDay[k] = (perDay[k] ?? 0) + 1;
      const h = new Date(e.createdAt).getHours();
      perHour[h] = (perHour[h] ?? 0) + 1;
      byRisk[e.riskLevel] = (byRisk[e.riskLevel] ?? 0) + 1;
      if (e.success !== undefined || e.exitCode !== undefined) known++;
      if (e.success === false || (e.exitCode !== undefined && e.exitCode !== 0)) failed++;
    }
    return { total: this.ordered.length, deleted: this.byId.size - this.ordered.length, byRisk, failed, failureRate: known ? failed / known : 0, perDay, perHour, skippedTooLarge: 0 };
  }

  async facets(): Promise<{ workspaces: string[]; directories: string[]; devices: string[]; sessions: string[] }> {
    const set = (f: (e: HistoryEntry) => string | undefined): string[] =>
      [...new Set(this.ordered.map(f).filter((v): v is string => Boolean(v)))].sort();
    return { workspaces: set((e) => e.workspace), directories: set((e) => e.workingDir), devices: set((e) => e.deviceId), sessions: set((e) => e.sessionId) };
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }
}
