/**
 * Sealed small records stored in the root's maps: preference registers, device info and usage metrics. Each is
 * JSON encrypted with its purpose key and an AAD naming the entity and the map key, so a value moved to another key
 * (or another kind of record) fails to decrypt.
 */
import { fieldAad } from '../crypto/aad';
import { openString, sealString } from '../crypto/blob';
import type { SecretKey } from '../crypto/secretKey';
import type { Settings } from '../settings/settings';
import type { PreferenceRegister } from './syncStateStore';

export function sealRecord(key: SecretKey, entity: string, recordId: string, value: unknown): string {
  return sealString(key, JSON.stringify(value), fieldAad(entity, recordId, 'v1'));
}

/** Undefined when the value is damaged, foreign or written with another key (callers warn and skip). */
export function openRecord(key: SecretKey, entity: string, recordId: string, sealed: unknown): unknown {
  if (typeof sealed !== 'string') return undefined;
  try {
    return JSON.parse(openString(key, sealed, fieldAad(entity, recordId, 'v1')));
  } catch {
    return undefined;
  }
}

/** Settings that follow the user across devices (decision 12). Sync on/off, server URL and device name stay local. */
export const SYNCED_PREFERENCE_KEYS = [
  'safetyMode',
  'retentionDays',
  'maxCommands',
  'excludePatterns',
  'ignoreLeadingSpace',
  'lowConfidenceCommands',
  'shareMetrics',
] as const satisfies readonly (keyof Settings)[];

export type SyncedPreferenceKey = (typeof SYNCED_PREFERENCE_KEYS)[number];
export type SyncedPreferences = Partial<Pick<Settings, SyncedPreferenceKey>>;

/** Last-writer-wins: later updatedAt wins; a tie goes to the larger device id (decision 12). */
export function preferenceWins(a: PreferenceRegister, b: PreferenceRegister | undefined): boolean {
  if (!b) return true;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return a.deviceId > b.deviceId;
}

export function readRegisters(value: unknown): PreferenceRegister[] {
  const regs = (value as { registers?: unknown } | undefined)?.registers;
  if (!Array.isArray(regs)) return [];
  const out: PreferenceRegister[] = [];
  for (const r of regs as unknown[]) {
    const o = r as Partial<PreferenceRegister> | null;
    if (
      o &&
      typeof o.key === 'string' &&
      (SYNCED_PREFERENCE_KEYS as readonly string[]).includes(o.key) &&
      typeof o.updatedAt === 'number' &&
      typeof o.deviceId === 'string' &&
      o.value !== undefined
    ) {
      out.push({ key: o.key, value: o.value, updatedAt: o.updatedAt, deviceId: o.deviceId });
    }
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface DeviceInfoRecord {
  name: string;
  platform: string;
  schemaVersion: number;
  firstSeen: number;
}

export function readDeviceInfo(value: unknown): DeviceInfoRecord | undefined {
  const o = value as Partial<DeviceInfoRecord> | null | undefined;
  if (!o || typeof o.name !== 'string') return undefined;
  return {
    name: o.name,
    platform: typeof o.platform === 'string' ? o.platform : 'other',
    schemaVersion: typeof o.schemaVersion === 'number' ? o.schemaVersion : 1,
    firstSeen: typeof o.firstSeen === 'number' ? o.firstSeen : 0,
  };
}

/** Opt-in aggregate usage metrics: counts only, never commands, directories or any text. */
export interface UsageMetrics {
  deviceId: string;
  periodStart: number;
  periodEnd: number;
  totalCommands: number;
  failedCommands: number;
  safetyDistribution: Record<string, number>;
  hourlyDistribution: number[];
}

export const METRICS_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export function readMetrics(deviceId: string, value: unknown): UsageMetrics | undefined {
  const o = value as Partial<UsageMetrics> | null | undefined;
  if (!o || typeof o.periodEnd !== 'number' || typeof o.totalCommands !== 'number') return undefined;
  const dist: Record<string, number> = {};
  for (const [k, v] of Object.entries(o.safetyDistribution ?? {})) if (typeof v === 'number') dist[k] = v;
  return {
    deviceId,
    periodStart: typeof o.periodStart === 'number' ? o.periodStart : o.periodEnd - METRICS_RETENTION_MS,
    periodEnd: o.periodEnd,
    totalCommands: o.totalCommands,
    failedCommands: typeof o.failedCommands === 'number' ? o.failedCommands : 0,
    safetyDistribution: dist,
    hourlyDistribution: Array.isArray(o.hourlyDistribution)
      ? o.hourlyDistribution.filter((n): n is number => typeof n === 'number').slice(0, 24)
      : [],
  };
}
