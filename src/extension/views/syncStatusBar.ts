import * as vscode from 'vscode';
import type { SyncStatus } from '../../core/sync/syncApi';
import { type Clock, systemClock } from '../../core/util/clock';
import { CommandId } from '../commands/commandIds';
import { Disposable } from '../lifecycle';
import type { Services } from '../services';
import { relativeTime } from './historyFormat';

export type StatusBarState = 'off' | 'syncing' | 'synced' | 'offline' | 'paused' | 'error' | 'recording-paused';

export interface StatusBarView {
  state: StatusBarState;
  text: string;
  tooltip: string;
  /** ThemeColor id for the background (warning/error states), if any. */
  background?: string;
}

/** Pure mapping from the engine's status (+ recording pause) to what the status bar shows. */
export function statusBarView(status: SyncStatus | undefined, recordingPaused: boolean, now: number): StatusBarView {
  const lines: string[] = [];
  let state: StatusBarState;
  let text: string;
  let background: string | undefined;
  const s = status?.state ?? 'uninitialised';
  switch (s) {
    case 'uninitialised':
      state = 'off';
      text = '$(cloud) Caro: sync off';
      lines.push('Sync is off. Your history stays on this device. Click to set up or join sync.');
      break;
    case 'initialising':
      state = 'syncing';
      text = '$(sync~spin) Caro: syncing';
      lines.push('Connecting to your synced history…');
      break;
    case 'online':
      if ((status?.pendingUp ?? 0) > 0 || (status?.pendingDown ?? 0) > 0 || status?.backfilling) {
        state = 'syncing';
        text = '$(sync~spin) Caro: syncing';
        lines.push('Syncing your history.');
      } else {
        state = 'synced';
        text = '$(check) Caro: synced';
        lines.push('Your history is up to date on this device.');
      }
      break;
    case 'offline':
      state = 'offline';
      text = '$(cloud-offline) Caro: offline';
      lines.push("Can't reach the sync server. Commands are kept here and sent when it is back.");
      background = 'statusBarItem.warningBackground';
      break;
    case 'paused':
      state = 'paused';
      text = '$(debug-pause) Caro: sync paused';
      lines.push('Sync is paused. Commands are kept here until you resume it.');
      break;
    case 'error':
      state = 'error';
      text = '$(error) Caro: sync error';
      background = 'statusBarItem.errorBackground';
      lines.push('Sync stopped because of a problem.');
      break;
  }
  if (status?.lastError && (s === 'error' || s === 'offline' || s === 'uninitialised')) {
    lines.push(`${status.lastError.message}${status.lastError.action ? ` ${status.lastError.action}` : ''}`);
  }
  if (status && s !== 'uninitialised') {
    lines.push(`Waiting to upload: ${status.pendingUp}. Waiting to apply: ${status.pendingDown}.`);
    lines.push(`Last sync: ${status.lastSyncAt ? relativeTime(status.lastSyncAt, now) : 'not yet'}.`);
    if (status.deviceName) lines.push(`This device: ${status.deviceName}.`);
    if (status.fingerprint) lines.push(`Key fingerprint: ${status.fingerprint}.`);
    if (status.rejectedRecords) {
      lines.push(`Synced records skipped because they failed the checks: ${status.rejectedRecords} (details in the Caro History log).`);
    }
  }
  if (recordingPaused) {
    // Recording pause is the more important thing to see: commands are being lost on purpose.
    state = 'recording-paused';
    text = '$(circle-slash) Caro: recording paused';
    background = 'statusBarItem.warningBackground';
    lines.unshift('Recording is paused: commands you run now are not saved. Click to resume.');
  }
  lines.push('Click for sync and recording actions.');
  return { state, text, tooltip: lines.join('\n'), ...(background ? { background } : {}) };
}

/** The one Caro History status bar item; click → the sync status quick pick. */
export class SyncStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: StatusBarView;

  constructor(
    private readonly services: Services,
    private readonly onRendered: (view: StatusBarView) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('caroHistory.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Caro History';
    this.item.command = CommandId.syncStatus;
    this._register(services.onDidChangeSyncStatus(() => this.render()));
    this._register(services.onDidChangeRecording(() => this.render()));
    const timer = setInterval(() => this.render(), 60_000);
    this._register({ dispose: () => clearInterval(timer) });
    this.view = this.render();
    this.item.show();
  }

  get current(): StatusBarView {
    return this.view;
  }

  render(): StatusBarView {
    const view = statusBarView(this.services.syncEngine?.status, this.services.recordingPaused, this.clock.now());
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: `Caro History: ${view.state}` };
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    this.view = view;
    void vscode.commands.executeCommand('setContext', 'caroHistory.syncState', view.state);
    void vscode.commands.executeCommand('setContext', 'caroHistory.recordingPaused', this.services.recordingPaused);
    this.onRendered(view);
    return view;
  }
}
