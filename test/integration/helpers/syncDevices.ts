/**
 * Test helpers for the sync suites: a real relay on loopback, and "devices" = a real HistoryService on an on-disk
 * sqlite-wasm file + a SyncEngine, each with its own directory and key vault.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyVault } from '../../../src/core/crypto/keyVault';
import { openHistory, type HistoryService } from '../../../src/core/history/historyService';
import type { HistoryEntry } from '../../../src/core/model/entry';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/core/settings/settings';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../src/core/sync/syncEngine';
import type { SyncStatus } from '../../../src/core/sync/syncApi';
import { type Clock } from '../../../src/core/util/clock';
import { MemoryLogger } from '../../../src/core/util/logger';
import { startRelay, type RunningRelay } from '../../../src/relay/relayServer';
import { identityFromPhrase, type SyncIdentity } from '../../../src/core/sync/syncIdentity';
import { LocalNode, type RawCoStream } from 'cojson';
import { WasmCrypto } from 'cojson/crypto/WasmCrypto';
import { createWebSocketPeer } from 'cojson-transport-ws';
import { WebSocket } from 'ws';
import { getString, loadRootHandles, loadRootMap, loadStream } from '../../../src/core/sync/jazzRoot';
import { openRelaySocket, type WebSocketConstructor } from '../../../src/core/sync/relayConnection';

/**
 * Real Argon2id + HKDF derivation, memoised per phrase for the test process: every new phrase is derived for real
 * once, further devices joining with it reuse the result (the machine is shared; Argon2id is 64 MiB / t=3).
 */
const derived = new Map<string, Promise<SyncIdentity>>();
export const sharedDerivation: NonNullable<SyncEngineOptions['deriveIdentity']> = (phrase, crypto) => {
  let p = derived.get(phrase);
  if (!p) {
    p = identityFromPhrase(phrase, crypto);
    derived.set(phrase, p);
  }
  return p;
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `caro-sync-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The usual `after()` of a sync suite: close every device, stop the relay, remove their folders. */
export async function closeDevicesAndRelay(devices: TestDevice[], relay: (RunningRelay & { dataDir: string }) | undefined): Promise<void> {
  for (const d of devices) {
    await d.close().catch(() => undefined);
    removeDir(d.dir);
  }
  if (!relay) return;
  await relay.stop();
  removeDir(relay.dataDir);
}

export async function startTestRelay(dataDir = tempDir('relay')): Promise<RunningRelay & { dataDir: string }> {
  const relay = await startRelay({ port: 0, dataDir });
  return Object.assign(relay, { dataDir });
}

export interface TestDevice {
  name: string;
  dir: string;
  deviceId: string;
  history: HistoryService;
  engine: SyncEngine;
  vault: MemoryKeyVault;
  settings: Settings;
  logger: MemoryLogger;
  statuses: SyncStatus[];
  /** Closes engine and store (keeps files and vault, so the device can be reopened). */
  close(): Promise<void>;
  reopen(extra?: Partial<SyncEngineOptions>): Promise<TestDevice>;
}

let counter = 0;

export async function openDevice(
  name: string,
  relayUrl: string,
  opts: {
    dir?: string;
    vault?: MemoryKeyVault;
    settings?: Partial<Settings>;
    clock?: Clock;
    deviceId?: string;
    engine?: Partial<SyncEngineOptions>;
  } = {},
): Promise<TestDevice> {
  const dir = opts.dir ?? tempDir(name);
  const vault = opts.vault ?? new MemoryKeyVault();
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    excludePatterns: [],
    syncEnabled: true,
    syncServerUrl: relayUrl,
    deviceName: name,
    ...opts.settings,
  };
  const deviceId = opts.deviceId ?? `dev-${name}-${process.pid}-${++counter}`;
  const logger = new MemoryLogger();
  const history = await openHistory({
    dbPath: join(dir, 'history.db'),
    vault,
    deviceId,
    settings: () => settings,
    logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const engine = await createSyncEngine({
    history,
    db: history.db,
    vault,
    settings: () => settings,
    logger,
    deviceName: name,
    platform: 'linux',
    deviceId,
    connectTimeoutMs: 3000,
    deriveIdentity: sharedDerivation,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...opts.engine,
  });
  const statuses: SyncStatus[] = [];
  engine.onDidChangeStatus((s) => statuses.push(s));
  const device: TestDevice = {
    name,
    dir,
    deviceId,
    history,
    engine,
    vault,
    settings,
    logger,
    statuses,
    close: async () => {
      await engine.dispose();
      history.close();
    },
    reopen: async (extra) => {
      await device.close();
      return openDevice(name, settings.syncServerUrl, {
        dir,
        vault,
        settings,
        deviceId,
        ...(opts.clock ? { clock: opts.clock } : {}),
        engine: { ...opts.engine, ...extra },
      });
    },
  };
  return device;
}

/** Live (not deleted) entries as comparable tuples, sorted by id. */
export async function liveEntries(device: { history: HistoryService }): Promise<HistoryEntry[]> {
  const all = await device.history.exportAll();
  return all.filter((e) => e.deletedAt === undefined).sort((a, b) => a.id.localeCompare(b.id));
}

export async function liveSummary(device: { history: HistoryService }): Promise<string[]> {
  return (await liveEntries(device)).map((e) => `${e.id}|${e.command}|${e.deviceId}`);
}

/** Polls `check` until it returns true (event-driven sync has no single completion signal). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function recordCommands(device: TestDevice, commands: string[], startAt = Date.now()): Promise<string[]> {
  const ids: string[] = [];
  let t = startAt;
  for (const commandLine of commands) {
    const out = await device.history.record({ commandLine, startedAt: t, endedAt: t + 5, exitCode: 0, cwd: '/work/proj' });
    t += 10;
    if (out.stored) ids.push(out.entry.id);
  }
  return ids;
}

/**
 * A writer that holds the account (a buggy or newer device, or an attacker with the phrase): logs in with the phrase
 * and appends raw items to `deviceId`'s command log, waiting until the relay has them. `make` gets the identity so it
 * can build validly encrypted batches.
 */
export async function pushToDeviceLog(
  relayUrl: string,
  phrase: string,
  deviceId: string,
  make: (identity: SyncIdentity) => string[],
): Promise<void> {
  const crypto = await WasmCrypto.create();
  const identity = await sharedDerivation(phrase, crypto);
  const ws = await openRelaySocket(relayUrl, WebSocket as unknown as WebSocketConstructor);
  const node = await LocalNode.withLoadedAccount({
    accountID: identity.accountId,
    accountSecret: identity.agentSecret,
    sessionID: undefined,
    peers: [createWebSocketPeer({ id: 'writer', websocket: ws, role: 'server', expectPings: false })],
    crypto,
  });
  try {
    const handles = (await loadRootHandles(node, (await loadRootMap(node))!))!;
    const feed = (await loadStream(node, getString(handles.commandHistory, deviceId)!)) as RawCoStream;
    for (const item of make(identity)) feed.push(item, 'private');
    await node.syncManager.waitForSync(feed.id as never, 10_000);
  } finally {
    await node.gracefulShutdown();
  }
}
