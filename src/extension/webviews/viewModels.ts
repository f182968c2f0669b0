import type { DeviceInfo, HistoryEntry } from '../../core/model/entry';
import { CaroError } from '../../core/model/errors';
import type { HistoryStats } from '../../core/history/historyApi';
import type { SyncStatus } from '../../core/sync/syncApi';
import type {
  DeviceDto,
  HostToWebview,
  HistoryItemDto,
  StatsDto,
  SyncStatusDto,
  TimelineItemDto,
} from '../../core/protocol/webviewProtocol';
import type { Logger } from '../../core/util/logger';

/** Plaintext view model of one entry: only the fields the panel shows (no sync bookkeeping). */
export function toHistoryItem(e: HistoryEntry): HistoryItemDto {
  const dto: HistoryItemDto = {
    id: e.id,
    command: e.command,
    prompt: e.prompt,
    riskLevel: e.riskLevel,
    warnings: [...e.warnings],
    executed: e.executed,
    deviceId: e.deviceId,
    createdAt: e.createdAt,
  };
  if (e.explanation !== undefined) dto.explanation = e.explanation;
  if (e.success !== undefined) dto.success = e.success;
  if (e.exitCode !== undefined) dto.exitCode = e.exitCode;
  if (e.durationMs !== undefined) dto.durationMs = e.durationMs;
  if (e.workingDir !== undefined) dto.workingDir = e.workingDir;
  if (e.shell !== undefined) dto.shell = e.shell;
  if (e.sessionId !== undefined) dto.sessionId = e.sessionId;
  if (e.workspace !== undefined) dto.workspace = e.workspace;
  if (e.lowConfidence) dto.lowConfidence = true;
  return dto;
}

export function toTimelineItem(e: HistoryEntry): TimelineItemDto {
  const dto: TimelineItemDto = { id: e.id, deviceId: e.deviceId, createdAt: e.createdAt };
  if (e.success !== undefined) dto.success = e.success;
  if (e.exitCode !== undefined) dto.exitCode = e.exitCode;
  if (e.workingDir !== undefined) dto.workingDir = e.workingDir;
  return dto;
}

export function toStatsDto(s: HistoryStats): StatsDto {
  const perDay = Object.entries(s.perDay)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, count]) => ({ day, count }));
  const perHour = Array.from({ length: 24 }, (_, h) => s.perHour[h] ?? 0);
  return { total: s.total, failed: s.failed, failureRate: s.failureRate, perDay, perHour, byRisk: { ...s.byRisk } };
}

export function toSyncStatusDto(s: SyncStatus | undefined): SyncStatusDto {
  if (!s) return { state: 'off', pendingUp: 0, pendingDown: 0 };
  const dto: SyncStatusDto = { state: s.state, pendingUp: s.pendingUp, pendingDown: s.pendingDown };
  if (s.lastSyncAt !== undefined) dto.lastSyncAt = s.lastSyncAt;
  if (s.lastError) {
    dto.lastError = { message: s.lastError.message };
    if (s.lastError.action !== undefined) dto.lastError.action = s.lastError.action;
  }
  if (s.fingerprint !== undefined) dto.fingerprint = s.fingerprint;
  if (s.relayUrl !== undefined) dto.relayUrl = s.relayUrl;
  if (s.backfilling !== undefined) dto.backfilling = s.backfilling;
  return dto;
}

export function toDeviceDto(d: DeviceInfo): DeviceDto {
  const dto: DeviceDto = {
    deviceId: d.deviceId,
    name: d.name,
    platform: d.platform,
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
    isCurrent: d.isCurrent,
  };
  if (d.commandCount !== undefined) dto.commandCount = d.commandCount;
  return dto;
}

/** Any failure becomes a plain-language `error` reply; unexpected ones are logged (the logger redacts). */
export function toErrorReply(e: unknown, what: string, logger: Logger): Extract<HostToWebview, { type: 'error' }> {
  if (e instanceof CaroError) {
    const reply: Extract<HostToWebview, { type: 'error' }> = { type: 'error', code: e.code, message: e.message };
    if (e.action !== undefined) reply.action = e.action;
    return reply;
  }
  logger.error(`webview request "${what}" failed`, e);
  return {
    type: 'error',
    code: 'internal',
    message: 'Caro History could not complete that action.',
    action: 'Try again; if it keeps failing, run "Caro History: Show Log" and report what it says.',
  };
}
