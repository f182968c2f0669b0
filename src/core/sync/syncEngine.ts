/**
 * End-to-end-encrypted sync of the local history over Jazz (issue 4 §3, decisions 1–15).
 *
 * The local SQLite store is the source of truth; Jazz keeps no client storage. On start the engine logs in with the
 * phrase-derived account, loads the root, uploads queued records (HistorySyncPort / sync_queue) as encrypted batches
 * to this device's feed and applies every other feed's new batches. With sync off or not set up it opens no socket.
 */
import { LocalNode, logger as jazzLogger, type Peer, type RawCoStream, type CryptoProvider } from 'cojson';
import { WasmCrypto } from 'cojson/crypto/WasmCrypto';
import { createWebSocketPeer } from 'cojson-transport-ws';
import { WebSocket as NodeWebSocket } from 'ws';
import { randomUUID } from 'node:crypto';
import type { KeyVault } from '../crypto/keyVault';
import { generatePhrase, checkPhrase } from '../crypto/phrase';
import type { HistoryApi } from '../history/historyApi';
import type { HistorySyncPort, PendingUpload } from '../history/historySyncPort';
import type { DeviceInfo, HistoryEntry } from '../model/entry';
import { CaroError, isCaroError } from '../model/errors';
import type { Settings } from '../settings/settings';
import { systemClock, type Clock } from '../util/clock';
import { Emitter, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import { jitteredBackoffDelay, realTimers, type SyncTimers } from './backoff';
import { decodeBatch, encodeBatch, splitIntoBatches } from './batchCodec';
import {
  getNumber,
  getString,
  initialiseAccount,
  loadRootHandles,
  loadRootMap,
  loadStream,
  mapKeys,
  rootState,
  setValue,
  deleteKey,
  wipeRoot,
  withTimeout,
  LOAD_TIMEOUT_MS,
  ROOT_SCHEMA_VERSION,
  type RootHandles,
} from './jazzRoot';
import {
  normaliseRelayUrl,
  openRelaySocket,
  unreachableError,
  displayUrl,
  type AnyWebSocket,
  type WebSocketConstructor,
} from './relayConnection';
import type { SyncApi, SyncStatus } from './syncApi';
import {
  identityFromPhrase,
  identityFromVaultString,
  identityToVaultString,
  type SyncIdentity,
} from './syncIdentity';
import {
  METRICS_RETENTION_MS,
  SYNCED_PREFERENCE_KEYS,
  openRecord,
  preferenceWins,
  readDeviceInfo,
  readMetrics,
  readRegisters,
  sameValue,
  sealRecord,
  type SyncedPreferences,
  type UsageMetrics,
} from './syncedRecords';
import { SyncStateStore, type PreferenceRegister, type SyncDatabase } from './syncStateStore';

export interface SyncEngineOptions {
  history: HistorySyncPort & HistoryApi;
  db: SyncDatabase;
  vault: KeyVault;
  settings: () => Settings;
  logger: Logger;
  clock?: Clock;
  deviceName: string;
  platform: string;
  /** Defaults to the `ws` package (Node 20 has no global WebSocket). Tests wrap it to count sockets. */
  webSocket?: WebSocketConstructor;
  /** This device's id (the history's `deviceId`); generated and kept in the sync state table when absent. */
  deviceId?: string;
  /** Retry / debounce timers (tests inject fakes). */
  timers?: SyncTimers;
  /** Random numbers in [0, 1) for the retry jitter (tests pass a fixed one). Default Math.random. */
  random?: () => number;
  /** New devices apply commands from the last N days first, then the rest ("backfilling"). Default 7. */
  recentWindowDays?: number;
  /** Debounce between a local change and its upload. Default 20 ms (always well under 1 s). */
  flushDelayMs?: number;
  connectTimeoutMs?: number;
  /** How long to wait for the relay to acknowledge an upload before retrying later. Default 20 s. */
  uploadAckTimeoutMs?: number;
  /** Records applied per store transaction while downloading (default 2000). */
  applyChunkSize?: number;
  /** Phrase → identity (Argon2id + HKDF). Tests pass a memoised one so several devices share one derivation. */
  deriveIdentity?: (phrase: string, crypto: CryptoProvider) => Promise<SyncIdentity>;
}

const PEER_ID = 'caro-relay';
const DAY_MS = 24 * 60 * 60 * 1000;
const APPLY_CHUNK = 2000;
const UPLOAD_PAGE = 5000;
const SEEN_INTERVAL_MS = 60_000;
const METRICS_INTERVAL_MS = 60 * 60 * 1000;

const notInitialised = () =>
  new CaroError(
    'notInitialised',
    'Sync is not set up on this device.',
    'Run "Set up sync" to create a recovery phrase, or "Join sync" with the phrase from another device.',
  );

const noSyncedHistory = () =>
  new CaroError(
    'noSyncedHistory',
    'This phrase does not match any synced history.',
    'Check the words against the phrase shown on your other device (compare the key fingerprint), or choose "Set up sync" to start a new synced history.',
  );

const historyMoved = () =>
  new CaroError(
    'historyMoved',
    'Your synced history moved to a new recovery phrase (the key was rotated on another device).',
    'Join with the new phrase shown on that device. Your local history is untouched.',
  );

let cryptoPromise: Promise<CryptoProvider> | undefined;
function jazzCrypto(): Promise<CryptoProvider> {
  cryptoPromise ??= WasmCrypto.create();
  return cryptoPromise;
}

function isAccountUnavailable(e: unknown): boolean {
  return e instanceof Error && /unavailable from all peers/i.test(e.message);
}

interface Connection {
  node: LocalNode;
  identity: SyncIdentity;
  handles: RootHandles;
  feed: RawCoStream;
  ws: AnyWebSocket | undefined;
  connected: boolean;
  unsubscribers: (() => void)[];
  feeds: Map<string, RawCoStream>;
}

interface InflightBatch {
  queueIds: number[];
}

interface PendingItem {
  feedId: string;
  deviceId: string;
  sessionId: string;
  index: number;
  madeAt: number;
  value: unknown;
}

export class SyncEngine implements SyncApi {
  private readonly state: SyncStateStore;
  private readonly clock: Clock;
  private readonly timers: SyncTimers;
  private readonly statusEmitter = new Emitter<SyncStatus>();
  private readonly devicesEmitter = new Emitter<void>();
  private readonly prefsEmitter = new Emitter<SyncedPreferences>();
  private readonly warnings = new Emitter<string>();
  private currentStatus: SyncStatus = { state: 'uninitialised', pendingUp: 0, pendingDown: 0 };
  private identity: SyncIdentity | undefined;
  private conn: Connection | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private retryTimer: unknown;
  private retryAttempt = 0;
  /** The server address of the current connection or of the attempts under way (normalised). */
  private targetUrl: string | undefined;
  private flushTimer: unknown;
  private pullTimer: unknown;
  private disposed = false;
  private stopped = true;
  private inflight: InflightBatch[] = [];
  private readonly warnedOnce = new Set<string>();
  private lastSeenWrite = 0;
  private lastMetricsWrite = 0;
  private readonly historySub: { dispose(): unknown };
  readonly deviceId: string;

  readonly onDidChangeStatus: Event<SyncStatus> = this.statusEmitter.event;
  /** The synced device list changed (a device joined, was renamed or removed, or synced). */
  readonly onDidChangeDevices: Event<void> = this.devicesEmitter.event;
  /** Fired when synced preferences from another device win (decision 12): the host writes them to its settings. */
  readonly onDidChangePreferences: Event<SyncedPreferences> = this.prefsEmitter.event;
  /** Plain-language warnings (skipped batches, newer schema, …), already free of secrets. */
  readonly onWarning: Event<string> = this.warnings.event;

  constructor(private readonly opts: SyncEngineOptions) {
    this.state = new SyncStateStore(opts.db);
    this.clock = opts.clock ?? systemClock;
    this.timers = opts.timers ?? realTimers;
    const stored = this.state.get('deviceId');
    this.deviceId = opts.deviceId ?? stored ?? randomUUID();
    if (stored !== this.deviceId) this.state.set('deviceId', this.deviceId);
    const rejectedRecords = this.state.getNumber('rejectedRecords');
    if (rejectedRecords) this.currentStatus = { ...this.currentStatus, rejectedRecords };
    routeJazzLogs(opts.logger);
    this.historySub = opts.history.onDidChange((change) => {
      if (change.origin === 'local' && this.identity) this.scheduleFlush();
    });
  }

  // ---------------------------------------------------------------- status

  get status(): SyncStatus {
    return { ...this.currentStatus };
  }

  private setStatus(patch: Partial<SyncStatus>): void {
    const next: SyncStatus = { ...this.currentStatus, ...patch };
    for (const k of Object.keys(patch) as (keyof SyncStatus)[]) {
      if (patch[k] === undefined) delete next[k];
    }
    next.deviceId = this.deviceId;
    next.deviceName = this.deviceName();
    if (this.identity) next.fingerprint = this.identity.fingerprint;
    else delete next.fingerprint;
    // Only real changes are announced: listeners (status bar, devices view) refresh on every event.
    if (JSON.stringify(next) === JSON.stringify(this.currentStatus)) return;
    const previous = this.currentStatus.state;
    this.currentStatus = next;
    if (next.state !== previous) this.logStateChange(next);
    this.statusEmitter.fire({ ...next });
  }

  /** One log line per state change (never one per retry); messages are already free of secrets and URL queries. */
  private logStateChange(s: SyncStatus): void {
    const why = (s.state === 'offline' || s.state === 'error') && s.lastError ? `: ${s.lastError.message}` : '';
    const retry = s.state === 'offline' ? ' Retrying after 1, 2, 4 … s, at most every 5 minutes.' : '';
    this.opts.logger.info(`sync: ${s.state}${why}${retry}`);
  }

  private deviceName(): string {
    return this.state.get('deviceName') || this.opts.settings().deviceName || this.opts.deviceName;
  }

  private warn(key: string, message: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.opts.logger.warn(message);
    this.warnings.fire(message);
  }

  private async refreshPendingUp(): Promise<void> {
    const pendingUp = await this.opts.history.pendingCount();
    if (pendingUp !== this.currentStatus.pendingUp) this.setStatus({ pendingUp });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads the identity from the vault and, when sync is enabled and not paused, connects (in the background). */
  async start(): Promise<void> {
    const stored = await this.opts.vault.get('syncIdentity');
    if (!stored) {
      this.opts.history.setQueueing(false);
      this.setStatus({ state: 'uninitialised', lastError: parseReason(this.state.get('stopReason')) });
      return;
    }
    try {
      this.identity = identityFromVaultString(stored, await jazzCrypto());
    } catch (e) {
      this.setStatus({ state: 'error', lastError: errorInfo(e) });
      return;
    }
    this.opts.history.setQueueing(true);
    await this.refreshPendingUp();
    if (this.state.get('stopReason') === 'moved') {
      this.setStatus({ state: 'error', lastError: errorInfo(historyMoved()) });
      return;
    }
    this.stopped = false;
    this.connectInBackground();
  }

  private enabled(): boolean {
    return this.opts.settings().syncEnabled && this.state.get('paused') !== '1';
  }

  private connectInBackground(): void {
    if (!this.identity || this.disposed || this.stopped) return;
    if (!this.enabled()) {
      this.setStatus({ state: 'paused', relayUrl: this.relayUrl() });
      return;
    }
    void this.exclusive(() => this.ensureConnected()).catch(() => undefined);
  }

  private relayUrl(): string {
    return normaliseRelayUrl(this.opts.settings().syncServerUrl);
  }

  /** The configured server address, or undefined when it is not a valid one. */
  private currentUrl(): string | undefined {
    try {
      return this.relayUrl();
    } catch {
      return undefined;
    }
  }

  /** Serialises every operation on the Jazz node and the queue. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private clearTimer(which: 'retryTimer' | 'flushTimer' | 'pullTimer'): void {
    if (this[which] !== undefined) this.timers.clearTimeout(this[which]);
    this[which] = undefined;
  }

  /**
   * The engine's one reconnect loop: at most one retry timer is armed, and only a failed attempt (or a lost socket)
   * arms it. Reads such as the device list never connect (they would re-arm the loop on every status event).
   */
  private scheduleRetry(): void {
    if (this.disposed || this.stopped || !this.identity || !this.enabled()) return;
    this.clearTimer('retryTimer');
    const delay = jitteredBackoffDelay(this.retryAttempt++, this.opts.random);
    this.opts.logger.trace(`sync: retrying in ${Math.round(delay / 1000)} s`);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.exclusive(() => this.ensureConnected()).catch(() => undefined);
    }, delay);
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.disposed) return;
    this.flushTimer = this.timers.setTimeout(() => {
      this.flushTimer = undefined;
      void this.exclusive(async () => {
        await this.refreshPendingUp();
        if (this.conn?.connected) await this.flush();
      }).catch((e: unknown) => this.opts.logger.error('sync: upload failed', e));
    }, this.opts.flushDelayMs ?? 20);
  }

  private schedulePull(): void {
    if (this.pullTimer !== undefined || this.disposed) return;
    this.pullTimer = this.timers.setTimeout(() => {
      this.pullTimer = undefined;
      void this.exclusive(async () => {
        if (this.conn?.connected) await this.pull();
      }).catch((e: unknown) => this.opts.logger.error('sync: download failed', e));
    }, 10);
  }

  // ---------------------------------------------------------------- connection

  private makePeer(ws: AnyWebSocket): Peer {
    return createWebSocketPeer({
      id: PEER_ID,
      websocket: ws,
      role: 'server',
      expectPings: true,
      pingTimeout: 30_000,
      batchingByDefault: true,
      deletePeerStateOnClose: false,
      onClose: () => this.onSocketClosed(ws),
    });
  }

  private onSocketClosed(ws: AnyWebSocket): void {
    const conn = this.conn;
    if (!conn || conn.ws !== ws) return;
    conn.connected = false;
    conn.ws = undefined;
    if (this.disposed || this.stopped) return;
    const url = this.opts.settings().syncServerUrl;
    this.setStatus({ state: 'offline', lastError: errorInfo(unreachableError(url, 'connection lost')) });
    this.scheduleRetry();
  }

  private async openSocket(url: string): Promise<AnyWebSocket> {
    const Ctor = this.opts.webSocket ?? (NodeWebSocket as unknown as WebSocketConstructor);
    return openRelaySocket(url, Ctor, this.opts.connectTimeoutMs);
  }

  /** Connects (or reconnects) and runs a full exchange. Never throws for network problems: it goes offline. */
  private async ensureConnected(): Promise<void> {
    if (!this.identity || this.disposed || this.stopped) return;
    if (!this.enabled()) {
      this.setStatus({ state: 'paused' });
      return;
    }
    if (this.conn?.connected) {
      await this.exchange();
      return;
    }
    this.clearTimer('retryTimer');
    let url: string;
    try {
      url = this.relayUrl();
    } catch (e) {
      this.setStatus({ state: 'error', lastError: errorInfo(e) });
      return;
    }
    this.targetUrl = url;
    // While retrying, the state stays "offline": flipping back to "connecting" on every try is not honest.
    const retrying = this.conn !== undefined || this.currentStatus.state === 'offline';
    this.setStatus({ state: retrying ? 'offline' : 'initialising', relayUrl: displayUrl(url) });
    try {
      const ws = await this.openSocket(url);
      if (this.disposed || this.stopped || this.currentUrl() !== url) {
        // Stopped, or the server address changed meanwhile: settingsChanged() already queued the next attempt.
        ws.close();
        return;
      }
      if (this.conn) {
        this.conn.ws = ws;
        this.conn.connected = true;
        this.conn.node.syncManager.addPeer(this.makePeer(ws));
      } else {
        this.conn = await this.login(this.identity, ws, { createIfMissing: 'recreate' });
        if (!this.conn) return;
      }
      this.retryAttempt = 0;
      await this.exchange();
    } catch (e) {
      if (isCaroError(e, 'relayUnreachable') || isCaroError(e, 'notAJazzServer')) {
        this.setStatus({ state: 'offline', lastError: errorInfo(e) });
        this.scheduleRetry();
      } else {
        if (this.currentStatus.state !== 'error') this.opts.logger.error('sync: could not connect', e);
        this.setStatus({ state: 'error', lastError: errorInfo(e) });
        this.scheduleRetry();
      }
    }
  }

  /**
   * Logs in with the identity over an open socket (decision 6: log in first). If the account is confirmed absent by
   * the connected relay: 'fail' throws noSyncedHistory, 'recreate' creates it and queues all local history (the relay
   * lost its data or is a new server). 'fresh' (a phrase just generated from new random bits) creates directly.
   */
  private async login(
    identity: SyncIdentity,
    ws: AnyWebSocket,
    opts: { createIfMissing: 'fail' | 'recreate' | 'fresh' },
  ): Promise<Connection | undefined> {
    const crypto = await jazzCrypto();
    const tracker: { conn?: Connection; closed: boolean } = { closed: false };
    const peerFor = (socket: AnyWebSocket): Peer =>
      createWebSocketPeer({
        id: PEER_ID,
        websocket: socket,
        role: 'server',
        expectPings: true,
        pingTimeout: 30_000,
        batchingByDefault: true,
        deletePeerStateOnClose: false,
        onClose: () => {
          if (socket === liveSocket) tracker.closed = true;
          if (tracker.conn) this.onSocketClosed(socket);
        },
      });
    let liveSocket = ws;
    let node: LocalNode;
    let created = false;
    try {
      if (opts.createIfMissing === 'fresh') {
        // A phrase generated from 256 fresh random bits cannot have an account yet: skip the (slow) login probe.
        throw new Error('Account unavailable from all peers (new random identity)');
      }
      node = await LocalNode.withLoadedAccount({
        accountID: identity.accountId,
        accountSecret: identity.agentSecret,
        sessionID: undefined,
        peers: [peerFor(ws)],
        crypto,
      });
    } catch (e) {
      if (!isAccountUnavailable(e)) {
        ws.close();
        throw e;
      }
      if (tracker.closed) throw unreachableError(this.opts.settings().syncServerUrl, 'connection lost');
      if (opts.createIfMissing === 'fail') {
        ws.close();
        throw noSyncedHistory();
      }
      // Confirmed absent from a connected relay: creating is safe (no second root for an existing account).
      const now = this.clock.now();
      if (opts.createIfMissing !== 'fresh') {
        ws.close();
        liveSocket = await this.openSocket(this.relayUrl());
      }
      const result = await LocalNode.withNewlyCreatedAccount({
        creationProps: { name: 'Caro History' },
        peers: [peerFor(liveSocket)],
        crypto,
        initialAgentSecret: identity.agentSecret,
        migration: async (account, n) => initialiseAccount(account, n, now),
      });
      node = result.node;
      created = true;
      this.opts.logger.info('sync: created the synced history on the relay');
    }
    const root = await loadRootMap(node);
    if (!root) {
      await shutdownNode(node);
      throw unreachableError(this.opts.settings().syncServerUrl, 'history could not be loaded');
    }
    const state = rootState(root);
    if (state !== 'active') {
      await shutdownNode(node);
      if (opts.createIfMissing === 'fail') throw state === 'moved' ? historyMoved() : noSyncedHistory();
      await this.remoteStopped(state);
      return undefined;
    }
    const version = getNumber(root, 'schemaVersion') ?? ROOT_SCHEMA_VERSION;
    if (version > ROOT_SCHEMA_VERSION) {
      this.warn(
        'root-schema',
        'Another device uses a newer Caro History sync format. Update Caro History on this device; until then, fields it does not know are skipped.',
      );
    }
    const handles = await loadRootHandles(node, root);
    if (!handles) {
      await shutdownNode(node);
      throw unreachableError(this.opts.settings().syncServerUrl, 'history could not be loaded');
    }
    const feed = await this.ensureOwnFeed(node, handles);
    const conn: Connection = {
      node,
      identity,
      handles,
      feed,
      ws: liveSocket,
      connected: !tracker.closed,
      unsubscribers: [],
      feeds: new Map([[feed.id, feed]]),
    };
    tracker.conn = conn;
    if (opts.createIfMissing === 'recreate' && created) {
      this.state.clearCursors();
      await this.opts.history.enqueueAllForUpload();
    }
    return conn;
  }

  private async ensureOwnFeed(node: LocalNode, handles: RootHandles): Promise<RawCoStream> {
    const existing = getString(handles.commandHistory, this.deviceId);
    if (existing) {
      const feed = await loadStream(node, existing);
      if (feed) {
        // Continue the sequence after anything this device already wrote (e.g. a crash before saving it).
        let max = -1;
        for (const items of Object.values(feed.items)) {
          for (const it of items) {
            const seq = typeof it.value === 'string' ? Number(it.value.split('.')[1]) : NaN;
            if (Number.isSafeInteger(seq) && seq > max) max = seq;
          }
        }
        const next = Math.max(this.state.getNumber('nextSequence') ?? 0, max + 1);
        this.state.set('nextSequence', next);
        return feed;
      }
    }
    const feed = handles.group.createStream();
    setValue(handles.commandHistory, this.deviceId, feed.id);
    this.state.set('nextSequence', 0);
    return feed;
  }

  private subscribe(conn: Connection): void {
    if (conn.unsubscribers.length > 0) return;
    conn.unsubscribers.push(
      conn.handles.root.subscribe((root) => {
        conn.handles.root = root;
        const state = rootState(root);
        if (state !== 'active') void this.exclusive(() => this.remoteStopped(state));
      }),
      conn.handles.commandHistory.subscribe((map) => {
        conn.handles.commandHistory = map;
        this.schedulePull();
      }),
      conn.handles.preferences.subscribe((map) => {
        conn.handles.preferences = map;
        this.schedulePull();
      }),
      conn.handles.devices.subscribe((map) => {
        conn.handles.devices = map;
        this.schedulePull();
        this.devicesEmitter.fire();
      }),
    );
  }

  private async feedFor(conn: Connection, feedId: string): Promise<RawCoStream | undefined> {
    const known = conn.feeds.get(feedId);
    if (known) return known;
    const feed = await loadStream(conn.node, feedId);
    if (!feed) return undefined;
    conn.feeds.set(feedId, feed);
    // This device's own feed only grows by our pushes (already in the local store): no subscription needed.
    if (feedId === conn.feed.id) return feed;
    conn.unsubscribers.push(
      feed.subscribe((f) => {
        conn.feeds.set(feedId, f);
        this.schedulePull();
      }),
    );
    return feed;
  }

  /** Upload, download, devices, preferences, metrics. */
  private async exchange(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.subscribe(conn);
    await this.registerDevice(conn);
    await this.flush();
    await this.pull();
    if (!this.conn) return;
    await this.writeMetrics(conn);
    if (!conn.connected) return; // lost the relay mid-way: onSocketClosed already went offline and scheduled a retry
    this.state.set('firstSyncDone', '1');
    const now = this.clock.now();
    this.state.set('lastSyncAt', now);
    this.setStatus({ state: 'online', lastSyncAt: now, lastError: undefined });
  }

  private async disconnect(): Promise<void> {
    this.clearTimer('retryTimer');
    this.clearTimer('flushTimer');
    this.clearTimer('pullTimer');
    const conn = this.conn;
    this.conn = undefined;
    this.inflight = [];
    if (!conn) return;
    for (const u of conn.unsubscribers) {
      try {
        u();
      } catch {
        // ignore
      }
    }
    conn.connected = false;
    await shutdownNode(conn.node);
    try {
      conn.ws?.close();
    } catch {
      // ignore
    }
  }

  // ---------------------------------------------------------------- upload

  private async confirmUploaded(conn: Connection, feedId: string): Promise<boolean> {
    if (!conn.connected) return false;
    const sm = conn.node.syncManager;
    try {
      const wait = sm.waitForSyncWithPeer(PEER_ID, feedId as never, this.opts.uploadAckTimeoutMs ?? 20_000);
      if (wait) await wait;
      return conn.connected && sm.syncState.isSynced(sm.peers[PEER_ID] as never, feedId as never);
    } catch {
      return false;
    }
  }

  /** Sends queued records as encrypted batches; marks them uploaded once the relay has acknowledged them. */
  private async flush(): Promise<void> {
    const conn = this.conn;
    if (!conn || !this.identity) return;
    const port = this.opts.history;
    if (this.inflight.length > 0) {
      if (!(await this.confirmUploaded(conn, conn.feed.id))) return;
      await port.markUploaded(
        this.inflight.flatMap((b) => b.queueIds),
        this.clock.now(),
      );
      this.inflight = [];
    }
    // Page by page: push a page as batches, wait for the relay's acknowledgement, then drop it from the queue.
    for (;;) {
      if (!conn.connected || this.conn !== conn) return;
      const rows = await port.pendingUploads(UPLOAD_PAGE);
      if (rows.length === 0) break;
      const batches = splitIntoBatches(rows, (r: PendingUpload) => JSON.stringify(r.entry).length + 16);
      this.pushBatches(conn, batches.map((batch) => ({ entries: batch.map((r) => r.entry), queueIds: batch.map((r) => r.queueId) })));
      if (!(await this.confirmUploaded(conn, conn.feed.id))) {
        this.setStatus({ pendingUp: await port.pendingCount() });
        return;
      }
      await port.markUploaded(
        this.inflight.flatMap((b) => b.queueIds),
        this.clock.now(),
      );
      this.inflight = [];
      if (rows.length < UPLOAD_PAGE) break;
      this.setStatus({ pendingUp: await port.pendingCount() });
    }
    await this.refreshPendingUp();
  }

  private pushBatches(conn: Connection, batches: { entries: HistoryEntry[]; queueIds: number[] }[]): void {
    if (batches.length === 0) return;
    const identity = conn.identity;
    // Reserve the sequence numbers first (one write per page; a gap after a crash is harmless).
    const first = this.state.getNumber('nextSequence') ?? 0;
    this.state.set('nextSequence', first + batches.length);
    batches.forEach((b, i) => {
      conn.feed.push(encodeBatch(identity.commandKey, this.deviceId, first + i, b.entries), 'private');
      this.inflight.push({ queueIds: b.queueIds });
    });
    // Own items are already in the local store: move this session's cursor past them.
    const session = conn.node.currentSessionID;
    const length = conn.feed.items[session]?.length ?? 0;
    this.state.saveCursors(new Map([[`${conn.feed.id} ${session}`, length]]));
  }

  // ---------------------------------------------------------------- download

  private async pull(): Promise<void> {
    const conn = this.conn;
    if (!conn?.connected) return;
    await this.pullDevices(conn);
    if (this.conn !== conn) return;
    await this.pullPreferences(conn);
    await this.pullHistory(conn);
  }

  private async pullHistory(conn: Connection): Promise<void> {
    const cursors = this.state.cursors();
    const pending: PendingItem[] = [];
    const ends = new Map<string, number>();
    for (const deviceId of mapKeys(conn.handles.commandHistory)) {
      const feedId = getString(conn.handles.commandHistory, deviceId);
      if (!feedId) continue;
      let feed = await this.feedFor(conn, feedId);
      if (!feed) continue;
      if (feed.core.isStreaming() || !this.caughtUp(conn, feedId)) {
        // A large feed arrives in chunks: read it once we hold everything the relay said it has.
        await withTimeout(feed.core.waitForFullStreaming(), LOAD_TIMEOUT_MS, feed.core);
        await this.waitCaughtUp(conn, feedId);
        feed = feed.core.getCurrentContent() as unknown as RawCoStream;
        conn.feeds.set(feedId, feed);
      }
      for (const [sessionId, items] of Object.entries(feed.items)) {
        const key = `${feedId} ${sessionId}`;
        const from = cursors.get(key) ?? 0;
        if (items.length <= from) continue;
        ends.set(key, items.length);
        for (let i = from; i < items.length; i++) {
          const it = items[i];
          if (it) pending.push({ feedId, deviceId, sessionId, index: i, madeAt: it.madeAt, value: it.value });
        }
      }
    }
    if (pending.length === 0) return;
    // Newest first, so a new device has recent history at once.
    pending.sort((a, b) => b.madeAt - a.madeAt || b.index - a.index);
    const records: HistoryEntry[] = [];
    const known = this.knownRecordDevices(conn);
    let rejected = 0;
    const problems = new Set<string>();
    for (const p of pending) {
      const decoded = decodeBatch(conn.identity.commandKey, p.deviceId, p.value);
      if (!decoded.ok) {
        this.warn(
          `batch ${p.feedId} ${p.sessionId} ${p.index}`,
          `Skipped a synced batch that ${decoded.reason}. Nothing local was changed; if this repeats, the other device may run a newer version or a different recovery phrase.`,
        );
        continue;
      }
      if (decoded.newerSchema) {
        this.warn(
          'record-schema',
          'Another device uses a newer Caro History record format. Update Caro History on this device; until then, fields it does not know are skipped.',
        );
      }
      if (decoded.invalidRecords > 0) {
        rejected += decoded.invalidRecords;
        problems.add('damaged record');
      }
      for (const r of decoded.records) {
        // A record names the device that ran it: that must be the log it came from, or a device of this account
        // (a device re-uploads everything it holds when it joins or rotates the key). A deletion may come from any.
        if (r.deletedAt === undefined && r.deviceId !== p.deviceId && !known.has(r.deviceId)) {
          rejected++;
          problems.add('names a device that is not part of this synced history');
          continue;
        }
        records.push(r);
      }
    }
    records.sort((a, b) => b.createdAt - a.createdAt);
    const recentFrom = this.clock.now() - (this.opts.recentWindowDays ?? 7) * DAY_MS;
    let remaining = records.length;
    this.setStatus({ pendingDown: remaining });
    let recentDone = false;
    const chunkSize = this.opts.applyChunkSize ?? APPLY_CHUNK;
    for (let i = 0; i < records.length; i += chunkSize) {
      const chunk = records.slice(i, i + chunkSize);
      const applied = await this.opts.history.applyRemote(chunk);
      rejected += applied.rejected;
      for (const reason of applied.problems ?? []) problems.add(reason);
      remaining -= chunk.length;
      const last = chunk[chunk.length - 1];
      if (!recentDone && remaining > 0 && last && last.createdAt < recentFrom) {
        recentDone = true;
        this.setStatus({ backfilling: true, pendingDown: remaining });
      } else {
        this.setStatus({ pendingDown: remaining });
      }
    }
    this.state.saveCursors(ends);
    const now = this.clock.now();
    this.state.set('lastSyncAt', now);
    if (rejected > 0) this.countRejected(rejected, [...problems]);
    this.setStatus({ pendingDown: 0, backfilling: undefined, lastSyncAt: now });
  }

  /** Bad synced records are skipped, counted (status + sync state) and logged, one line per download. */
  private countRejected(n: number, problems: string[]): void {
    const total = (this.state.getNumber('rejectedRecords') ?? 0) + n;
    this.state.set('rejectedRecords', total);
    this.setStatus({ rejectedRecords: total });
    const message =
      `Skipped ${n} synced record(s) that failed the checks (${problems.slice(0, 3).join('; ')}). ` +
      'Nothing local was changed. If this repeats, update Caro History on your other devices.';
    if (this.warnedOnce.has('rejected-records')) this.opts.logger.warn(`sync: ${message}`);
    else this.warn('rejected-records', message);
  }

  /** Every device id this synced history knows: device records, their markers and device logs. */
  private knownRecordDevices(conn: Connection): Set<string> {
    const ids = new Set<string>([this.deviceId, ...mapKeys(conn.handles.commandHistory)]);
    for (const key of mapKeys(conn.handles.devices)) ids.add(key.replace(/^(?:seen|removed):/, ''));
    return ids;
  }

  /** True when this node holds at least every transaction the relay reported for the CoValue. */
  private caughtUp(conn: Connection, id: string): boolean {
    const peer = conn.node.syncManager.peers[PEER_ID];
    const theirs = peer?.getKnownState(id as never);
    if (!theirs) return true;
    const ours = conn.node.getCoValue(id as never).knownState().sessions as Record<string, number>;
    for (const [session, count] of Object.entries(theirs.sessions as Record<string, number>)) {
      if ((ours[session] ?? 0) < count) return false;
    }
    return true;
  }

  private async waitCaughtUp(conn: Connection, id: string): Promise<void> {
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    while (conn.connected && !this.caughtUp(conn, id) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ---------------------------------------------------------------- devices

  private async registerDevice(conn: Connection): Promise<void> {
    const devices = conn.handles.devices;
    const key = conn.identity.deviceKey;
    const now = this.clock.now();
    const existing = readDeviceInfo(openRecord(key, 'device', this.deviceId, getString(devices, this.deviceId)));
    if (!existing) {
      setValue(
        devices,
        this.deviceId,
        sealRecord(key, 'device', this.deviceId, {
          name: this.deviceName(),
          platform: this.opts.platform,
          schemaVersion: ROOT_SCHEMA_VERSION,
          firstSeen: now,
        }),
      );
      setValue(conn.handles.profile, 'deviceCount', this.knownDeviceIds(conn).length);
    }
    if (now - this.lastSeenWrite >= SEEN_INTERVAL_MS) {
      setValue(devices, `seen:${this.deviceId}`, now);
      this.lastSeenWrite = now;
    }
  }

  private knownDeviceIds(conn: Connection): string[] {
    return mapKeys(conn.handles.devices).filter((k) => !k.includes(':'));
  }

  private async pullDevices(conn: Connection): Promise<void> {
    const removedAt = getNumber(conn.handles.devices, `removed:${this.deviceId}`);
    if (removedAt !== undefined) {
      await this.remoteStopped('removed');
      return;
    }
    // A rename made on another device becomes this device's name.
    const mine = readDeviceInfo(openRecord(conn.identity.deviceKey, 'device', this.deviceId, getString(conn.handles.devices, this.deviceId)));
    if (mine && mine.name !== this.deviceName()) {
      this.state.set('deviceName', mine.name);
      this.setStatus({});
    }
  }

  async devices(): Promise<DeviceInfo[]> {
    return this.exclusive(async () => {
      const conn = await this.requireOnline(false);
      const out: DeviceInfo[] = [];
      for (const id of this.knownDeviceIds(conn)) {
        if (getNumber(conn.handles.devices, `removed:${id}`) !== undefined) continue;
        const info = readDeviceInfo(openRecord(conn.identity.deviceKey, 'device', id, getString(conn.handles.devices, id)));
        if (!info) {
          this.warn(`device ${id}`, 'Skipped a device record that could not be read.');
          continue;
        }
        out.push({
          deviceId: id,
          name: info.name,
          platform: info.platform,
          schemaVersion: info.schemaVersion,
          firstSeen: info.firstSeen,
          lastSeen: getNumber(conn.handles.devices, `seen:${id}`) ?? info.firstSeen,
          isCurrent: id === this.deviceId,
        });
      }
      return out.sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent) || a.name.localeCompare(b.name));
    });
  }

  async renameDevice(deviceId: string, name: string): Promise<void> {
    const clean = (name ?? '').replace(/\s+/g, ' ').trim();
    if (clean.length === 0 || clean.length > 64) {
      throw new CaroError('invalidInput', 'A device name must be 1 to 64 characters long.', 'Type a shorter or non-empty name.');
    }
    await this.exclusive(async () => {
      const conn = await this.requireOnline();
      const key = conn.identity.deviceKey;
      const info = readDeviceInfo(openRecord(key, 'device', deviceId, getString(conn.handles.devices, deviceId)));
      if (!info) {
        throw new CaroError('invalidInput', 'There is no synced device with that id.', 'List the devices and copy the id from there.');
      }
      setValue(conn.handles.devices, deviceId, sealRecord(key, 'device', deviceId, { ...info, name: clean }));
      if (deviceId === this.deviceId) this.state.set('deviceName', clean);
      await this.confirmUploaded(conn, conn.handles.devices.id);
      this.setStatus({});
    });
  }

  async removeDevice(deviceId: string): Promise<void> {
    if (deviceId === this.deviceId) {
      throw new CaroError('invalidInput', 'This is the device you are using.', 'Use "Leave sync" to stop syncing this device.');
    }
    await this.exclusive(async () => {
      const conn = await this.requireOnline();
      if (!getString(conn.handles.devices, deviceId)) {
        throw new CaroError('invalidInput', 'There is no synced device with that id.', 'List the devices and copy the id from there.');
      }
      setValue(conn.handles.devices, `removed:${deviceId}`, this.clock.now());
      setValue(conn.handles.profile, 'deviceCount', Math.max(0, this.knownDeviceIds(conn).length - 1));
      await this.confirmUploaded(conn, conn.handles.devices.id);
    });
  }

  // ---------------------------------------------------------------- preferences

  private currentLocalPreferences(): Record<string, unknown> {
    const s = this.opts.settings() as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of SYNCED_PREFERENCE_KEYS) out[k] = s[k];
    return out;
  }

  /** Records local changes of synced settings (call on every settings change); they upload with the next sync. */
  async preferencesChanged(): Promise<void> {
    if (this.recordLocalPreferences() && this.conn?.connected) {
      await this.exclusive(async () => {
        if (this.conn) await this.pushPreferences(this.conn);
      });
    }
  }

  /** Compares settings with the preference registers; returns true when a local change was recorded. */
  private recordLocalPreferences(): boolean {
    const now = this.clock.now();
    const registers = new Map(this.state.preferences().map((p) => [p.key, p]));
    let changed = false;
    for (const [key, value] of Object.entries(this.currentLocalPreferences())) {
      if (value === undefined) continue;
      const reg = registers.get(key);
      if (!reg || !sameValue(reg.value, value)) {
        this.state.savePreference({ key, value, updatedAt: Math.max(now, (reg?.updatedAt ?? 0) + 1), deviceId: this.deviceId });
        changed = true;
      }
    }
    return changed;
  }

  private async pushPreferences(conn: Connection): Promise<void> {
    const registers = this.state.preferences();
    if (registers.length === 0) return;
    setValue(
      conn.handles.preferences,
      this.deviceId,
      sealRecord(conn.identity.preferenceKey, 'preferences', this.deviceId, { v: 1, registers }),
    );
    await this.confirmUploaded(conn, conn.handles.preferences.id);
  }

  private async pullPreferences(conn: Connection): Promise<void> {
    const local = new Map(this.state.preferences().map((p) => [p.key, p]));
    const changed: Record<string, unknown> = {};
    let anyChange = false;
    for (const device of mapKeys(conn.handles.preferences)) {
      const value = openRecord(conn.identity.preferenceKey, 'preferences', device, getString(conn.handles.preferences, device));
      if (value === undefined) {
        this.warn(`prefs ${device}`, 'Skipped synced preferences that could not be read.');
        continue;
      }
      for (const reg of readRegisters(value)) {
        const mine = local.get(reg.key);
        if (preferenceWins(reg, mine) && (!mine || !sameValue(mine.value, reg.value) || mine.updatedAt !== reg.updatedAt)) {
          local.set(reg.key, reg);
          this.state.savePreference(reg);
          if (!mine || !sameValue(mine.value, reg.value)) {
            changed[reg.key] = reg.value;
            anyChange = true;
          }
        }
      }
    }
    // Publish our registers if the relay copy is behind (first sync or local changes while offline).
    const relayCopy = readRegisters(
      openRecord(conn.identity.preferenceKey, 'preferences', this.deviceId, getString(conn.handles.preferences, this.deviceId)),
    );
    const localList: PreferenceRegister[] = [...local.values()];
    if (anyChange) this.prefsEmitter.fire(changed as SyncedPreferences);
    if (!sameValue(sortRegs(relayCopy), sortRegs(localList))) await this.pushPreferences(conn);
  }

  /** The merged synced preferences as this device knows them. */
  preferences(): SyncedPreferences {
    const out: Record<string, unknown> = {};
    for (const p of this.state.preferences()) out[p.key] = p.value;
    return out as SyncedPreferences;
  }

  // ---------------------------------------------------------------- metrics (opt-in)

  private async writeMetrics(conn: Connection): Promise<void> {
    const now = this.clock.now();
    const map = conn.handles.metrics;
    for (const id of mapKeys(map)) {
      const m = readMetrics(id, openRecord(conn.identity.metricsKey, 'metrics', id, getString(map, id)));
      if (m && m.periodEnd < now - METRICS_RETENTION_MS) deleteKey(map, id);
    }
    if (!this.opts.settings().shareMetrics) {
      if (getString(map, this.deviceId) !== undefined) deleteKey(map, this.deviceId);
      return;
    }
    if (now - this.lastMetricsWrite < METRICS_INTERVAL_MS) return;
    this.lastMetricsWrite = now;
    const since = now - METRICS_RETENTION_MS;
    const h = this.opts.history;
    const total = (await h.search({ since }, 0, 0)).total;
    const failed = (await h.search({ since, status: 'failed' }, 0, 0)).total;
    const safetyDistribution: Record<string, number> = {};
    for (const level of ['safe', 'moderate', 'high', 'critical'] as const) {
      safetyDistribution[level] = (await h.search({ since, riskLevels: [level] }, 0, 0)).total;
    }
    const stats = await h.stats();
    const metrics: Omit<UsageMetrics, 'deviceId'> = {
      periodStart: since,
      periodEnd: now,
      totalCommands: total,
      failedCommands: failed,
      safetyDistribution,
      hourlyDistribution: stats.perHour.slice(0, 24),
    };
    setValue(map, this.deviceId, sealRecord(conn.identity.metricsKey, 'metrics', this.deviceId, metrics));
  }

  /** Opt-in aggregate metrics of every device (counts only), newest period first. */
  async metrics(): Promise<UsageMetrics[]> {
    return this.exclusive(async () => {
      const conn = await this.requireOnline(false);
      const out: UsageMetrics[] = [];
      for (const id of mapKeys(conn.handles.metrics)) {
        const m = readMetrics(id, openRecord(conn.identity.metricsKey, 'metrics', id, getString(conn.handles.metrics, id)));
        if (m && m.periodEnd >= this.clock.now() - METRICS_RETENTION_MS) out.push(m);
      }
      return out.sort((a, b) => b.periodEnd - a.periodEnd);
    });
  }

  // ---------------------------------------------------------------- operations

  /**
   * The live connection. An action the user asked for (rename, remove, reset, rotate) makes one connection attempt
   * when offline, without resetting the backoff; a read (`connect: false`, e.g. the device list that views ask for
   * on every status change) never does: it would start a new attempt per event.
   */
  private async requireOnline(connect = true): Promise<Connection> {
    if (!this.identity) throw notInitialised();
    if (!this.conn?.connected) {
      if (!this.enabled()) {
        throw new CaroError('relayUnreachable', 'Sync is paused on this device.', 'Resume sync, then try again.');
      }
      if (connect) {
        this.stopped = false;
        await this.ensureConnected();
      }
    }
    const conn = this.conn;
    if (!conn?.connected) {
      const err = this.currentStatus.lastError;
      throw new CaroError(
        isRelayProblem(err?.message) ? 'notAJazzServer' : 'relayUnreachable',
        err?.message ?? unreachableError(this.opts.settings().syncServerUrl).message,
        err?.action,
      );
    }
    return conn;
  }

  async init(newPhrase?: string): Promise<{ phrase: string }> {
    let phrase = generatePhrase();
    if (newPhrase !== undefined) {
      const check = checkPhrase(newPhrase);
      if (!check.ok) throw check.error;
      phrase = check.phrase;
    }
    return this.exclusive(async () => {
      if (await this.opts.vault.get('syncIdentity')) {
        throw new CaroError(
          'alreadyInitialised',
          'Sync is already set up on this device.',
          'Use "Show recovery phrase" to add another device, or "Leave sync" first to start over.',
        );
      }
      const url = this.relayUrl();
      const identity = await this.derive(phrase);
      const ws = await this.openSocket(url);
      // A brand-new random phrase has no account; logging in first still guards against the create-twice hazard.
      const conn = await this.login(identity, ws, { createIfMissing: 'fresh' });
      if (!conn) throw noSyncedHistory();
      await this.adopt(identity, phrase, conn);
      this.recordLocalPreferences();
      await this.opts.history.enqueueAllForUpload();
      await this.exchange();
      return { phrase };
    });
  }

  async join(phraseInput: string): Promise<{ downloaded: number }> {
    const check = checkPhrase(phraseInput);
    if (!check.ok) throw check.error;
    return this.exclusive(async () => {
      const current = await this.opts.vault.get('syncIdentity');
      if (current && this.currentStatus.state !== 'error') {
        throw new CaroError(
          'alreadyInitialised',
          'Sync is already set up on this device.',
          'Use "Leave sync" first if you want to join a different synced history.',
        );
      }
      const url = this.relayUrl();
      const identity = await this.derive(check.phrase);
      const ws = await this.openSocket(url);
      // Verify before storing anything (decision 6).
      const conn = await this.login(identity, ws, { createIfMissing: 'fail' });
      if (!conn) throw noSyncedHistory();
      if (current) await this.disconnect();
      this.state.clearIdentityState();
      const before = (await this.opts.history.search({}, 0, 0)).total;
      await this.adopt(identity, check.phrase, conn);
      // Joining with the phrase is an explicit choice: a device that left (or was removed) earlier is welcome back.
      if (getNumber(conn.handles.devices, `removed:${this.deviceId}`) !== undefined) {
        deleteKey(conn.handles.devices, `removed:${this.deviceId}`);
      }
      await this.opts.history.enqueueAllForUpload();
      await this.exchange();
      const after = (await this.opts.history.search({}, 0, 0)).total;
      return { downloaded: Math.max(0, after - before) };
    });
  }

  private async derive(phrase: string): Promise<SyncIdentity> {
    return (this.opts.deriveIdentity ?? identityFromPhrase)(phrase, await jazzCrypto());
  }

  private async adopt(identity: SyncIdentity, phrase: string, conn: Connection): Promise<void> {
    await this.opts.vault.set('recoveryPhrase', phrase);
    await this.opts.vault.set('syncIdentity', identityToVaultString(identity));
    this.state.set('stopReason', undefined);
    this.state.set('paused', undefined);
    this.identity = identity;
    this.conn = conn;
    this.stopped = false;
    this.retryAttempt = 0;
    this.opts.history.setQueueing(true);
    this.setStatus({ state: 'online', relayUrl: displayUrl(this.relayUrl()), lastError: undefined });
  }

  async pause(): Promise<void> {
    await this.exclusive(async () => {
      if (!this.identity) throw notInitialised();
      this.state.set('paused', '1');
      await this.disconnect();
      this.setStatus({ state: 'paused', lastError: undefined });
    });
  }

  async resume(): Promise<void> {
    if (!this.identity) throw notInitialised();
    this.state.set('paused', undefined);
    this.stopped = false;
    this.retryAttempt = 0;
    await this.exclusive(() => this.ensureConnected());
  }

  /** Re-reads settings (sync on/off, server URL, synced preferences); call on every settings change. */
  async settingsChanged(): Promise<void> {
    await this.preferencesChanged();
    if (!this.identity) return;
    if (!this.enabled()) {
      await this.exclusive(async () => {
        await this.disconnect();
        this.setStatus({ state: 'paused' });
      });
      return;
    }
    const url = this.currentUrl();
    if (url !== this.targetUrl) {
      // A new server address: the old connection, its retry timer and its backoff go first.
      await this.exclusive(async () => {
        await this.disconnect();
        this.retryAttempt = 0;
        this.targetUrl = url;
        if (this.enabled()) this.setStatus({ state: 'initialising', lastError: undefined });
      });
    }
    this.stopped = false;
    // An unrelated setting changing while the retry loop waits must not add an attempt of its own.
    if (!this.conn && this.retryTimer === undefined) this.connectInBackground();
  }

  async syncNow(): Promise<void> {
    if (!this.identity) throw notInitialised();
    await this.exclusive(async () => {
      this.stopped = false;
      this.retryAttempt = 0;
      await this.ensureConnected();
    });
    const s = this.currentStatus;
    if (s.state === 'offline' || s.state === 'error') {
      const err = s.lastError;
      throw new CaroError(
        isRelayProblem(err?.message) ? 'notAJazzServer' : s.state === 'error' ? 'internal' : 'relayUnreachable',
        err?.message ?? 'Sync could not finish.',
        err?.action,
      );
    }
  }

  async resetEverywhere(): Promise<void> {
    await this.exclusive(async () => {
      const conn = await this.requireOnline();
      await wipeRoot(conn.node, conn.handles, 'reset', this.clock.now());
      await this.confirmUploaded(conn, conn.handles.root.id);
      await this.forget(undefined);
      this.setStatus({ state: 'uninitialised', lastError: undefined, pendingUp: 0, pendingDown: 0 });
    });
  }

  async rotateKey(): Promise<{ phrase: string }> {
    return this.exclusive(async () => {
      const old = await this.requireOnline();
      const phrase = generatePhrase();
      const identity = await this.derive(phrase);
      const ws = await this.openSocket(this.relayUrl());
      const fresh = await this.login(identity, ws, { createIfMissing: 'fresh' });
      if (!fresh) throw noSyncedHistory();
      // Carry device records and preferences over, re-encrypted with the new keys.
      for (const id of this.knownDeviceIds(old)) {
        if (getNumber(old.handles.devices, `removed:${id}`) !== undefined) continue;
        const info = readDeviceInfo(openRecord(old.identity.deviceKey, 'device', id, getString(old.handles.devices, id)));
        if (info) setValue(fresh.handles.devices, id, sealRecord(identity.deviceKey, 'device', id, info));
      }
      // Everything live is re-uploaded to the new account (decision 15).
      this.inflight = [];
      this.state.clearCursors();
      this.state.set('nextSequence', 0);
      await this.opts.history.enqueueAllForUpload();
      for (const u of old.unsubscribers) u();
      this.conn = fresh;
      this.identity = identity;
      await this.exchange();
      if ((await this.opts.history.pendingCount()) > 0) {
        throw unreachableError(this.opts.settings().syncServerUrl, 'upload to the new history did not finish');
      }
      await this.opts.vault.set('recoveryPhrase', phrase);
      await this.opts.vault.set('syncIdentity', identityToVaultString(identity));
      // Only now that the new history is complete: wipe the old one and tell the other devices where it went.
      await wipeRoot(old.node, old.handles, 'moved', this.clock.now());
      await this.confirmUploaded(old, old.handles.root.id);
      await shutdownNode(old.node);
      try {
        old.ws?.close();
      } catch {
        // ignore
      }
      this.setStatus({ state: 'online', lastError: undefined });
      return { phrase };
    });
  }

  async leave(): Promise<void> {
    await this.exclusive(async () => {
      if (this.conn?.connected) {
        setValue(this.conn.handles.devices, `removed:${this.deviceId}`, this.clock.now());
        await this.confirmUploaded(this.conn, this.conn.handles.devices.id);
      }
      await this.forget(undefined);
      this.setStatus({ state: 'uninitialised', lastError: undefined, pendingUp: 0, pendingDown: 0 });
    });
  }

  /** The stored recovery phrase (callers must confirm with the user first, decision 5). */
  async revealPhrase(): Promise<string> {
    const phrase = await this.opts.vault.get('recoveryPhrase');
    if (!phrase) throw notInitialised();
    return phrase;
  }

  private async forget(reason: SyncStatus['lastError'] | undefined): Promise<void> {
    await this.disconnect();
    this.identity = undefined;
    this.stopped = true;
    await this.opts.vault.delete('recoveryPhrase');
    await this.opts.vault.delete('syncIdentity');
    this.state.clearIdentityState();
    if (reason) this.state.set('stopReason', JSON.stringify(reason));
    this.opts.history.setQueueing(false);
  }

  /** Another device reset, rotated, or removed this one: stop cleanly, keep local history. */
  private async remoteStopped(why: 'reset' | 'moved' | 'removed'): Promise<void> {
    if (why === 'moved') {
      await this.disconnect();
      this.stopped = true;
      this.state.set('stopReason', 'moved');
      this.setStatus({ state: 'error', lastError: errorInfo(historyMoved()) });
      return;
    }
    const reason =
      why === 'reset'
        ? {
            message: 'Sync was reset from another device, so this device stopped syncing. Your local history is kept.',
            action: 'Set up sync again (or join a new phrase) if you want to keep syncing.',
          }
        : {
            message: 'This device was removed from sync on another device. Your local history is kept.',
            action: 'Join again with your recovery phrase to re-link it.',
          };
    await this.forget(reason);
    this.setStatus({ state: 'uninitialised', lastError: reason, pendingUp: 0, pendingDown: 0 });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.historySub.dispose();
    await this.exclusive(() => this.disconnect()).catch(() => undefined);
    this.statusEmitter.dispose();
    this.devicesEmitter.dispose();
    this.prefsEmitter.dispose();
    this.warnings.dispose();
  }

  /** Waits until queued work (debounced uploads/downloads) has run; for CLI and tests. */
  async idle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const busy = this.flushTimer !== undefined || this.pullTimer !== undefined;
      await this.exclusive(async () => undefined);
      if (!busy && this.flushTimer === undefined && this.pullTimer === undefined) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function parseReason(text: string | undefined): SyncStatus['lastError'] | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as { message?: unknown; action?: unknown };
    if (typeof o.message !== 'string') return undefined;
    return typeof o.action === 'string' ? { message: o.message, action: o.action } : { message: o.message };
  } catch {
    return undefined;
  }
}

