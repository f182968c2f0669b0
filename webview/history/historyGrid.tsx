import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { HistoryItemDto } from '../../src/core/protocol/webviewProtocol';
import { baseName, duration, fullTime, shortTime } from '../shared/format';
import type { RowCache } from './rowCache';
import { type Selection, isSelected } from './selection';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export interface GridProps {
  cache: RowCache;
  /** Bumped whenever cache contents change, so the grid re-renders. */
  version: number;
  total: number;
  focusIndex: number;
  selection: Selection;
  deviceNames: Readonly<Record<string, string>>;
  thisDeviceId: string;
  initialScrollTop: number;
  gridRef: { current: HTMLDivElement | null };
  onRowClick(index: number, e: MouseEvent): void;
  onRowDoubleClick(index: number): void;
  onKeyDown(e: KeyboardEvent): void;
  onScroll(scrollTop: number, viewportRows: number): void;
}

export function RiskBadge({ level }: { level: HistoryItemDto['riskLevel'] }): JSX.Element | null {
  if (level === 'safe') return null;
  const icon = level === 'critical' ? 'codicon-flame' : level === 'high' ? 'codicon-warning' : 'codicon-info';
  return (
    <span class={`badge risk-${level}`} title={`Risk: ${level}`}>
      <span class={`codicon ${icon}`} aria-hidden="true" />
      {level}
    </span>
  );
}

export function ExitStatus({ item }: { item: Pick<HistoryItemDto, 'success' | 'exitCode'> }): JSX.Element {
  if (item.success === true || item.exitCode === 0) {
    return <span class="ok" title="Succeeded (exit 0)"><span class="codicon codicon-pass" aria-hidden="true" /><span class="visually-hidden">succeeded</span></span>;
  }
  if (item.success === false || (item.exitCode !== undefined && item.exitCode !== 0)) {
    return (
      <span class="fail" title={`Failed${item.exitCode !== undefined ? ` (exit ${item.exitCode})` : ''}`}>
        <span class="codicon codicon-error" aria-hidden="true" /> {item.exitCode ?? ''}
        <span class="visually-hidden">failed</span>
      </span>
    );
  }
  return <span class="muted" title="Exit status unknown">—</span>;
}

export function deviceLabel(id: string, names: Readonly<Record<string, string>>): string {
  return names[id] ?? `device ${id.slice(0, 8)}`;
}

function Row({ item, index, selected, focused, names, onClick, onDoubleClick }: {
  item: HistoryItemDto | undefined;
  index: number;
  selected: boolean;
  focused: boolean;
  names: Readonly<Record<string, string>>;
  onClick(e: MouseEvent): void;
  onDoubleClick(): void;
}): JSX.Element {
  const style = { transform: `translateY(${index * ROW_HEIGHT}px)` };
  const cls = `row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${index % 2 ? ' odd' : ''}`;
  if (!item) {
    return (
      <div class={`${cls} placeholder`} style={style} role="row" aria-rowindex={index + 2} id={`row-${index}`}>
        <div class="cell cmd muted" role="gridcell">Loading…</div>
      </div>
    );
  }
  const failed = item.success === false || (item.exitCode !== undefined && item.exitCode !== 0);
  return (
    <div
      class={`${cls}${failed ? ' failed' : ''}`}
      style={style}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      id={`row-${index}`}
      data-id={item.id}
      onClick={onClick}
      onDblClick={onDoubleClick}
    >
      <div class="cell cmd" role="gridcell" title={item.command}>
        <span class="mono cmd-text">{item.command}</span>
        {item.prompt ? <span class="codicon codicon-comment prompt-mark" title={`Prompt: ${item.prompt}`} aria-label="has a prompt" /> : null}
        {item.lowConfidence ? <span class="codicon codicon-question muted" title="VS Code was not sure it read this command line correctly" aria-label="low confidence" /> : null}
        <RiskBadge level={item.riskLevel} />
      </div>
      <div class="cell time" role="gridcell" title={fullTime(item.createdAt)}>{shortTime(item.createdAt)}</div>
      <div class="cell dur" role="gridcell">{duration(item.durationMs)}</div>
      <div class="cell exit" role="gridcell"><ExitStatus item={item} /></div>
      <div class="cell dir" role="gridcell" title={item.workingDir ?? ''}>{baseName(item.workingDir)}</div>
      <div class="cell dev" role="gridcell">{deviceLabel(item.deviceId, names)}</div>
      <div class="cell ws" role="gridcell" title={item.workspace ?? ''}>{baseName(item.workspace)}</div>
    </div>
  );
}

