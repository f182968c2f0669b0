import type { HistoryFilter, RiskLevel } from '../model/entry';

const RISK_RANK: Record<RiskLevel, number> = { safe: 0, moderate: 1, high: 2, critical: 3 };

export function riskRankOf(level: RiskLevel): number {
  return RISK_RANK[level] ?? 1;
}

/** What the search index keeps per live entry: the lower-cased searchable text and the filterable fields. */
export interface IndexItem {
  rowid: number;
  id: string;
  /** Lower-cased command (+ "\n" + prompt when there is one). */
  text: string;
  createdAt: number;
  workingDir: string | undefined;
  workspace: string | undefined;
  deviceId: string;
  sessionId: string | undefined;
  success: boolean | undefined;
  risk: number;
  dead: boolean;
}

export interface IndexSearchResult {
  ids: string[];
  total: number;
}

/**
 * In-memory index of the decrypted live history, newest last. Built lazily by the history service on the first
 * search and kept current by record/delete/applyRemote/retention. Holds no full entries: result pages are read back
 * from the database (and decrypted) by id, which keeps the index at roughly 200 bytes per entry.
 */
export class SearchIndex {
  private items: IndexItem[] = [];
  private readonly byId = new Map<string, IndexItem>();
  private deadCount = 0;
  private readonly strings = new Map<string, string>();
  /** Highest rowid seen, so another process's inserts can be picked up incrementally. */
  maxRowid = 0;

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Shares identical strings (directories, workspaces, device and session ids repeat a lot). */
  intern(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  add(item: IndexItem): void {
    if (this.byId.has(item.id)) return;
    this.byId.set(item.id, item);
    if (item.rowid > this.maxRowid) this.maxRowid = item.rowid;
    const items = this.items;
    const last = items[items.length - 1];
    if (!last || compare(last, item) <= 0) {
      items.push(item);
      return;
    }
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(items[mid] as IndexItem, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
  }

  /** Adds many items at once (index build): one sort and one linear merge instead of an insertion per item. */
  addMany(batch: readonly IndexItem[]): void {
    const fresh: IndexItem[] = [];
    for (const item of batch) {
      if (this.byId.has(item.id)) continue;
      this.byId.set(item.id, item);
      if (item.rowid > this.maxRowid) this.maxRowid = item.rowid;
      fresh.push(item);
    }
    if (fresh.length === 0) return;
    fresh.sort(compare);
    const items = this.items;
    const last = items[items.length - 1];
    if (!last || compare(last, fresh[0] as IndexItem) <= 0) {
      for (const f of fresh) items.push(f);
      return;
    }
    const merged: IndexItem[] = new Array(items.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < items.length && j < fresh.length) {
      merged[k++] = compare(items[i] as IndexItem, fresh[j] as IndexItem) <= 0 ? (items[i++] as IndexItem) : (fresh[j++] as IndexItem);
    }
    while (i < items.length) merged[k++] = items[i++] as IndexItem;
    while (j < fresh.length) merged[k++] = fresh[j++] as IndexItem;
    this.items = merged;
  }

  remove(id: string): boolean {
    const item = this.byId.get(id);
    if (!item) return false;
    this.byId.delete(id);
    item.dead = true;
    this.deadCount++;
    if (this.deadCount > 1024 && this.deadCount > this.items.length / 8) {
      this.items = this.items.filter((i) => !i.dead);
      this.deadCount = 0;
    }
    return true;
  }

  clear(): void {
    this.items = [];
    this.byId.clear();
    this.strings.clear();
    this.deadCount = 0;
  }

  /** Distinct values of the filterable fields, most used first (ties: most recent first). */
  facets(max: number): { workspaces: string[]; directories: string[]; devices: string[]; sessions: string[] } {
    const counters = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>()] as const;
    const bump = (m: Map<string, number>, v: string | undefined): void => {
      if (v) m.set(v, (m.get(v) ?? 0) + 1);
    };
    // Newest first, so Map insertion order breaks count ties by recency.
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i] as IndexItem;
      if (it.dead) continue;
      bump(counters[0], it.workspace);
      bump(counters[1], it.workingDir);
      bump(counters[2], it.deviceId);
      bump(counters[3], it.sessionId);
    }
    const top = (m: Map<string, number>): string[] =>
      [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, max).map(([v]) => v);
    return { workspaces: top(counters[0]), directories: top(counters[1]), devices: top(counters[2]), sessions: top(counters[3]) };
  }

  search(filter: HistoryFilter, offset: number, limit: number): IndexSearchResult {
    const accept = compileFilter(filter);
    const query = (filter.text ?? '').trim().toLowerCase();
    const items = this.items;
    if (query !== '' && filter.mode === 'fuzzy') {
      const terms = query.split(/\s+/).filter(Boolean);
      // Keep only the best offset+limit matches (a bounded heap), not a sort of every match.
      const top = new TopK(offset + limit);
      // Texts are interned, so a command run many times is scored once per search.
      const scores = new Map<string, number>();
      let total = 0;
      let seq = 0;
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i] as IndexItem;
        if (item.dead || !accept(item)) continue;
        let score = scores.get(item.text);
        if (score === undefined) {
          score = 0;
          for (const t of terms) {
            const s = fuzzyScore(item.text, t);
            if (s === -Infinity) {
              score = -Infinity;
              break;
            }
            score += s;
          }
          scores.set(item.text, score);
        }
        if (score === -Infinity) continue;
        total++;
        top.offer(item, score, seq++);
      }
      return { ids: top.sorted().slice(offset, offset + limit).map((i) => i.id), total };
    }
    const ids: string[] = [];
    let total = 0;
    const end = offset + limit;
    // Texts are interned: a command run many times is tested once.
    const hits = new Map<string, boolean>();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i] as IndexItem;
      if (item.dead || !accept(item)) continue;
      if (query !== '') {
        let hit = hits.get(item.text);
        if (hit === undefined) {
          hit = item.text.includes(query);
          hits.set(item.text, hit);
        }
        if (!hit) continue;
      }
      if (total >= offset && total < end) ids.push(item.id);
      total++;
    }
    return { ids, total };
  }
}

