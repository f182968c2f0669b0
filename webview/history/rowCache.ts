import type { HistoryItemDto } from '../../src/core/protocol/webviewProtocol';

export interface PageResult {
  total: number;
  items: readonly HistoryItemDto[];
}

/**
 * Paged, bounded cache of rows for the virtual list. Pages are fetched on demand (offset/limit); a filter change
 * clears it, a history change refetches while still showing the previous rows (no flicker).
 */
export class RowCache {
  private pages = new Map<number, readonly HistoryItemDto[]>();
  private stale = new Map<number, readonly HistoryItemDto[]>();
  private inflight = new Map<number, Promise<void>>();
  private generation = 0;
  private lastTouched = 0;
  /** -1 until the first page of the current query arrived. */
  total = -1;

  constructor(
    private readonly fetchPage: (offset: number, limit: number) => Promise<PageResult>,
    private readonly onChange: () => void,
    private readonly onError: (e: unknown) => void,
    readonly pageSize = 200,
    private readonly maxPages = 60,
  ) {}

  /** New query: forget everything. */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.stale.clear();
    this.inflight.clear();
    this.total = -1;
  }

  /** Same query, data changed: keep showing old rows until fresh pages arrive. */
  invalidate(): void {
    this.generation++;
    for (const [p, rows] of this.pages) this.stale.set(p, rows);
    this.pages.clear();
    this.inflight.clear();
  }

  get(index: number): HistoryItemDto | undefined {
    const p = Math.floor(index / this.pageSize);
    const rows = this.pages.get(p) ?? this.stale.get(p);
    return rows?.[index - p * this.pageSize];
  }

  /** The row at index from a page fetched for the current data (not a stale one kept on screen), or undefined. */
  fresh(index: number): HistoryItemDto | undefined {
    const p = Math.floor(index / this.pageSize);
    return this.pages.get(p)?.[index - p * this.pageSize];
  }

  /** Index of a loaded row, or -1. */
  indexOf(id: string): number {
    for (const [p, rows] of this.pages) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) return p * this.pageSize + i;
    }
    return -1;
  }

  /** Make sure rows first..last are (being) loaded. */
  ensure(first: number, last: number): void {
    void this.load(first, last);
  }

  /** Loads rows first..last; resolves when they are present (or the query changed). */
  async load(first: number, last: number): Promise<void> {
    const lo = Math.max(0, Math.floor(first / this.pageSize));
    const hiRow = this.total >= 0 ? Math.min(last, this.total - 1) : last;
    const hi = Math.max(lo, Math.floor(Math.max(0, hiRow) / this.pageSize));
    this.lastTouched = lo;
    const waits: Promise<void>[] = [];
    for (let p = lo; p <= hi; p++) {
      if (this.pages.has(p)) continue;
      waits.push(this.inflight.get(p) ?? this.fetch(p));
    }
    await Promise.all(waits);
  }

  private fetch(p: number): Promise<void> {
    const gen = this.generation;
    const job = this.fetchPage(p * this.pageSize, this.pageSize).then(
      (r) => {
        if (gen !== this.generation) return;
        this.inflight.delete(p);
        this.pages.set(p, r.items);
        this.stale.delete(p);
        if (this.total !== r.total) {
          this.total = r.total;
          // Stale pages beyond the new end would show rows that no longer exist.
          for (const sp of [...this.stale.keys()]) if (sp * this.pageSize >= r.total) this.stale.delete(sp);
        }
        this.evict();
        this.onChange();
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.inflight.delete(p);
        this.onError(e);
      },
    );
    this.inflight.set(p, job);
    return job;
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - this.lastTouched) - Math.abs(a - this.lastTouched));
    for (const p of far.slice(0, this.pages.size - this.maxPages)) this.pages.delete(p);
  }
}
