import type { JSX } from 'preact';
import type { HistoryItemDto, TimelineItemDto } from '../../src/core/protocol/webviewProtocol';
import { duration, fullTime, relativeTime } from '../shared/format';
import { ExitStatus, RiskBadge, deviceLabel } from './historyGrid';

export interface DetailProps {
  item: HistoryItemDto | undefined;
  timeline: readonly TimelineItemDto[] | undefined;
  deviceNames: Readonly<Record<string, string>>;
  selectedCount: number;
  /** Acts on the entry shown here, by id. */
  onInsert(id: string, run: boolean): void;
  onDelete(): void;
}

function Fact({ label, children }: { label: string; children: JSX.Element | string | undefined }): JSX.Element | null {
  if (children === undefined || children === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function DetailPane({ item, timeline, deviceNames, selectedCount, onInsert, onDelete }: DetailProps): JSX.Element {
  if (!item) {
    return (
      <aside class="detail empty" aria-label="Details">
        <p class="muted">Select a command to see its details.</p>
      </aside>
    );
  }
  const devicesSeen = new Set((timeline ?? []).map((t) => t.deviceId)).size;
  return (
    <aside class="detail" aria-label="Details">
      <div class="detail-actions">
        <button class="btn" type="button" title="Insert into the terminal without running (Enter)" onClick={() => onInsert(item.id, false)}>
          <span class="codicon codicon-insert" aria-hidden="true" /> Insert
        </button>
        <button class="btn secondary" type="button" title="Run in the terminal (Ctrl/Cmd+Enter)" onClick={() => onInsert(item.id, true)}>
          <span class="codicon codicon-play" aria-hidden="true" /> Run
        </button>
        <button class="btn secondary" type="button" title="Delete from history (Delete)" onClick={onDelete}>
          <span class="codicon codicon-trash" aria-hidden="true" /> {selectedCount > 1 ? `Delete ${selectedCount}` : 'Delete'}
        </button>
      </div>
      <pre class="mono full-command" aria-label="Full command">{item.command}</pre>
      {item.riskLevel !== 'safe' || item.warnings.length > 0 ? (
        <div class={`warnings risk-box-${item.riskLevel}`} role="note" aria-label="Safety warnings">
          <RiskBadge level={item.riskLevel} />
          <ul>{item.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </div>
      ) : null}
      {item.prompt ? (
        <section class="nl">
          <h3>Prompt</h3>
          <p>{item.prompt}</p>
          {item.explanation ? (<><h3>Explanation</h3><p>{item.explanation}</p></>) : null}
        </section>
      ) : item.explanation ? (
        <section class="nl"><h3>Explanation</h3><p>{item.explanation}</p></section>
      ) : null}
      <dl class="facts">
        <Fact label="When">{`${fullTime(item.createdAt)} (${relativeTime(item.createdAt)})`}</Fact>
        <Fact label="Exit"><ExitStatus item={item} /></Fact>
        <Fact label="Duration">{duration(item.durationMs)}</Fact>
        <Fact label="Directory">{item.workingDir}</Fact>
        <Fact label="Workspace">{item.workspace}</Fact>
        <Fact label="Device">{deviceLabel(item.deviceId, deviceNames)}</Fact>
        <Fact label="Shell">{item.shell}</Fact>
        <Fact label="Session">{item.sessionId}</Fact>
        {item.lowConfidence ? <Fact label="Note">VS Code was not sure it read this command line correctly.</Fact> : null}
      </dl>
      <section class="timeline" aria-label="Same command across devices">
        <h3>
          Timeline
          {timeline ? <span class="muted"> · {timeline.length} run{timeline.length === 1 ? '' : 's'} on {devicesSeen} device{devicesSeen === 1 ? '' : 's'}</span> : null}
        </h3>
        {!timeline ? <p class="muted">Loading…</p> : (
          <ol>
            {timeline.map((t) => (
              <li key={t.id} class={t.id === item.id ? 'current' : ''}>
                <ExitStatus item={t} />
                <span class="tl-dev">{deviceLabel(t.deviceId, deviceNames)}</span>
                <span class="muted" title={fullTime(t.createdAt)}>{relativeTime(t.createdAt)}</span>
                {t.workingDir ? <span class="muted tl-dir" title={t.workingDir}>{t.workingDir}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </aside>
  );
}
