/**
 * Records that arrive by sync are untrusted input (another device may run a newer or buggy version). Before one is
 * stored it goes through the same checks as a captured or imported command: the capture pipeline (normalise, control
 * characters and escape sequences, exclude patterns, the 10 KB limit, redaction, risk classification), plus what
 * only a synced record carries: its id (it is bound into every field's encryption), dates, metadata text.
 */
import type { CapturePipeline } from '../capture/capturePipeline';
import { normaliseCommandLine } from '../capture/normaliseCommand';
import { RISK_LEVELS, type HistoryEntry, type RiskLevel } from '../model/entry';
import { maxRisk } from '../safety/risk';
import { ENTRY_SCHEMA_VERSION } from './historyRecordCodec';

/** Ids are stored and synced in the clear and bound into each field's AAD, which cannot hold "|". */
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const MAX_META_CHARS = 4096;
const MAX_WARNINGS = 20;
/** Clocks differ between devices; a record more than a day in this device's future is not believable. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
const UNKNOWN_RISK_WARNING =
  'Marked at least moderate: another device gave this command a risk level this version of Caro History does not know.';

export type RemoteCheck =
  | { ok: true; entry: HistoryEntry }
  | { ok: false; kind: 'excluded' }
  | { ok: false; kind: 'invalid'; reason: string };

const invalid = (reason: string): RemoteCheck => ({ ok: false, kind: 'invalid', reason });

/** Metadata text (device, folder, shell…): one line, no control characters or escape sequences, bounded. */
function cleanMeta(v: unknown): string | undefined | false {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > MAX_META_CHARS) return false;
  const norm = normaliseCommandLine(v);
  return norm.ok && norm.text === v && !v.includes('\n') ? v : false;
}

const isTime = (v: unknown, now: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= now + MAX_CLOCK_SKEW_MS;

/**
 * Checks one synced record and returns the entry to store: text normalised and redacted, risk re-classified with
 * this device's rules and never lower than what the sender said (an unknown level counts as "moderate").
 * Never throws.
 */
export function checkRemoteRecord(raw: unknown, pipeline: CapturePipeline, now: number): RemoteCheck {
  if (!raw || typeof raw !== 'object') return invalid('it is not a record');
  const e = raw as Partial<Record<keyof HistoryEntry, unknown>>;
  if (typeof e.id !== 'string' || !RECORD_ID.test(e.id)) return invalid('its id is missing or has characters ids never have');
  if (!isTime(e.createdAt, now)) return invalid('its date is missing or in the future');
  const deviceId = cleanMeta(e.deviceId);
  if (!deviceId) return invalid('its device id is missing or not plain text');
  if (e.deletedAt !== undefined) {
    if (!isTime(e.deletedAt, now)) return invalid('its deletion date is not valid');
    return {
      ok: true,
      entry: {
        id: e.id,
        command: '',
        prompt: '',
        tags: [],
        executed: true,
        riskLevel: 'moderate',
        warnings: [],
        deviceId,
        createdAt: e.createdAt,
        updatedAt: isTime(e.updatedAt, now) ? e.updatedAt : e.deletedAt,
        deletedAt: e.deletedAt,
        schemaVersion: ENTRY_SCHEMA_VERSION,
      },
    };
  }
  if (typeof e.command !== 'string') return invalid('it has no command');
  const meta: Partial<Record<'workingDir' | 'shell' | 'platform' | 'sessionId' | 'workspace', string>> = {};
  for (const k of ['workingDir', 'shell', 'platform', 'sessionId', 'workspace'] as const) {
    const v = cleanMeta(e[k]);
    if (v === false) return invalid(`its ${k} is not plain text`);
    if (v !== undefined) meta[k] = v;
  }
  const tags = Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === 'string' && cleanMeta(t) !== false) : [];
  const prepared = pipeline.prepare(
    {
      commandLine: e.command,
      startedAt: e.createdAt,
      ...(typeof e.prompt === 'string' ? { prompt: e.prompt } : {}),
      ...(typeof e.explanation === 'string' ? { explanation: e.explanation } : {}),
      tags,
    },
    { paused: false, mode: 'import' },
  );
  if (!prepared.ok) {
    if (prepared.reason === 'excluded') return { ok: false, kind: 'excluded' };
    return invalid(prepared.detail ?? `it was rejected (${prepared.reason})`);
  }
  const p = prepared.prepared;
  const claimed = typeof e.riskLevel === 'string' && (RISK_LEVELS as readonly string[]).includes(e.riskLevel)
    ? (e.riskLevel as RiskLevel)
    : undefined;
  const riskLevel = maxRisk(p.riskLevel, claimed ?? 'moderate');
  let warnings: string[] = p.warnings;
  if (riskLevel !== p.riskLevel) {
    const theirs = Array.isArray(e.warnings) ? e.warnings.filter((w): w is string => typeof w === 'string' && cleanMeta(w) !== false) : [];
    warnings = claimed ? theirs.slice(0, MAX_WARNINGS) : [UNKNOWN_RISK_WARNING];
  }
  const entry: HistoryEntry = {
    id: e.id,
    command: p.command,
    prompt: p.prompt,
    tags: p.tags,
    executed: e.executed !== false,
    riskLevel,
    warnings,
    deviceId,
    createdAt: e.createdAt,
    updatedAt: isTime(e.updatedAt, now) && e.updatedAt >= e.createdAt ? e.updatedAt : e.createdAt,
    schemaVersion: typeof e.schemaVersion === 'number' && Number.isSafeInteger(e.schemaVersion) && e.schemaVersion > 0
      ? e.schemaVersion
      : ENTRY_SCHEMA_VERSION,
    ...meta,
  };
  if (p.explanation !== undefined) entry.explanation = p.explanation;
  if (typeof e.success === 'boolean') entry.success = e.success;
  if (typeof e.exitCode === 'number' && Number.isSafeInteger(e.exitCode)) entry.exitCode = e.exitCode;
  if (typeof e.durationMs === 'number' && Number.isSafeInteger(e.durationMs) && e.durationMs >= 0) entry.durationMs = e.durationMs;
  if (e.lowConfidence === true) entry.lowConfidence = true;
  return { ok: true, entry };
}
