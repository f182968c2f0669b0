import type { DeviceInfo } from '../../../src/core/model/entry';
import { CaroError } from '../../../src/core/model/errors';
import type { SyncApi, SyncStatus } from '../../../src/core/sync/syncApi';
import { Emitter } from '../../../src/core/util/emitter';

/** A SyncApi whose state the test scripts; it records every call so tests can assert what the view asked for. */
export class ScriptedSync implements SyncApi {
  private readonly changes = new Emitter<SyncStatus>();
  readonly onDidChangeStatus = this.changes.event;
  readonly calls: string[] = [];
  /** When set, the next syncNow() fails with it. */
  failNextSync: CaroError | undefined;

  constructor(public status: SyncStatus, public deviceList: DeviceInfo[]) {}

  setStatus(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    this.changes.fire(this.status);
  }

  async init(): Promise<{ phrase: string }> {
    throw new CaroError('alreadyInitialised', 'Sync is already set up.', 'Nothing to do.');
  }
  async join(): Promise<{ downloaded: number }> {
    throw new CaroError('alreadyInitialised', 'Sync is already set up.', 'Nothing to do.');
  }
  async pause(): Promise<void> {
    this.calls.push('pause');
    this.setStatus({ state: 'paused' });
  }
  async resume(): Promise<void> {
    this.calls.push('resume');
    this.setStatus({ state: 'online' });
  }
  async syncNow(): Promise<void> {
    this.calls.push('syncNow');
    const fail = this.failNextSync;
    this.failNextSync = undefined;
    if (fail) {
      this.setStatus({ state: 'error', lastError: { message: fail.message, ...(fail.action ? { action: fail.action } : {}) } });
      throw fail;
    }
    this.setStatus({ state: 'online', pendingUp: 0, pendingDown: 0, lastSyncAt: Date.now() });
  }
  async devices(): Promise<DeviceInfo[]> {
    return this.deviceList.map((d) => ({ ...d }));
  }
  async renameDevice(deviceId: string, name: string): Promise<void> {
    this.calls.push(`rename:${deviceId}:${name}`);
    const d = this.deviceList.find((x) => x.deviceId === deviceId);
    if (!d) throw new CaroError('invalidInput', 'No such device.', 'Refresh the list.');
    d.name = name;
  }
  async removeDevice(deviceId: string): Promise<void> {
    this.calls.push(`remove:${deviceId}`);
    this.deviceList = this.deviceList.filter((d) => d.deviceId !== deviceId);
  }
  async resetEverywhere(): Promise<void> {
    this.calls.push('reset');
  }
  async rotateKey(): Promise<{ phrase: string }> {
    throw new CaroError('internal', 'Not scripted.');
  }
  async leave(): Promise<void> {
    this.calls.push('leave');
  }
  async dispose(): Promise<void> {
    this.changes.dispose();
  }
}