/** Windowed grid: only the visible rows (+ overscan) exist in the DOM, whatever the total. */
export function HistoryGrid(p: GridProps): JSX.Element {
  const [scrollTop, setScrollTop] = useState(p.initialScrollTop);
  const [height, setHeight] = useState(400);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = p.gridRef.current;
    if (!el) return undefined;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Restore the scroll position once the rows exist.
  const restored = useRef(false);
  useLayoutEffect(() => {
    const el = p.gridRef.current;
    if (!el || restored.current || p.total <= 0) return;
    restored.current = true;
    if (p.initialScrollTop > 0) el.scrollTop = p.initialScrollTop;
  }, [p.total]);

  const viewportRows = Math.max(1, Math.floor((height - ROW_HEIGHT) / ROW_HEIGHT));
  const total = Math.max(0, p.total);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (total > 0) p.cache.ensure(first, last);
  }, [first, last, total, p.version]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // User Timing marks for bench:webview: the first frame that shows real rows (after paint).
  const hasRows = total > 0 && p.cache.get(first) !== undefined;
  useLayoutEffect(() => {
    if (!hasRows || performance.getEntriesByName('caro:first-rows').length > 0) return;
    requestAnimationFrame(() => setTimeout(() => {
      if (performance.getEntriesByName('caro:first-rows').length === 0) performance.mark('caro:first-rows');
    }, 0));
  }, [hasRows]);

  const onScroll = (e: Event): void => {
    const el = e.currentTarget as HTMLDivElement;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      setScrollTop(el.scrollTop);
      p.onScroll(el.scrollTop, viewportRows);
    });
  };

  const rows: JSX.Element[] = [];
  for (let i = first; i <= last; i++) {
    const item = p.cache.get(i);
    rows.push(
      <Row
        key={item ? item.id : `i${i}`}
        item={item}
        index={i}
        selected={item ? isSelected(p.selection, item.id) : false}
        focused={i === p.focusIndex}
        names={p.deviceNames}
        onClick={(e) => p.onRowClick(i, e)}
        onDoubleClick={() => p.onRowDoubleClick(i)}
      />,
    );
  }

  const spacer = { height: `${total * ROW_HEIGHT}px` };
  return (
    <div
      class="grid"
      ref={p.gridRef}
      role="grid"
      aria-label="Command history"
      aria-multiselectable="true"
      aria-rowcount={total + 1}
      aria-activedescendant={p.focusIndex >= 0 && p.focusIndex < total ? `row-${p.focusIndex}` : undefined}
      tabIndex={0}
      onKeyDown={p.onKeyDown}
      onScroll={onScroll}
      data-first-row={first}
      data-rendered={rows.length}
    >
      <div class="row header" role="row" aria-rowindex={1}>
        <div class="cell cmd" role="columnheader">Command</div>
        <div class="cell time" role="columnheader">Time</div>
        <div class="cell dur" role="columnheader">Duration</div>
        <div class="cell exit" role="columnheader">Exit</div>
        <div class="cell dir" role="columnheader">Directory</div>
        <div class="cell dev" role="columnheader">Device</div>
        <div class="cell ws" role="columnheader">Workspace</div>
      </div>
      <div class="rows" style={spacer} role="rowgroup">
        {rows}
      </div>
    </div>
  );
}
