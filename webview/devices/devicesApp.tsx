import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { DeviceDto, DevicesStateDto, SyncStatusDto } from '../../src/core/protocol/webviewProtocol';
import { count, fullTime, platformIcon, platformName, relativeTime } from '../shared/format';
import { type HostConnection, describeError } from '../shared/host';

type Busy = string | undefined;

const STATE_TEXT: Record<SyncStatusDto['state'], { label: string; icon: string; cls: string }> = {
  off: { label: 'Sync is off', icon: 'codicon-cloud', cls: 'muted' },
  uninitialised: { label: 'Sync is off', icon: 'codicon-cloud', cls: 'muted' },
  initialising: { label: 'Connecting…', icon: 'codicon-sync codicon-modifier-spin', cls: '' },
  online: { label: 'Synced', icon: 'codicon-cloud', cls: 'ok' },
  offline: { label: 'Offline — changes are kept and sent later', icon: 'codicon-debug-disconnect', cls: 'warn' },
  paused: { label: 'Paused', icon: 'codicon-debug-pause', cls: 'warn' },
  error: { label: 'Sync problem', icon: 'codicon-error', cls: 'fail' },
};

export function DevicesApp({ host }: { host: HostConnection<unknown> }): JSX.Element {
  const [state, setState] = useState<DevicesStateDto>();
  const [fatal, setFatal] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<Busy>();
  // "last seen 3 min ago" / "synced 2 min ago" age while the view stays open: draw the relative times again.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 30_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    host.ready().then((init) => {
      if (init.view !== 'devices') throw new Error('This view received the wrong state.');
      setState(init.devices);
    }).catch((e: unknown) => setFatal(describeError(e)));
    return host.onPush((m) => {
      if (m.type === 'devices/state') setState(m.state);
    });
  }, []);

  /** Runs one action; the reply (devices/state or ack) refreshes the view; errors are shown with their fix. */
  const act = useCallback(async (label: string, fn: () => Promise<{ type: string; state?: DevicesStateDto }>) => {
    setBusy(label);
    setError(undefined);
    try {
      const reply = await fn();
      if (reply.type === 'devices/state' && reply.state) setState(reply.state);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(undefined);
    }
  }, []);

  if (fatal) return <div class="notice error" role="alert"><span class="codicon codicon-error" aria-hidden="true" /><span>{fatal}</span></div>;
  if (!state) return <p class="caro-loading">Loading devices…</p>;

  return (
    <div class="devices-app" aria-busy={busy !== undefined}>
      {error && !(state.status.lastError && error.startsWith(state.status.lastError.message)) ? (
        <div class="notice error" role="alert">
          <span class="codicon codicon-error" aria-hidden="true" />
          <span class="grow">{error}</span>
          <button class="icon-btn" type="button" aria-label="Dismiss" onClick={() => setError(undefined)}><span class="codicon codicon-close" aria-hidden="true" /></button>
        </div>
      ) : null}
      {state.syncEnabled ? (
        <SyncOn state={state} busy={busy} act={act} host={host} />
      ) : (
        <SyncOff state={state} busy={busy} act={act} host={host} />
      )}
    </div>
  );
}

interface PartProps {
  state: DevicesStateDto;
  busy: Busy;
  act(label: string, fn: () => Promise<{ type: string; state?: DevicesStateDto }>): Promise<void>;
  host: HostConnection<unknown>;
}

function SyncOff({ state, busy, act, host }: PartProps): JSX.Element {
  return (
    <section class="empty" aria-labelledby="sync-off-title">
      <h2 id="sync-off-title"><span class="codicon codicon-cloud" aria-hidden="true" /> Sync is off</h2>
      <p>Your history stays on this computer: {count(state.localCount, 'command')} on <strong>{state.thisDevice.name}</strong>.</p>
      <h3>What sync does</h3>
      <ul>
        <li>Keeps the same command history on all your computers, in near real time.</li>
        <li>Works offline: changes wait on this device and are sent when it is back online.</li>
        <li>Uses a 24-word recovery phrase instead of an account. Anyone with the phrase can read your history; without it nobody can, including us.</li>
      </ul>
      <h3>What the relay server sees</h3>
      <ul>
        <li>Encrypted blobs it cannot read: commands, prompts, directories, exit details and device names are encrypted on this device first.</li>
        <li>Random ids, timestamps, sizes and when each device connects.</li>
      </ul>
      <div class="buttons">
        <button class="btn" type="button" disabled={busy !== undefined} onClick={() => act('setup', () => host.request<'sync/setup'>({ type: 'sync/setup' }))}>
          <span class="codicon codicon-cloud-upload" aria-hidden="true" /> Set up sync
        </button>
        <button class="btn secondary" type="button" disabled={busy !== undefined} onClick={() => act('join', () => host.request<'sync/join'>({ type: 'sync/join' }))}>
          <span class="codicon codicon-key" aria-hidden="true" /> Join with a recovery phrase
        </button>
      </div>
      <p class="muted small">Set up creates a new phrase for your first computer. Join uses the phrase you already have on another one.</p>
    </section>
  );
}

/** Same reading as the status bar: "online" with work still queued (or older history arriving) is "Syncing". */
export function stateText(s: SyncStatusDto): { label: string; icon: string; cls: string } {
  if (s.state === 'online' && (s.pendingUp > 0 || s.pendingDown > 0 || s.backfilling)) {
    return { label: 'Syncing…', icon: 'codicon-sync codicon-modifier-spin', cls: '' };
  }
  return STATE_TEXT[s.state];
}