function compare(a: IndexItem, b: IndexItem): number {
  return a.createdAt - b.createdAt || a.rowid - b.rowid;
}

function compileFilter(f: HistoryFilter): (i: IndexItem) => boolean {
  const checks: ((i: IndexItem) => boolean)[] = [];
  if (f.workspace !== undefined) checks.push((i) => i.workspace === f.workspace);
  if (f.directory !== undefined) {
    // The folder itself and everything below it (not a sibling that merely shares the prefix).
    const exact = f.directory;
    const dir = exact.replace(/[\\/]+$/, '');
    const slash = `${dir}/`;
    const backslash = `${dir}\\`;
    // Directories are interned and few: decide once per distinct value (measured ~10x faster than testing each row).
    const memo = new Map<string, boolean>();
    checks.push((i) => {
      const w = i.workingDir;
      if (w === undefined) return false;
      let v = memo.get(w);
      if (v === undefined) {
        v = w === dir || w === exact || w.startsWith(slash) || w.startsWith(backslash);
        memo.set(w, v);
      }
      return v;
    });
  }
  if (f.deviceId !== undefined) checks.push((i) => i.deviceId === f.deviceId);
  if (f.sessionId !== undefined) checks.push((i) => i.sessionId === f.sessionId);
  if (f.status === 'success') checks.push((i) => i.success === true);
  if (f.status === 'failed') checks.push((i) => i.success === false);
  if (f.minRisk !== undefined) {
    const min = riskRankOf(f.minRisk);
    checks.push((i) => i.risk >= min);
  }
  if (f.riskLevels !== undefined) {
    const set = new Set(f.riskLevels.map(riskRankOf));
    checks.push((i) => set.has(i.risk));
  }
  if (f.since !== undefined) {
    const since = f.since;
    checks.push((i) => i.createdAt >= since);
  }
  if (f.until !== undefined) {
    const until = f.until;
    checks.push((i) => i.createdAt <= until);
  }
  if (checks.length === 0) return () => true;
  return (i) => {
    for (const c of checks) if (!c(i)) return false;
    return true;
  };
}

function isBoundary(code: number): boolean {
  // space, / \ - _ . : = | ; & ' " ( ) and start
  return code === 32 || code === 47 || code === 92 || code === 45 || code === 95 || code === 46 || code === 58 ||
    code === 61 || code === 124 || code === 59 || code === 38 || code === 39 || code === 34 || code === 40 ||
    code === 41 || code === 10 || code === 9;
}

/**
 * Subsequence match score (higher is better), -Infinity when `q` is not a subsequence of `t`. Finds the shortest
 * window ending at the first complete forward match, then rewards consecutive characters and word starts and
 * penalises gaps.
 */
export function fuzzyScore(t: string, q: string): number {
  const n = t.length;
  const m = q.length;
  if (m === 0) return 0;
  if (m > n) return -Infinity;
  // Forward pass with native indexOf: the first complete match, or a fast rejection.
  let end = -1;
  for (let qi = 0; qi < m; qi++) {
    end = t.indexOf(q[qi] as string, end + 1);
    if (end < 0) return -Infinity;
  }
  // Backward pass: the shortest window that ends there.
  let start = end;
  let qi = m - 1;
  for (let i = end; i >= 0; i--) {
    if (t.charCodeAt(i) === q.charCodeAt(qi)) {
      qi--;
      if (qi < 0) {
        start = i;
        break;
      }
    }
  }
  let score = 0;
  let prev = -2;
  let inGap = false;
  qi = 0;
  for (let i = start; i <= end && qi < m; i++) {
    if (t.charCodeAt(i) === q.charCodeAt(qi)) {
      let s = 16;
      if (i === prev + 1) s += 12;
      if (i === 0 || isBoundary(t.charCodeAt(i - 1))) s += 8;
      score += s;
      prev = i;
      inGap = false;
      qi++;
    } else {
      score -= inGap ? 1 : 3;
      inGap = true;
    }
  }
  if (start === 0) score += 4;
  return score - n * 0.01;
}

/** Bounded min-heap of the best `k` (score desc, then earlier `seq` = newer first). */
class TopK {
  private readonly heap: { item: IndexItem; score: number; seq: number }[] = [];
  constructor(private readonly k: number) {}

  /** a is worse than b */
  private worse(a: { score: number; seq: number }, b: { score: number; seq: number }): boolean {
    return a.score < b.score || (a.score === b.score && a.seq > b.seq);
  }

  offer(item: IndexItem, score: number, seq: number): void {
    const h = this.heap;
    const e = { item, score, seq };
    if (h.length < this.k) {
      h.push(e);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(h[i] as typeof e, h[p] as typeof e)) break;
        [h[i], h[p]] = [h[p] as typeof e, h[i] as typeof e];
        i = p;
      }
      return;
    }
    if (this.k === 0 || !this.worse(h[0] as typeof e, e)) return;
    h[0] = e;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < h.length && this.worse(h[l] as typeof e, h[w] as typeof e)) w = l;
      if (r < h.length && this.worse(h[r] as typeof e, h[w] as typeof e)) w = r;
      if (w === i) break;
      [h[i], h[w]] = [h[w] as typeof e, h[i] as typeof e];
      i = w;
    }
  }

  sorted(): IndexItem[] {
    return [...this.heap].sort((a, b) => b.score - a.score || a.seq - b.seq).map((e) => e.item);
  }
}
