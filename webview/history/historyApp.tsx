import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  HistoryFilterDto,
  HistoryInitDto,
  HistoryItemDto,
  SelectionTarget,
  StatsDto,
  TimelineItemDto,
} from '../../src/core/protocol/webviewProtocol';
import { count } from '../shared/format';
import { type HostConnection, describeError } from '../shared/host';
import { DetailPane } from './detailPane';
import { FilterBar, hasFilters } from './filterBar';
import { HistoryGrid, ROW_HEIGHT } from './historyGrid';
import { RowCache } from './rowCache';
import { StatsChart } from './statsChart';
import {
  EMPTY_SELECTION,
  type PersistedSelection,
  type Selection,
  isSelected,
  only,
  persistSelection,
  restoreSelection,
  selectedCount,
  toTarget,
  toggle,
  withIds,
} from './selection';

/** What getState/setState keeps, so reopening the panel restores filters, scroll and selection. */
export interface HistoryViewState {
  v: 1;
  filter: HistoryFilterDto;
  scrollTop: number;
  focusIndex: number;
  focusId?: string;
  selection: PersistedSelection;
  showStats: boolean;
}

const SEARCH_DEBOUNCE_MS = 150;
const DETAIL_DEBOUNCE_MS = 80;
const MAX_RANGE = 10_000;

type Toast = { kind: 'info' | 'error'; text: string };

