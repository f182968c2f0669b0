/**
 * One item of a device's command log on the relay: an encrypted batch of up to {@link MAX_BATCH_RECORDS} history
 * records (decision 9). Wire form of an item: `b1.<sequence>.<base64 blob>`, where the blob is
 * sealString(commandKey, JSON.stringify({ v, records }), batchAad(deviceId, sequence)).
 *
 * The sequence number is plain so the reader can rebuild the AAD; the AAD binds the batch to its device log and
 * position, so a batch copied to another log or renumbered fails to decrypt.
 */
import { batchAad } from '../crypto/aad';
import { openString, sealString } from '../crypto/blob';
import type { SecretKey } from '../crypto/secretKey';
import { RISK_LEVELS, type HistoryEntry, type RiskLevel } from '../model/entry';

export const MAX_BATCH_RECORDS = 200;
/** Keeps a Jazz transaction under its recommended 100 KB even with large commands. */
export const MAX_BATCH_PLAINTEXT_BYTES = 60 * 1024;
/** Highest record schema version this code knows. Newer versions are read (unknown fields skipped) with a warning. */
export const RECORD_SCHEMA_VERSION = 1;
const BATCH_FORMAT = 1;
const ITEM_PREFIX = 'b1.';

export interface BatchPayload {
  v: number;
  records: HistoryEntry[];
}

export type DecodedBatch =
  | { ok: true; sequence: number; records: HistoryEntry[]; newerSchema: boolean; invalidRecords: number }
  | { ok: false; reason: string };

/** Splits entries into batches that respect both the record count and the plaintext size limit. */
export function splitIntoBatches<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= MAX_BATCH_RECORDS || bytes + size > MAX_BATCH_PLAINTEXT_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The synced form of an entry: everything except local-only bookkeeping (syncedAt). */
export function toWireRecord(entry: HistoryEntry): HistoryEntry {
  const { syncedAt: _syncedAt, ...rest } = entry;
  return { ...rest, schemaVersion: entry.schemaVersion || RECORD_SCHEMA_VERSION };
}

export function encodeBatch(key: SecretKey, deviceId: string, sequence: number, records: readonly HistoryEntry[]): string {
  const payload: BatchPayload = { v: BATCH_FORMAT, records: records.map(toWireRecord) };
  return `${ITEM_PREFIX}${sequence}.${sealString(key, JSON.stringify(payload), batchAad(deviceId, sequence))}`;
}

export function parseItemSequence(item: unknown): number | undefined {
  if (typeof item !== 'string' || !item.startsWith(ITEM_PREFIX)) return undefined;
  const dot = item.indexOf('.', ITEM_PREFIX.length);
  if (dot < 0) return undefined;
  const seq = Number(item.slice(ITEM_PREFIX.length, dot));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/** Never throws: corrupt, foreign or undecryptable items come back as `{ ok: false, reason }` (no secrets in it). */
export function decodeBatch(key: SecretKey, deviceId: string, item: unknown): DecodedBatch {
  const sequence = parseItemSequence(item);
  if (sequence === undefined || typeof item !== 'string') return { ok: false, reason: 'not a Caro batch' };
  const b64 = item.slice(item.indexOf('.', ITEM_PREFIX.length) + 1);
  let json: string;
  try {
    json = openString(key, b64, batchAad(deviceId, sequence));
  } catch (e) {
    const problem = (e as { problem?: string }).problem;
    return { ok: false, reason: `cannot be decrypted (${problem ?? 'error'})` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'decrypted but is not valid JSON' };
  }
  const p = payload as Partial<BatchPayload> | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.records)) return { ok: false, reason: 'has no records' };
  const records: HistoryEntry[] = [];
  let newerSchema = typeof p.v === 'number' && p.v > BATCH_FORMAT;
  let invalidRecords = 0;
  for (const raw of p.records as unknown[]) {
    const record = readRecord(raw);
    if (!record) {
      invalidRecords++;
      continue;
    }
    if (record.schemaVersion > RECORD_SCHEMA_VERSION) newerSchema = true;
    records.push(record);
  }
  return { ok: true, sequence, records, newerSchema, invalidRecords };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Decision 14: picks the known fields (unknown ones are skipped), defaults missing optional ones, and rejects a
 * record without the fields needed to identify and order it.
 */
export function readRecord(raw: unknown): HistoryEntry | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  const deviceId = str(r.deviceId);
  const createdAt = num(r.createdAt);
  if (!id || !deviceId || createdAt === undefined) return undefined;
  const deletedAt = num(r.deletedAt);
  const command = str(r.command);
  if (command === undefined && deletedAt === undefined) return undefined;
  const risk = str(r.riskLevel);
  const entry: HistoryEntry = {
    id,
    command: command ?? '',
    prompt: str(r.prompt) ?? '',
    tags: strings(r.tags),
    executed: bool(r.executed) ?? true,
    // A level this version does not know fails closed (the local store reads it the same way); applyRemote re-classifies.
    riskLevel: risk && (RISK_LEVELS as readonly string[]).includes(risk) ? (risk as RiskLevel) : 'moderate',
    warnings: strings(r.warnings),
    deviceId,
    createdAt,
    updatedAt: num(r.updatedAt) ?? createdAt,
    schemaVersion: num(r.schemaVersion) ?? RECORD_SCHEMA_VERSION,
  };
  const optional: Partial<HistoryEntry> = {
    explanation: str(r.explanation),
    success: bool(r.success),
    exitCode: num(r.exitCode),
    durationMs: num(r.durationMs),
    workingDir: str(r.workingDir),
    shell: str(r.shell),
    platform: str(r.platform),
    sessionId: str(r.sessionId),
    workspace: str(r.workspace),
    lowConfidence: bool(r.lowConfidence),
    deletedAt,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (entry as unknown as Record<string, unknown>)[k] = v;
  }
  return entry;
}
