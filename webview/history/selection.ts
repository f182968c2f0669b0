import type { HistoryFilterDto, SelectionTarget } from '../../src/core/protocol/webviewProtocol';

/** Explicit ids, or "everything matching the filter" (Ctrl+A) minus exceptions. Immutable. */
export type Selection =
  | { kind: 'ids'; ids: ReadonlySet<string> }
  | { kind: 'all'; except: ReadonlySet<string> };

export const EMPTY_SELECTION: Selection = { kind: 'ids', ids: new Set() };

export function isSelected(s: Selection, id: string): boolean {
  return s.kind === 'ids' ? s.ids.has(id) : !s.except.has(id);
}

export function selectedCount(s: Selection, total: number): number {
  return s.kind === 'ids' ? s.ids.size : Math.max(0, total - s.except.size);
}

export function only(id: string): Selection {
  return { kind: 'ids', ids: new Set([id]) };
}

export function toggle(s: Selection, id: string): Selection {
  if (s.kind === 'ids') {
    const ids = new Set(s.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { kind: 'ids', ids };
  }
  const except = new Set(s.except);
  if (except.has(id)) except.delete(id);
  else except.add(id);
  return { kind: 'all', except };
}

export function withIds(s: Selection, add: readonly string[]): Selection {
  if (s.kind === 'all') {
    const except = new Set(s.except);
    for (const id of add) except.delete(id);
    return { kind: 'all', except };
  }
  return { kind: 'ids', ids: new Set([...s.ids, ...add]) };
}

export function toTarget(s: Selection, filter: HistoryFilterDto): SelectionTarget | undefined {
  if (s.kind === 'all') return { kind: 'matching', filter, exceptIds: [...s.except] };
  return s.ids.size > 0 ? { kind: 'ids', ids: [...s.ids] } : undefined;
}

/** Serializable form for getState/setState (explicit selections above 1 000 ids are not persisted). */
export type PersistedSelection = { kind: 'ids'; ids: string[] } | { kind: 'all'; except: string[] };

export function persistSelection(s: Selection): PersistedSelection {
  if (s.kind === 'all') return { kind: 'all', except: [...s.except].slice(0, 1_000) };
  return { kind: 'ids', ids: s.ids.size <= 1_000 ? [...s.ids] : [] };
}

export function restoreSelection(p: PersistedSelection | undefined): Selection {
  if (!p) return EMPTY_SELECTION;
  return p.kind === 'all' ? { kind: 'all', except: new Set(p.except) } : { kind: 'ids', ids: new Set(p.ids) };
}
