import type { DeviceInfo } from '../../core/model/entry';
import { CaroError } from '../../core/model/errors';
import type {
  DevicesInitDto,
  DevicesStateDto,
  DeviceDto,
  HostToWebview,
  WebviewToHost,
} from '../../core/protocol/webviewProtocol';
import type { SyncApi } from '../../core/sync/syncApi';
import { assertNever } from '../../core/util/assertNever';
import { type Disposable, DisposableStore } from '../../core/util/disposable';
import { Emitter } from '../../core/util/emitter';
import { REMOVE_DEVICE_DETAIL_NO_ROTATE_BUTTON } from '../sync/removeDeviceText';
import type { ViewController } from './webviewSession';
import type { HostUi, WebviewServices } from './webviewServices';
import { toDeviceDto, toSyncStatusDto } from './viewModels';

type DevicesRequest = Exclude<WebviewToHost, { type: 'ready' }>;

/** Command ids run by the empty state's buttons (declared by the extension in commandIds.ts). */
export const SETUP_SYNC_COMMAND = 'caroHistory.setupSync';
export const JOIN_SYNC_COMMAND = 'caroHistory.joinSync';

const STATUS_DEBOUNCE_MS = 150;
/**
 * How long a refresh waits for the engine's device list. Offline (or mid-reconnect) the list may not arrive at all; the
 * status line must still follow the engine like the status bar does, so the last known list is shown meanwhile.
 */
const DEVICE_LIST_WAIT_MS = 1_500;

/** Host side of the devices view (sync state, device list, actions). */
export class DevicesController implements ViewController {
  readonly view = 'devices' as const;
  private readonly store = new DisposableStore();
  private readonly push = new Emitter<HostToWebview>();
  readonly onPush = this.push.event;
  private syncSub: Disposable | undefined;
  private watched: SyncApi | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private historySubscribed = false;
  private lastDevices: DeviceDto[] = [];
  private lastDevicesOf: SyncApi | undefined;
  private refreshing = false;
  private dirty = false;
  /** The engine's device list request still under way (offline it may never answer): reused, not repeated. */
  private devicesRequest: { sync: SyncApi; list: Promise<DeviceInfo[]> } | undefined;

  constructor(private readonly services: WebviewServices, private readonly ui: HostUi) {
    this.store.add(this.push);
    if (services.onDidChangeSync) this.store.add(services.onDidChangeSync(() => this.schedulePush()));
    this.store.add({ dispose: () => { this.syncSub?.dispose(); if (this.timer) clearTimeout(this.timer); } });
    this.watch();
  }

  /** Follow the current engine's status changes (the engine appears after set up / join). */
  private watch(): SyncApi | undefined {
    const sync = this.services.sync();
    if (sync !== this.watched) {
      this.syncSub?.dispose();
      const subs = sync ? [sync.onDidChangeStatus(() => this.schedulePush()), sync.onDidChangeDevices?.(() => this.schedulePush())] : [];
      this.syncSub = sync ? { dispose: () => subs.forEach((d) => d?.dispose()) } : undefined;
      this.watched = sync;
    }
    return sync;
  }