function sortRegs(regs: PreferenceRegister[]): PreferenceRegister[] {
  return [...regs].sort((a, b) => a.key.localeCompare(b.key));
}

function isRelayProblem(message: string | undefined): boolean {
  return !!message && /not a Jazz sync server/.test(message);
}

function errorInfo(e: unknown): { message: string; action?: string } {
  if (e instanceof CaroError) return e.action ? { message: e.message, action: e.action } : { message: e.message };
  return { message: 'Sync stopped because of an unexpected problem.', action: 'Try "Sync now"; if it keeps failing, report it with the log.' };
}

/** Jazz logs go to our logger (message only: attributes can carry CoValue state). Expected login misses are trace. */
function routeJazzLogs(logger: Logger): void {
  const quiet = (m: string) => /withLoadedAccount|unavailable/i.test(m);
  jazzLogger.setLogSystem({
    debug: () => undefined,
    info: (m) => logger.trace(`jazz: ${m}`),
    warn: (m) => (quiet(m) ? logger.trace(`jazz: ${m}`) : logger.warn(`jazz: ${m}`)),
    error: (m) => (quiet(m) ? logger.trace(`jazz: ${m}`) : logger.warn(`jazz: ${m}`)),
  });
}

async function shutdownNode(node: LocalNode): Promise<void> {
  try {
    await node.gracefulShutdown();
  } catch {
    // already closed
  }
}

/** Creates the engine and starts it in the background (no network request unless sync is set up and enabled). */
export async function createSyncEngine(opts: SyncEngineOptions): Promise<SyncEngine> {
  const engine = new SyncEngine(opts);
  await engine.start();
  return engine;
}