export function HistoryApp({ host }: { host: HostConnection<HistoryViewState> }): JSX.Element {
  const saved = useMemo(() => {
    const s = host.getState();
    return s && s.v === 1 ? s : undefined;
  }, []);
  const [init, setInit] = useState<HistoryInitDto>();
  const [fatal, setFatal] = useState<string>();
  const [filter, setFilter] = useState<HistoryFilterDto>(saved?.filter ?? {});
  const [text, setText] = useState(saved?.filter.text ?? '');
  const [version, setVersion] = useState(0);
  const [total, setTotal] = useState(-1);
  const [focusIndex, setFocusIndex] = useState(saved?.focusIndex ?? 0);
  // The focused entry is an id: rows move when new commands arrive, and actions must follow the entry, not the row.
  const [focusId, setFocusId] = useState<string | undefined>(saved?.focusId);
  const [anchor, setAnchor] = useState(saved?.focusIndex ?? 0);
  const [selection, setSelection] = useState<Selection>(restoreSelection(saved?.selection));
  const [detail, setDetail] = useState<{ item: HistoryItemDto; timeline: readonly TimelineItemDto[] }>();
  const [showStats, setShowStats] = useState(saved?.showStats ?? false);
  const [stats, setStats] = useState<StatsDto>();
  const [toast, setToast] = useState<Toast>();
  const [deviceNames, setDeviceNames] = useState<Readonly<Record<string, string>>>({});
  const [facets, setFacets] = useState<HistoryInitDto['facets']>({ workspaces: [], directories: [], devices: [], sessions: [] });

  const gridRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const scrollTop = useRef(saved?.scrollTop ?? 0);
  const viewportRows = useRef(10);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const showError = useCallback((e: unknown) => setToast({ kind: 'error', text: describeError(e) }), []);

  const cache = useMemo(() => new RowCache(
    async (offset, limit) => {
      const page = await host.request<'history/query'>({ type: 'history/query', filter: filterRef.current, offset, limit });
      return { total: page.total, items: page.items };
    },
    () => {
      if (performance.getEntriesByName('caro:first-page').length === 0) performance.mark('caro:first-page');
      setVersion((v) => v + 1);
      setTotal(cache.total);
    },
    showError,
  ), []);

  // ---- handshake
  useEffect(() => {
    host.ready().then((state) => {
      if (state.view !== 'history') throw new Error('This panel received the wrong view state.');
      performance.mark('caro:init');
      setInit(state);
      setDeviceNames(state.deviceNames);
      setFacets(state.facets);
      cache.reset();
      cache.ensure(0, 0);
    }).catch((e: unknown) => setFatal(describeError(e)));
  }, []);

  // ---- persistence
  const persist = useCallback(() => {
    host.setState({
      v: 1, filter: filterRef.current, scrollTop: scrollTop.current, focusIndex,
      ...(focusId !== undefined ? { focusId } : {}), selection: persistSelection(selection), showStats,
    });
  }, [focusIndex, focusId, selection, showStats]);
  useEffect(persist, [filter, focusIndex, focusId, selection, showStats]);
  const persistTimer = useRef<ReturnType<typeof setTimeout>>();

  // ---- query changes
  const applyFilter = useCallback((next: HistoryFilterDto) => {
    filterRef.current = next;
    setFilter(next);
    setText(next.text ?? '');
    cache.reset();
    setTotal(-1);
    setVersion((v) => v + 1);
    setSelection(EMPTY_SELECTION);
    setFocusIndex(0);
    setFocusId(undefined);
    setAnchor(0);
    scrollTop.current = 0;
    if (gridRef.current) gridRef.current.scrollTop = 0;
    cache.ensure(0, 0);
  }, []);

  const searchTimer = useRef<ReturnType<typeof setTimeout>>();
  const onText = useCallback((value: string) => {
    setText(value);
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => {
      const next: HistoryFilterDto = { ...filterRef.current, text: value };
      if (!value) delete next.text;
      applyFilter(next);
    }, SEARCH_DEBOUNCE_MS);
  }, []);

  // ---- pushes from the host
  const showStatsRef = useRef(showStats);
  showStatsRef.current = showStats;
  const [detailNonce, setDetailNonce] = useState(0);
  const detailRef = useRef(detail);
  detailRef.current = detail;
  useEffect(() => host.onPush((m) => {
    if (m.type !== 'history/changed') return;
    if (m.kind === 'deleted' && m.ids.length > 0) {
      // The focused entry is gone: focus falls to whatever is now at its position.
      setFocusId((id) => (id !== undefined && m.ids.includes(id) ? undefined : id));
      setSelection((s) => (s.kind === 'ids' ? { kind: 'ids', ids: new Set([...s.ids].filter((id) => !m.ids.includes(id))) } : s));
    }
    cache.invalidate();
    setVersion((v) => v + 1);
    // A delete with known ids only removes rows: filter choices stay valid and the details need a new lookup (a
    // same-command search over the whole history) only when their timeline lists a deleted entry. Everything else
    // the extension host does for the panel waits behind those lookups.
    const deleted = m.kind === 'deleted' && m.ids.length > 0 ? new Set(m.ids) : undefined;
    if (!deleted) {
      host.request<'history/facets'>({ type: 'history/facets' }).then((f) => {
        setFacets(f.facets);
        setDeviceNames(f.deviceNames);
      }, () => undefined);
    }
    if (showStatsRef.current) host.request<'history/stats'>({ type: 'history/stats' }).then((s) => setStats(s.stats), () => undefined);
    const shown = detailRef.current;
    if (!deleted || (shown && (deleted.has(shown.item.id) || shown.timeline.some((t) => deleted.has(t.id))))) setDetailNonce((n) => n + 1);
  }), []);

  // ---- stats
  useEffect(() => {
    if (!showStats || !init) return;
    host.request<'history/stats'>({ type: 'history/stats' }).then((s) => setStats(s.stats), showError);
  }, [showStats, init]);

  // ---- the focused entry and where it is now
  const at = total > 0 && focusIndex < total ? cache.get(focusIndex) : undefined;
  const located = focusId === undefined ? -1 : at?.id === focusId ? focusIndex : cache.indexOf(focusId);
  /** Row index to highlight: where the focused entry is now (it moves down as new commands arrive). */
  const focusRow = located >= 0 ? located : focusIndex;
  const focused = focusId === undefined ? at : located >= 0 ? cache.get(located) : undefined;
  const focusedId = focusId ?? at?.id;
  useEffect(() => {
    // Nothing focused yet (first load, or the focused entry was deleted): adopt the entry now at that position, once
    // its page is current (a stale row there may be the deleted one).
    const current = focusId === undefined ? cache.fresh(focusIndex) : undefined;
    if (current) setFocusId(current.id);
    if (located >= 0 && located !== focusIndex) {
      const delta = located - focusIndex;
      setFocusIndex(located);
      setAnchor((a) => Math.max(0, a + delta));
    }
  });

  // ---- detail of the focused row
  const detailKey = useRef('');
  useEffect(() => {
    if (!focusedId) return undefined;
    // Focus can pass through "none" and back to the same entry (filter change, delete): fetch once per entry/change.
    const key = `${focusedId} ${detailNonce}`;
    if (key === detailKey.current) return undefined;
    const t = setTimeout(() => {
      detailKey.current = key;
      host.request<'history/detail'>({ type: 'history/detail', id: focusedId }).then(
        (d) => setDetail({ item: d.item, timeline: d.timeline }),
        () => setDetail(undefined),
      );
    }, DETAIL_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [focusedId, detailNonce]);

  // Keep the focus inside the list when it shrinks.
  useEffect(() => {
    if (total >= 0 && focusIndex >= total) setFocusIndex(Math.max(0, total - 1));
  }, [total]);

  // ---- focus & selection helpers
  const reveal = useCallback((i: number) => {
    const el = gridRef.current;
    if (!el) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + 2 * ROW_HEIGHT - el.clientHeight;
  }, []);

  const selectRange = useCallback(async (from: number, to: number, additive: boolean) => {
    const lo = Math.max(0, Math.min(from, to));
    const hi = Math.min(Math.max(from, to), lo + MAX_RANGE - 1);
    await cache.load(lo, hi);
    const ids: string[] = [];
    for (let i = lo; i <= hi; i++) {
      const r = cache.get(i);
      if (r) ids.push(r.id);
    }
    setSelection((s) => (additive ? withIds(s, ids) : { kind: 'ids', ids: new Set(ids) }));
  }, []);

  /** Focus row i and the entry shown there (loaded first when it is not yet). */
  const focusAt = useCallback((i: number) => {
    setFocusIndex(i);
    const row = cache.get(i);
    setFocusId(row?.id);
    if (!row) void cache.load(i, i).then(() => setFocusId((id) => id ?? cache.get(i)?.id));
  }, []);

  const moveFocus = useCallback((i: number, e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) => {
    if (total <= 0) return;
    const next = Math.max(0, Math.min(total - 1, i));
    focusAt(next);
    reveal(next);
    if (e.shiftKey) {
      void selectRange(anchor, next, e.ctrlKey || e.metaKey);
    } else if (!(e.ctrlKey || e.metaKey)) {
      setAnchor(next);
      const row = cache.get(next);
      if (row) setSelection(only(row.id));
      else void cache.load(next, next).then(() => {
        const r = cache.get(next);
        if (r) setSelection(only(r.id));
      });
    }
  }, [total, anchor]);

  // ---- actions
  const targetForAction = useCallback((): SelectionTarget | undefined => {
    const t = toTarget(selection, filterRef.current);
    if (t) return t;
    return focusedId !== undefined ? { kind: 'ids', ids: [focusedId] } : undefined;
  }, [selection, focusedId]);

  /** Insert or run the entry with this id (the one the user sees focused or in the details), never a row position. */
  const insertEntry = useCallback((id: string | undefined, run: boolean) => {
    if (id === undefined) return;
    host.request<'history/insert'>({ type: 'history/insert', id, run }).then((a) => {
      if (!a.cancelled) setToast({ kind: 'info', text: run ? 'Sent to the terminal.' : 'Inserted into the terminal.' });
    }, showError);
  }, []);
  const insert = useCallback((run: boolean) => insertEntry(focusedId, run), [focusedId]);

  const remove = useCallback(() => {
    const target = targetForAction();
    if (!target) return;
    host.request<'history/delete'>({ type: 'history/delete', target }).then((a) => {
      if (a.cancelled) return;
      setSelection(EMPTY_SELECTION);
      // Focus stays on its entry unless that entry was deleted; then it falls to whatever is now at its position.
      const gone = target.kind === 'ids' ? target.ids.includes(focusedId ?? '') : !target.exceptIds.includes(focusedId ?? '');
      if (gone) setFocusId(undefined);
      setToast({ kind: 'info', text: a.message ?? 'Deleted.' });
      cache.invalidate();
      setVersion((v) => v + 1);
    }, showError);
  }, [targetForAction, focusedId]);

  const exportSelection = useCallback(() => {
    const target = toTarget(selection, filterRef.current) ?? { kind: 'matching', filter: filterRef.current, exceptIds: [] };
    host.request<'history/export'>({ type: 'history/export', target }).then((a) => {
      if (!a.cancelled && a.message) setToast({ kind: 'info', text: a.message });
    }, showError);
  }, [selection]);

  const onKeyDown = useCallback((e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    const page = Math.max(1, viewportRows.current - 1);
    switch (e.key) {
      case 'ArrowDown': moveFocus(focusRow + 1, e); break;
      case 'ArrowUp': moveFocus(focusRow - 1, e); break;
      case 'PageDown': moveFocus(focusRow + page, e); break;
      case 'PageUp': moveFocus(focusRow - page, e); break;
      case 'Home': moveFocus(0, e); break;
      case 'End': moveFocus(total - 1, e); break;
      case 'Enter': insert(mod); break;
      case 'Delete': remove(); break;
      case 'Backspace': if (e.metaKey) remove(); else return; break;
      case 'Escape': setSelection(EMPTY_SELECTION); break;
      case ' ': {
        if (focusedId !== undefined) setSelection((s) => toggle(s, focusedId));
        break;
      }
      case 'a':
      case 'A':
        if (!mod) return;
        setSelection({ kind: 'all', except: new Set() });
        break;
      case 'f':
        if (!mod) return;
        searchRef.current?.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }, [focusRow, focusedId, total, moveFocus, insert, remove]);

  const onRowClick = useCallback((i: number, e: MouseEvent) => {
    gridRef.current?.focus();
    const row = cache.get(i);
    if (!row) return;
    setFocusIndex(i);
    setFocusId(row.id);
    if (e.shiftKey) void selectRange(anchor, i, e.ctrlKey || e.metaKey);
    else if (e.ctrlKey || e.metaKey) {
      setAnchor(i);
      setSelection((s) => toggle(s, row.id));
    } else {
      setAnchor(i);
      setSelection(only(row.id));
    }
  }, [anchor]);

  const onScroll = useCallback((top: number, rows: number) => {
    scrollTop.current = top;
    viewportRows.current = rows;
    clearTimeout(persistTimer.current);
    persistTimer.current = setTimeout(persist, 200);
  }, [persist]);

  // Search box: ArrowDown moves into the list, Enter too.
  useEffect(() => {
    const input = searchRef.current;
    if (!input) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'ArrowDown' || (e.key === 'Enter' && !e.ctrlKey && !e.metaKey)) {
        e.preventDefault();
        gridRef.current?.focus();
      }
    };
    input.addEventListener('keydown', onKey);
    return () => input.removeEventListener('keydown', onKey);
  }, [init]);

  useEffect(() => {
    if (toast?.kind !== 'info') return undefined;
    const t = setTimeout(() => setToast(undefined), 5_000);
    return () => clearTimeout(t);
  }, [toast]);

  if (fatal) {
    return <div class="notice error" role="alert"><span class="codicon codicon-error" aria-hidden="true" /><span>{fatal}</span></div>;
  }
  if (!init) return <p class="caro-loading">Loading history…</p>;

  const selCount = selectedCount(selection, Math.max(0, total));
  const filtered = hasFilters(filter);
  return (
    <div class="app">
      <header class="toolbar">
        <FilterBar filter={{ ...filter, text }} facets={facets} deviceNames={deviceNames} searchRef={searchRef}
          onText={onText} onChange={applyFilter} />
        <div class="actions" role="toolbar" aria-label="History actions">
          <button class="icon-btn" type="button" aria-pressed={showStats} title="Show statistics" aria-label="Statistics"
            onClick={() => setShowStats(!showStats)}>
            <span class="codicon codicon-graph" aria-hidden="true" />
          </button>
          <button class="icon-btn" type="button" title={selCount ? 'Export selected' : 'Export all matching'} aria-label="Export"
            disabled={total <= 0} onClick={exportSelection}>
            <span class="codicon codicon-export" aria-hidden="true" />
          </button>
          <button class="icon-btn" type="button" title="Delete selected (Delete)" aria-label="Delete selected"
            disabled={selCount === 0 && !focused} onClick={remove}>
            <span class="codicon codicon-trash" aria-hidden="true" />
          </button>
        </div>
      </header>
      {init.recordingPaused ? (
        <div class="notice" role="status"><span class="codicon codicon-debug-pause" aria-hidden="true" />
          <span class="grow">Recording is paused: new terminal commands are not saved. Run "Caro History: Resume Recording" to turn it back on.</span></div>
      ) : null}
      {toast ? (
        <div class={`notice toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span class={`codicon ${toast.kind === 'error' ? 'codicon-error' : 'codicon-info'}`} aria-hidden="true" />
          <span class="grow">{toast.text}</span>
          <button class="icon-btn" type="button" aria-label="Dismiss" onClick={() => setToast(undefined)}><span class="codicon codicon-close" aria-hidden="true" /></button>
        </div>
      ) : null}
      {showStats ? <StatsChart stats={stats} /> : null}
      <main class="main">
        <div class="list-area">
          {total === 0 ? (
            <div class="empty-state" role="status">
              {filtered ? (
                <>
                  <p>No commands match these filters.</p>
                  <button class="btn secondary" type="button" onClick={() => applyFilter({})}>Clear filters</button>
                </>
              ) : (
                <>
                  <p><span class="codicon codicon-terminal" aria-hidden="true" /> No commands yet.</p>
                  <p class="muted">Commands you run in VS Code's integrated terminals appear here, newest first.</p>
                </>
              )}
            </div>
          ) : null}
          <HistoryGrid
            cache={cache}
            version={version}
            total={total}
            focusIndex={focusRow}
            selection={selection}
            deviceNames={deviceNames}
            thisDeviceId={init.thisDeviceId}
            initialScrollTop={saved?.scrollTop ?? 0}
            gridRef={gridRef}
            onRowClick={onRowClick}
            onRowDoubleClick={(i) => { const r = cache.get(i); if (!r) return; setFocusIndex(i); setFocusId(r.id); insertEntry(r.id, false); }}
            onKeyDown={onKeyDown}
            onScroll={onScroll}
          />
        </div>
        <DetailPane
          item={detail && detail.item.id === focusedId ? detail.item : focused}
          timeline={detail && detail.item.id === focusedId ? detail.timeline : undefined}
          deviceNames={deviceNames}
          selectedCount={focusedId !== undefined && isSelected(selection, focusedId) ? selCount : 1}
          onInsert={insertEntry}
          onDelete={remove}
        />
      </main>
      <footer class="statusline" role="status" aria-live="polite">
        <span>{total < 0 ? 'Searching…' : count(total, 'command')}{filtered && total >= 0 ? ' match' : ''}</span>
        {selCount > 0 ? <span> · {selCount.toLocaleString()} selected</span> : null}
        <span class="muted hints"> · Enter insert · Ctrl/Cmd+Enter run · Delete remove · Ctrl/Cmd+A select all</span>
      </footer>
    </div>
  );
}