  private schedulePush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, STATUS_DEBOUNCE_MS);
  }

  /**
   * One refresh at a time, in order; a change that arrives meanwhile runs one more refresh afterwards. (Dropping a
   * slow refresh in favour of a newer one would starve the view while events keep coming, e.g. offline retries.)
   */
  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.dirty = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.dirty = false;
        try {
          this.push.fire({ type: 'devices/state', state: await this.state() });
        } catch (e) {
          this.services.logger.warn(`devices view: state refresh failed (${e instanceof Error ? e.message : 'unknown'})`);
        }
      } while (this.dirty);
    } finally {
      this.refreshing = false;
    }
  }

  async state(): Promise<DevicesStateDto> {
    const sync = this.watch();
    const me = this.services.device();
    const history = await this.services.history();
    if (!this.historySubscribed) {
      // Local and per-device counts change with the history (captures, deletes, synced entries).
      this.historySubscribed = true;
      this.store.add(history.onDidChange(() => this.schedulePush()));
    }
    const localCount = (await history.search({}, 0, 1)).total;
    let devices: DeviceDto[] = [];
    if (sync && toSyncStatusDto(sync.status).state !== 'uninitialised') {
      devices = await this.deviceList(sync);
      // Command counts from the local (synced) history when the engine does not provide them.
      for (const d of devices) {
        if (d.commandCount === undefined) d.commandCount = (await history.search({ deviceId: d.deviceId }, 0, 1)).total;
      }
      devices.sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent) || b.lastSeen - a.lastSeen);
    }
    // The status is read last, after every await: the view shows what the engine (and the status bar) says now.
    const status = toSyncStatusDto(sync?.status);
    const syncEnabled = sync !== undefined && status.state !== 'uninitialised';
    return { syncEnabled, status, devices: syncEnabled ? devices : [], thisDevice: me, localCount };
  }

  /** The engine's device list, or the last known one when it does not answer in time (offline) or fails. */
  private async deviceList(sync: SyncApi): Promise<DeviceDto[]> {
    const known = this.lastDevicesOf === sync ? this.lastDevices.map((d) => ({ ...d })) : [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      let request = this.devicesRequest;
      if (request?.sync !== sync) {
        const pending = { sync, list: sync.devices() };
        const done = () => {
          if (this.devicesRequest === pending) this.devicesRequest = undefined;
        };
        pending.list.then(done, done);
        this.devicesRequest = pending;
        request = pending;
      }
      const list = await Promise.race([
        request.list,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), DEVICE_LIST_WAIT_MS);
        }),
      ]);
      if (list === undefined) {
        this.services.logger.trace('devices view: device list not available yet, showing the last known one');
        return known;
      }
      const devices = list.map(toDeviceDto);
      this.lastDevices = devices.map((d) => ({ ...d }));
      this.lastDevicesOf = sync;
      return devices;
    } catch (e) {
      this.services.logger.warn(`devices view: device list unavailable (${e instanceof Error ? e.message : 'unknown'})`);
      return known;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async init(): Promise<DevicesInitDto> {
    return { view: 'devices', devices: await this.state() };
  }

  private requireSync(): SyncApi {
    const sync = this.watch();
    if (!sync) throw new CaroError('notInitialised', 'Sync is not set up on this device.', 'Choose "Set up sync" or "Join with a recovery phrase".');
    return sync;
  }

  async handle(msg: DevicesRequest): Promise<HostToWebview | undefined> {
    switch (msg.type) {
      case 'devices/refresh':
        break;
      case 'devices/rename':
        await this.requireSync().renameDevice(msg.deviceId, msg.name);
        break;
      case 'devices/remove': {
        const sync = this.requireSync();
        const device = (await sync.devices()).find((d) => d.deviceId === msg.deviceId);
        if (!device) throw new CaroError('invalidInput', 'That device is not in the list any more.', 'Refresh the Devices view.');
        if (device.isCurrent) {
          throw new CaroError('invalidInput', 'This is the device you are using.', 'To stop syncing here, run "Caro History: Turn Off Sync on This Device…" instead.');
        }
        const ok = await this.ui.confirm(
          `Remove "${device.name}" from sync?`,
          REMOVE_DEVICE_DETAIL_NO_ROTATE_BUTTON,
          'Remove',
        );
        if (!ok) return { type: 'ack', cancelled: true };
        await sync.removeDevice(msg.deviceId);
        break;
      }
      case 'sync/now':
        await this.requireSync().syncNow();
        break;
      case 'sync/pause':
        await this.requireSync().pause();
        break;
      case 'sync/resume':
        await this.requireSync().resume();
        break;
      case 'sync/setup':
        await this.ui.executeCommand(SETUP_SYNC_COMMAND);
        return { type: 'ack' };
      case 'sync/join':
        await this.ui.executeCommand(JOIN_SYNC_COMMAND);
        return { type: 'ack' };
      case 'webview/error':
        this.services.logger.warn(`devices view reported: ${msg.message}`);
        return undefined;
      case 'history/query':
      case 'history/detail':
      case 'history/insert':
      case 'history/delete':
      case 'history/export':
      case 'history/stats':
      case 'history/facets':
        return { type: 'error', code: 'invalidInput', message: 'The devices view cannot do that.', action: 'Use the history panel.' };
      default:
        return assertNever(msg, 'devices message');
    }
    return { type: 'devices/state', state: await this.state() };
  }

  dispose(): void {
    this.store.dispose();
  }
}