function SyncOn({ state, busy, act, host }: PartProps): JSX.Element {
  const s = state.status;
  const t = stateText(s);
  const paused = s.state === 'paused';
  return (
    <>
      <section class="status-card" aria-label="Sync status">
        <div class={`state-line ${t.cls}`}>
          <span class={`codicon ${t.icon}`} aria-hidden="true" />
          <strong>{t.label}</strong>
          {s.backfilling ? <span class="muted"> · downloading older history…</span> : null}
        </div>
        <dl class="facts">
          <dt>Last sync</dt>
          <dd title={s.lastSyncAt ? fullTime(s.lastSyncAt) : ''}>{s.lastSyncAt ? relativeTime(s.lastSyncAt) : 'not yet'}</dd>
          <dt>Waiting</dt>
          <dd>
            <span title="Changes on this device not yet sent"><span class="codicon codicon-arrow-up" aria-hidden="true" />{s.pendingUp.toLocaleString()} to send</span>
            {' · '}
            <span title="Changes from other devices not yet applied"><span class="codicon codicon-arrow-down" aria-hidden="true" />{s.pendingDown.toLocaleString()} to receive</span>
          </dd>
          {s.fingerprint ? (<><dt>Fingerprint</dt><dd><code class="mono fingerprint" title="Compare this on each device: it must be the same everywhere">{s.fingerprint}</code></dd></>) : null}
          {s.relayUrl ? (<><dt>Relay</dt><dd class="relay" title={s.relayUrl}>{s.relayUrl}</dd></>) : null}
          <dt>Local</dt>
          <dd>{count(state.localCount, 'command')}</dd>
        </dl>
        {s.lastError ? (
          <div class="notice error" role="alert">
            <span class="codicon codicon-warning" aria-hidden="true" />
            <span class="grow"><strong>{s.lastError.message}</strong>{s.lastError.action ? <><br />{s.lastError.action}</> : null}</span>
          </div>
        ) : null}
        <div class="buttons">
          <button class="btn" type="button" disabled={busy !== undefined || paused} onClick={() => act('sync', () => host.request<'sync/now'>({ type: 'sync/now' }))}>
            <span class={`codicon codicon-sync${busy === 'sync' ? ' codicon-modifier-spin' : ''}`} aria-hidden="true" /> Sync now
          </button>
          {paused ? (
            <button class="btn secondary" type="button" disabled={busy !== undefined} onClick={() => act('resume', () => host.request<'sync/resume'>({ type: 'sync/resume' }))}>
              <span class="codicon codicon-debug-continue" aria-hidden="true" /> Resume
            </button>
          ) : (
            <button class="btn secondary" type="button" disabled={busy !== undefined} onClick={() => act('pause', () => host.request<'sync/pause'>({ type: 'sync/pause' }))}>
              <span class="codicon codicon-debug-pause" aria-hidden="true" /> Pause
            </button>
          )}
        </div>
      </section>
      <section aria-labelledby="devices-title">
        <h3 id="devices-title">Devices <span class="muted">({state.devices.length})</span></h3>
        <ul class="device-list" role="list">
          {state.devices.map((d) => <DeviceItem key={d.deviceId} device={d} busy={busy} act={act} host={host} />)}
        </ul>
      </section>
    </>
  );
}

function DeviceItem({ device, busy, act, host }: { device: DeviceDto } & Omit<PartProps, 'state'>): JSX.Element {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(device.name);
  const input = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);
  const save = (): void => {
    const trimmed = name.trim();
    setEditing(false);
    if (!trimmed || trimmed === device.name) {
      setName(device.name);
      return;
    }
    void act(`rename:${device.deviceId}`, () => host.request<'devices/rename'>({ type: 'devices/rename', deviceId: device.deviceId, name: trimmed }));
  };
  return (
    <li class={`device${device.isCurrent ? ' current' : ''}`} aria-label={`${device.name}${device.isCurrent ? ' (this device)' : ''}`}>
      <span class={`codicon ${platformIcon(device.platform)} device-icon`} aria-hidden="true" />
      <div class="device-body">
        {editing ? (
          <input
            ref={input}
            class="text"
            aria-label="Device name"
            maxLength={64}
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') save();
              if (e.key === 'Escape') { setName(device.name); setEditing(false); }
            }}
            onBlur={save}
          />
        ) : (
          <div class="device-name">
            <strong>{device.name}</strong>
            {device.isCurrent ? <span class="badge">this device</span> : null}
          </div>
        )}
        <div class="muted device-meta">
          {platformName(device.platform)} · last seen <span title={fullTime(device.lastSeen)}>{device.isCurrent ? 'now' : relativeTime(device.lastSeen)}</span>
          {device.commandCount !== undefined ? <> · {count(device.commandCount, 'command')}</> : null}
        </div>
      </div>
      <div class="device-actions">
        <button class="icon-btn" type="button" title="Rename" aria-label={`Rename ${device.name}`} disabled={busy !== undefined} onClick={() => setEditing(true)}>
          <span class="codicon codicon-edit" aria-hidden="true" />
        </button>
        {device.isCurrent ? null : (
          <button class="icon-btn" type="button" title="Remove from sync…" aria-label={`Remove ${device.name}`} disabled={busy !== undefined}
            onClick={() => act(`remove:${device.deviceId}`, () => host.request<'devices/remove'>({ type: 'devices/remove', deviceId: device.deviceId }))}>
            <span class="codicon codicon-trash" aria-hidden="true" />
          </button>
        )}
      </div>
    </li>
  );
}
