/**
 * The Caro sync layout on Jazz (raw cojson CoValues, decisions 9–12). Everything lives in one private group owned by
 * the account, so Jazz itself encrypts keys and values; Caro additionally encrypts every payload with a phrase-derived
 * purpose key, so the relay only ever stores ciphertext of ciphertext.
 *
 * account.root → CaroSyncRoot (CoMap)
 *   schemaVersion   number                      layout version (decision 14: newer → warn once, read what we know)
 *   state           'active' | 'reset' | 'moved' set by resetEverywhere / rotateKey; other devices stop on it
 *   stateAt         number
 *   profile         CoMap { createdAt, deviceCount }
 *   commandHistory  CoMap deviceId → CoFeed (CoStream) id; each feed item is one encrypted batch (batchCodec.ts)
 *   preferences     CoMap deviceId → sealed JSON of that device's preference registers (LWW merge on read)
 *   devices         CoMap `<deviceId>` → sealed device info, `seen:<deviceId>` → lastSeen ms, `removed:<deviceId>` → ms
 *   metrics         CoMap deviceId → sealed aggregate counts (opt-in only; entries older than 30 days are purged)
 */
import type { LocalNode, RawAccount, RawCoID, RawCoMap, RawCoStream, RawGroup } from 'cojson';

export const ROOT_SCHEMA_VERSION = 1;

export type RootState = 'active' | 'reset' | 'moved';

export interface RootHandles {
  root: RawCoMap;
  group: RawGroup;
  profile: RawCoMap;
  commandHistory: RawCoMap;
  preferences: RawCoMap;
  devices: RawCoMap;
  metrics: RawCoMap;
}

type Loose = RawCoMap<Record<string, string | number | boolean | null>>;

function loose(map: RawCoMap): Loose {
  return map as unknown as Loose;
}

export function getString(map: RawCoMap, key: string): string | undefined {
  const v = loose(map).get(key);
  return typeof v === 'string' ? v : undefined;
}

export function getNumber(map: RawCoMap, key: string): number | undefined {
  const v = loose(map).get(key);
  return typeof v === 'number' ? v : undefined;
}

export function setValue(map: RawCoMap, key: string, value: string | number | boolean): void {
  loose(map).set(key, value, 'private');
}

export function deleteKey(map: RawCoMap, key: string): void {
  loose(map).delete(key, 'private');
}

export function mapKeys(map: RawCoMap): string[] {
  return Object.keys(loose(map).asObject());
}

/** Fresh, empty root content (used at account creation, reset and rotation). */
export function createRootContent(group: RawGroup, now: number): Record<string, string | number> {
  const profile = group.createMap({ createdAt: now, deviceCount: 0 } as never);
  return {
    schemaVersion: ROOT_SCHEMA_VERSION,
    state: 'active',
    stateAt: now,
    profile: profile.id,
    commandHistory: group.createMap().id,
    preferences: group.createMap().id,
    devices: group.createMap().id,
    metrics: group.createMap().id,
  };
}

/** Account migration for a newly created account: a private profile (nothing public) and the root. */
export function initialiseAccount(account: RawAccount, node: LocalNode, now: number): void {
  const profileGroup = node.createGroup();
  const profile = profileGroup.createMap({ name: 'Caro History' } as never);
  account.set('profile', profile.id, 'trusting');
  const group = node.createGroup();
  const root = group.createMap();
  for (const [k, v] of Object.entries(createRootContent(group, now))) setValue(root, k, v);
  account.set('root', root.id, 'trusting');
}

/** How long one CoValue load may take before the caller gives up for now (it never blocks the engine forever). */
export const LOAD_TIMEOUT_MS = 15_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function loadMap(node: LocalNode, id: string | undefined): Promise<RawCoMap | undefined> {
  if (!id) return undefined;
  const value = await withTimeout(node.load(id as RawCoID as never), LOAD_TIMEOUT_MS, 'unavailable' as const);
  if (value === 'unavailable') return undefined;
  return value as unknown as RawCoMap;
}

export async function loadStream(node: LocalNode, id: string): Promise<RawCoStream | undefined> {
  const value = await withTimeout(node.load(id as RawCoID as never), LOAD_TIMEOUT_MS, 'unavailable' as const);
  if (value === 'unavailable') return undefined;
  return value as unknown as RawCoStream;
}

export function rootIdOf(node: LocalNode): string | undefined {
  const account = node.expectCurrentAccount('caro sync');
  const id = (account as unknown as RawCoMap<Record<string, string>>).get('root');
  return typeof id === 'string' ? id : undefined;
}

export async function loadRootMap(node: LocalNode): Promise<RawCoMap | undefined> {
  return loadMap(node, rootIdOf(node));
}

export function rootState(root: RawCoMap): RootState {
  const s = getString(root, 'state');
  return s === 'reset' || s === 'moved' ? s : 'active';
}

/** Loads every part of an active root; undefined if a part cannot be loaded. */
export async function loadRootHandles(node: LocalNode, root: RawCoMap): Promise<RootHandles | undefined> {
  const [profile, commandHistory, preferences, devices, metrics] = await Promise.all(
    ['profile', 'commandHistory', 'preferences', 'devices', 'metrics'].map((k) => loadMap(node, getString(root, k))),
  );
  if (!profile || !commandHistory || !preferences || !devices || !metrics) return undefined;
  return { root, group: root.group, profile, commandHistory, preferences, devices, metrics };
}

/** Replaces the root's contents with empty ones and deletes the old CoValues (their data is erased on the relay). */
export async function wipeRoot(node: LocalNode, handles: RootHandles, state: RootState, now: number): Promise<void> {
  const old: string[] = [];
  for (const k of ['profile', 'commandHistory', 'preferences', 'devices', 'metrics']) {
    const id = getString(handles.root, k);
    if (id) old.push(id);
  }
  for (const feedKey of mapKeys(handles.commandHistory)) {
    const id = getString(handles.commandHistory, feedKey);
    if (id) old.push(id);
  }
  const fresh = createRootContent(handles.group, now);
  for (const [k, v] of Object.entries(fresh)) setValue(handles.root, k, v);
  setValue(handles.root, 'state', state);
  setValue(handles.root, 'stateAt', now);
  for (const id of old) {
    try {
      const core = node.getCoValue(id as RawCoID);
      if (core.isAvailable()) core.deleteCoValue();
    } catch {
      // Not loaded or not deletable: it is unreachable from the root anyway.
    }
  }
}
