import type { JSX } from 'preact';
import type { FacetsDto, HistoryFilterDto } from '../../src/core/protocol/webviewProtocol';
import type { RiskLevel } from '../../src/core/model/entry';
import { baseName } from '../shared/format';
import { deviceLabel } from './historyGrid';

const RISKS: readonly RiskLevel[] = ['safe', 'moderate', 'high', 'critical'];
const MAX_OPTIONS = 500;

export function hasFilters(f: HistoryFilterDto): boolean {
  return Boolean(
    f.text?.trim() || f.workspace || f.directory || f.deviceId || f.sessionId || f.failedOnly ||
    (f.riskLevels && f.riskLevels.length > 0) || f.since !== undefined || f.until !== undefined,
  );
}

function dayInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-01-31" -> local midnight (start) or the last millisecond of that day (end). */
function parseDay(value: string, end: boolean): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return end ? d.getTime() + 86_399_999 : d.getTime();
}

function FacetSelect({ label, value, values, render, onChange }: {
  label: string;
  value: string | undefined;
  values: readonly string[];
  render(v: string): string;
  onChange(v: string | undefined): void;
}): JSX.Element | null {
  if (values.length === 0 && !value) return null;
  const shown = values.slice(0, MAX_OPTIONS);
  if (value && !shown.includes(value)) shown.unshift(value);
  return (
    <label class={`chip select-chip${value ? ' active' : ''}`}>
      <span class="chip-label">{label}</span>
      <select
        class="select"
        aria-label={`Filter by ${label.toLowerCase()}`}
        value={value ?? ''}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value || undefined)}
      >
        <option value="">All</option>
        {shown.map((v) => <option key={v} value={v} title={v}>{render(v)}</option>)}
      </select>
    </label>
  );
}

export interface FilterBarProps {
  filter: HistoryFilterDto;
  facets: FacetsDto;
  deviceNames: Readonly<Record<string, string>>;
  searchRef: { current: HTMLInputElement | null };
  onText(text: string): void;
  onChange(next: HistoryFilterDto): void;
}

export function FilterBar({ filter, facets, deviceNames, searchRef, onText, onChange }: FilterBarProps): JSX.Element {
  const set = (patch: Partial<HistoryFilterDto>): void => {
    const next: HistoryFilterDto = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof HistoryFilterDto)[]) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const risks = new Set(filter.riskLevels ?? []);
  const toggleRisk = (r: RiskLevel): void => {
    const next = new Set(risks);
    if (next.has(r)) next.delete(r);
    else next.add(r);
    set({ riskLevels: next.size ? RISKS.filter((x) => next.has(x)) : undefined });
  };
  return (
    <div class="filters">
      <div class="search-row">
        <div class="search-box">
          <span class="codicon codicon-search" aria-hidden="true" />
          <input
            ref={searchRef}
            class="text search"
            type="search"
            placeholder="Search commands, prompts, directories…"
            aria-label="Search history"
            value={filter.text ?? ''}
            onInput={(e) => onText((e.currentTarget as HTMLInputElement).value)}
          />
          <button
            class="icon-btn"
            type="button"
            aria-pressed={filter.mode === 'fuzzy'}
            title="Fuzzy match (letters in order, gaps allowed)"
            aria-label="Fuzzy match"
            onClick={() => set({ mode: filter.mode === 'fuzzy' ? undefined : 'fuzzy' })}
          >
            <span class="codicon codicon-sparkle" aria-hidden="true" />
          </button>
        </div>
      </div>
      <div class="chips" role="group" aria-label="Filters">
        <button class="chip" type="button" aria-pressed={Boolean(filter.failedOnly)} onClick={() => set({ failedOnly: filter.failedOnly ? undefined : true })}>
          <span class="codicon codicon-error" aria-hidden="true" /> Failed only
        </button>
        <span class="chip-group" role="group" aria-label="Risk level">
          {RISKS.map((r) => (
            <button key={r} class={`chip risk-chip chip-${r}`} type="button" aria-pressed={risks.has(r)} onClick={() => toggleRisk(r)}>
              {r}
            </button>
          ))}
        </span>
        <FacetSelect label="Workspace" value={filter.workspace} values={facets.workspaces} render={baseName} onChange={(v) => set({ workspace: v })} />
        <FacetSelect label="Directory" value={filter.directory} values={facets.directories} render={(v) => v} onChange={(v) => set({ directory: v })} />
        <FacetSelect label="Device" value={filter.deviceId} values={facets.devices} render={(v) => deviceLabel(v, deviceNames)} onChange={(v) => set({ deviceId: v })} />
        <FacetSelect label="Session" value={filter.sessionId} values={facets.sessions} render={(v) => v.slice(0, 12)} onChange={(v) => set({ sessionId: v })} />
        <label class={`chip date-chip${filter.since !== undefined ? ' active' : ''}`}>
          <span class="chip-label">From</span>
          <input class="text" type="date" aria-label="From date" value={dayInput(filter.since)}
            onChange={(e) => set({ since: parseDay((e.currentTarget as HTMLInputElement).value, false) })} />
        </label>
        <label class={`chip date-chip${filter.until !== undefined ? ' active' : ''}`}>
          <span class="chip-label">To</span>
          <input class="text" type="date" aria-label="To date" value={dayInput(filter.until)}
            onChange={(e) => set({ until: parseDay((e.currentTarget as HTMLInputElement).value, true) })} />
        </label>
        {hasFilters(filter) ? (
          <button class="chip clear" type="button" onClick={() => onChange({})}>
            <span class="codicon codicon-clear-all" aria-hidden="true" /> Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}
