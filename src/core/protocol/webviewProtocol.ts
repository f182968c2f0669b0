/**
 * Typed host <-> webview protocol for the history panel and the devices view.
 *
 * One vscode-free, Node-free, DOM-free file used by the extension host (src/extension/webviews) and both Preact apps
 * (webview/). Everything that crosses the boundary is a plaintext view model: never keys, phrases or ciphertext.
 *
 * Flow: the webview posts `ready`; the host replies `init` with the initial state (nothing is pushed before that).
 * Every other webview message is a request that gets exactly one reply (its listed reply type, or `error`).
 * The host pushes `history/changed` and `devices/state` on its own.
 *
 * The host never trusts a message: `parseWebviewMessage` rebuilds each one from validated fields (unknown type, wrong
 * shape, unknown keys, oversize strings/arrays are rejected with a reason and never executed).
 */
import type { RiskLevel } from '../model/entry';
import type { ErrorCode } from '../model/errors';

export const PROTOCOL_VERSION = 1;

export const VIEW_IDS = ['history', 'devices'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

const RISK_LEVEL_SET: readonly RiskLevel[] = ['safe', 'moderate', 'high', 'critical'];

/** Hard limits for incoming messages. A message beyond any of them is rejected as a whole. */
export const PROTOCOL_LIMITS = {
  /** Ids, paths, workspace names, device ids. */
  maxField: 4_096,
  /** Search text typed by the user. */
  maxQueryText: 1_000,
  /** Device names (the deviceName setting allows 64). */
  maxDeviceName: 64,
  /** Explicitly selected ids in one bulk delete/export (select-all uses a filter instead). */
  maxIds: 10_000,
  /** Rows per page request. */
  maxPageSize: 1_000,
  /** Riskiest offset we accept (beyond any realistic history size). */
  maxOffset: 10_000_000,
  /** Free-text diagnostics reported by a webview. */
  maxDiagnostic: 2_000,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// View models (DTOs)
// ---------------------------------------------------------------------------------------------------------------

/** What the history panel shows for one entry (already redacted by the history service). */
export interface HistoryItemDto {
  id: string;
  command: string;
  prompt: string;
  explanation?: string;
  riskLevel: RiskLevel;
  warnings: readonly string[];
  executed: boolean;
  success?: boolean;
  exitCode?: number;
  durationMs?: number;
  workingDir?: string;
  shell?: string;
  deviceId: string;
  sessionId?: string;
  workspace?: string;
  lowConfidence?: boolean;
  /** Unix ms. */
  createdAt: number;
}

/** Filters chosen in the panel. Maps 1:1 onto core HistoryFilter (failedOnly -> status 'failed'). */
export interface HistoryFilterDto {
  text?: string;
  mode?: 'substring' | 'fuzzy';
  workspace?: string;
  directory?: string;
  deviceId?: string;
  sessionId?: string;
  failedOnly?: boolean;
  riskLevels?: readonly RiskLevel[];
  /** Unix ms, inclusive. */
  since?: number;
  until?: number;
}

/** Which entries a bulk action applies to: explicit ids, or everything matching a filter (Ctrl+A) minus exceptions. */
export type SelectionTarget =
  | { kind: 'ids'; ids: readonly string[] }
  | { kind: 'matching'; filter: HistoryFilterDto; exceptIds: readonly string[] };

export interface TimelineItemDto {
  id: string;
  deviceId: string;
  createdAt: number;
  success?: boolean;
  exitCode?: number;
  workingDir?: string;
}

export interface StatsDto {
  total: number;
  failed: number;
  /** failed / commands with a known exit status (0..1). */
  failureRate: number;
  /** Oldest first, one entry per day that has commands (YYYY-MM-DD local time). */
  perDay: readonly { day: string; count: number }[];
  /** 24 buckets, hour of day 0..23. */
  perHour: readonly number[];
  byRisk: Readonly<Record<string, number>>;
}

export interface FacetsDto {
  workspaces: readonly string[];
  directories: readonly string[];
  devices: readonly string[];
  sessions: readonly string[];
}

export type SyncStateDto = 'off' | 'uninitialised' | 'initialising' | 'online' | 'offline' | 'paused' | 'error';

export interface SyncStatusDto {
  state: SyncStateDto;
  pendingUp: number;
  pendingDown: number;
  lastSyncAt?: number;
  lastError?: { message: string; action?: string };
  fingerprint?: string;
  relayUrl?: string;
  backfilling?: boolean;
}

export interface DeviceDto {
  deviceId: string;
  name: string;
  platform: string;
  firstSeen: number;
  lastSeen: number;
  isCurrent: boolean;
  commandCount?: number;
}

export interface DevicesStateDto {
  /** False when sync was never set up on this device (the view shows its empty state). */
  syncEnabled: boolean;
  status: SyncStatusDto;
  devices: readonly DeviceDto[];
  thisDevice: { deviceId: string; name: string; platform: string };
  /** Commands stored locally (not deleted). */
  localCount: number;
}

export interface HistoryInitDto {
  view: 'history';
  thisDeviceId: string;
  /** deviceId -> display name (from the sync device list; this device always present). */
  deviceNames: Readonly<Record<string, string>>;
  facets: FacetsDto;
  recordingPaused: boolean;
}

export interface DevicesInitDto {
  view: 'devices';
  devices: DevicesStateDto;
}

export type InitDto = HistoryInitDto | DevicesInitDto;

// ---------------------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------------------

export type WebviewToHost =
  | { type: 'ready'; view: ViewId; protocolVersion: number }
  | { type: 'history/query'; filter: HistoryFilterDto; offset: number; limit: number }
  | { type: 'history/detail'; id: string }
  | { type: 'history/insert'; id: string; run: boolean }
  | { type: 'history/delete'; target: SelectionTarget }
  | { type: 'history/export'; target: SelectionTarget }
  | { type: 'history/stats' }
  | { type: 'history/facets' }
  | { type: 'devices/refresh' }
  | { type: 'devices/rename'; deviceId: string; name: string }
  | { type: 'devices/remove'; deviceId: string }
  | { type: 'sync/now' }
  | { type: 'sync/pause' }
  | { type: 'sync/resume' }
  | { type: 'sync/setup' }
  | { type: 'sync/join' }
  | { type: 'webview/error'; message: string };

export type HostToWebview =
  | { type: 'init'; state: InitDto }
  | { type: 'history/page'; offset: number; total: number; items: readonly HistoryItemDto[] }
  | { type: 'history/detail'; item: HistoryItemDto; timeline: readonly TimelineItemDto[] }
  | { type: 'history/stats'; stats: StatsDto }
  | { type: 'history/facets'; facets: FacetsDto; deviceNames: Readonly<Record<string, string>> }
  | { type: 'history/changed'; kind: string; ids: readonly string[] }
  | { type: 'devices/state'; state: DevicesStateDto }
  | { type: 'ack'; count?: number; message?: string; cancelled?: boolean }
  | { type: 'error'; code: ErrorCode; message: string; action?: string };

export type WebviewMessageType = WebviewToHost['type'];
export type HostMessageType = HostToWebview['type'];

/** The reply type of each request (`error` is always possible). `webview/error` is fire-and-forget. */
export const REPLY_TYPES = {
  ready: 'init',
  'history/query': 'history/page',
  'history/detail': 'history/detail',
  'history/insert': 'ack',
  'history/delete': 'ack',
  'history/export': 'ack',
  'history/stats': 'history/stats',
  'history/facets': 'history/facets',
  'devices/refresh': 'devices/state',
  'devices/rename': 'devices/state',
  'devices/remove': 'devices/state',
  'sync/now': 'devices/state',
  'sync/pause': 'devices/state',
  'sync/resume': 'devices/state',
  'sync/setup': 'ack',
  'sync/join': 'ack',
  'webview/error': null,
} as const satisfies Record<WebviewMessageType, HostMessageType | null>;

export type RequestType = { [K in WebviewMessageType]: (typeof REPLY_TYPES)[K] extends null ? never : K }[WebviewMessageType];
export type ReplyFor<K extends RequestType> = Extract<HostToWebview, { type: (typeof REPLY_TYPES)[K] }>;
export type RequestOf<K extends WebviewMessageType> = Extract<WebviewToHost, { type: K }>;

export interface Envelope<T> {
  id: number;
  inReplyTo?: number;
  body: T;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of untrusted input (host side)
// ---------------------------------------------------------------------------------------------------------------

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function isPlainObject(u: unknown): u is Obj {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const proto = Object.getPrototypeOf(u) as unknown;
  return proto === Object.prototype || proto === null;
}

function objectWith(u: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Obj {
  if (!isPlainObject(u)) throw new Invalid(`${where} must be an object`);
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(u)) {
    if (!allowed.has(key)) throw new Invalid(`${where} has an unknown field "${key.slice(0, 40)}"`);
  }
  for (const key of required) {
    if (!Object.prototype.hasOwnProperty.call(u, key)) throw new Invalid(`${where}.${key} is missing`);
  }
  return u;
}

function str(u: unknown, where: string, max: number, opts: { allowEmpty?: boolean } = {}): string {
  if (typeof u !== 'string') throw new Invalid(`${where} must be a string`);
  if (u.length > max) throw new Invalid(`${where} is too long (${u.length} > ${max} characters)`);
  if (!opts.allowEmpty && u.length === 0) throw new Invalid(`${where} must not be empty`);
  return u;
}

function optStr(u: unknown, where: string, max: number): string | undefined {
  return u === undefined ? undefined : str(u, where, max, { allowEmpty: true });
}

function int(u: unknown, where: string, min: number, max: number): number {
  if (typeof u !== 'number' || !Number.isSafeInteger(u)) throw new Invalid(`${where} must be a whole number`);
  if (u < min || u > max) throw new Invalid(`${where} must be between ${min} and ${max}`);
  return u;
}

function bool(u: unknown, where: string): boolean {
  if (typeof u !== 'boolean') throw new Invalid(`${where} must be true or false`);
  return u;
}

function oneOf<T extends string>(u: unknown, where: string, values: readonly T[]): T {
  if (typeof u !== 'string' || !(values as readonly string[]).includes(u)) {
    throw new Invalid(`${where} must be one of ${values.join(', ')}`);
  }
  return u as T;
}

function array(u: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(u)) throw new Invalid(`${where} must be a list`);
  if (u.length > max) throw new Invalid(`${where} has too many items (${u.length} > ${max})`);
  return u;
}

const MAX_TIME = 8.64e15;

function filterDto(u: unknown, where: string): HistoryFilterDto {
  const L = PROTOCOL_LIMITS;
  const o = objectWith(u, where, [], [
    'text', 'mode', 'workspace', 'directory', 'deviceId', 'sessionId', 'failedOnly', 'riskLevels', 'since', 'until',
  ]);
  const f: HistoryFilterDto = {};
  const out = f as Record<string, unknown>;
  if (o.text !== undefined) out.text = str(o.text, `${where}.text`, L.maxQueryText, { allowEmpty: true });
  if (o.mode !== undefined) out.mode = oneOf(o.mode, `${where}.mode`, ['substring', 'fuzzy'] as const);
  for (const key of ['workspace', 'directory', 'deviceId', 'sessionId'] as const) {
    const v = optStr(o[key], `${where}.${key}`, L.maxField);
    if (v !== undefined) out[key] = v;
  }
  if (o.failedOnly !== undefined) out.failedOnly = bool(o.failedOnly, `${where}.failedOnly`);
  if (o.riskLevels !== undefined) {
    const levels = array(o.riskLevels, `${where}.riskLevels`, RISK_LEVEL_SET.length)
      .map((v, i) => oneOf(v, `${where}.riskLevels[${i}]`, RISK_LEVEL_SET));
    out.riskLevels = [...new Set(levels)];
  }
  if (o.since !== undefined) out.since = int(o.since, `${where}.since`, 0, MAX_TIME);
  if (o.until !== undefined) out.until = int(o.until, `${where}.until`, 0, MAX_TIME);
  if (f.since !== undefined && f.until !== undefined && f.since > f.until) {
    throw new Invalid(`${where}.since is after ${where}.until`);
  }
  return f;
}

function ids(u: unknown, where: string): string[] {
  return array(u, where, PROTOCOL_LIMITS.maxIds).map((v, i) => str(v, `${where}[${i}]`, PROTOCOL_LIMITS.maxField));
}

function target(u: unknown, where: string): SelectionTarget {
  if (!isPlainObject(u)) throw new Invalid(`${where} must be an object`);
  const kind = oneOf(u.kind, `${where}.kind`, ['ids', 'matching'] as const);
  if (kind === 'ids') {
    const o = objectWith(u, where, ['kind', 'ids']);
    const list = ids(o.ids, `${where}.ids`);
    if (list.length === 0) throw new Invalid(`${where}.ids must not be empty`);
    return { kind, ids: list };
  }
  const o = objectWith(u, where, ['kind', 'filter', 'exceptIds']);
  return { kind, filter: filterDto(o.filter, `${where}.filter`), exceptIds: ids(o.exceptIds, `${where}.exceptIds`) };
}

function body(u: unknown): WebviewToHost {
  const L = PROTOCOL_LIMITS;
  if (!isPlainObject(u)) throw new Invalid('body must be an object');
  const type = u.type;
  if (typeof type !== 'string') throw new Invalid('body.type must be a string');
  const bare = (t: WebviewMessageType): WebviewToHost => {
    objectWith(u, t, ['type']);
    return { type: t } as WebviewToHost;
  };
  switch (type) {
    case 'ready': {
      const o = objectWith(u, type, ['type', 'view', 'protocolVersion']);
      return { type, view: oneOf(o.view, 'ready.view', VIEW_IDS), protocolVersion: int(o.protocolVersion, 'ready.protocolVersion', 0, 1_000) };
    }
    case 'history/query': {
      const o = objectWith(u, type, ['type', 'filter', 'offset', 'limit']);
      return {
        type,
        filter: filterDto(o.filter, `${type}.filter`),
        offset: int(o.offset, `${type}.offset`, 0, L.maxOffset),
        limit: int(o.limit, `${type}.limit`, 1, L.maxPageSize),
      };
    }
    case 'history/detail': {
      const o = objectWith(u, type, ['type', 'id']);
      return { type, id: str(o.id, `${type}.id`, L.maxField) };
    }
    case 'history/insert': {
      const o = objectWith(u, type, ['type', 'id', 'run']);
      return { type, id: str(o.id, `${type}.id`, L.maxField), run: bool(o.run, `${type}.run`) };
    }
    case 'history/delete':
    case 'history/export': {
      const o = objectWith(u, type, ['type', 'target']);
      return { type, target: target(o.target, `${type}.target`) };
    }
    case 'devices/rename': {
      const o = objectWith(u, type, ['type', 'deviceId', 'name']);
      const name = str(o.name, `${type}.name`, L.maxDeviceName).trim();
      if (name.length === 0) throw new Invalid(`${type}.name must not be blank`);
      if (/[\u0000-\u001f\u007f]/.test(name)) throw new Invalid(`${type}.name must not contain control characters`);
      return { type, deviceId: str(o.deviceId, `${type}.deviceId`, L.maxField), name };
    }
    case 'devices/remove': {
      const o = objectWith(u, type, ['type', 'deviceId']);
      return { type, deviceId: str(o.deviceId, `${type}.deviceId`, L.maxField) };
    }
    case 'webview/error': {
      const o = objectWith(u, type, ['type', 'message']);
      return { type, message: str(o.message, `${type}.message`, L.maxDiagnostic, { allowEmpty: true }) };
    }
    case 'history/stats':
    case 'history/facets':
    case 'devices/refresh':
    case 'sync/now':
    case 'sync/pause':
    case 'sync/resume':
    case 'sync/setup':
    case 'sync/join':
      return bare(type);
    default:
      throw new Invalid(`unknown message type "${type.slice(0, 40)}"`);
  }
}

/**
 * Validates one raw message posted by a webview. On success the returned envelope is a fresh copy built only from
 * validated fields; on failure `reason` says what is wrong (safe to log: it never echoes field values, only field
 * names and at most 40 characters of an unknown type or key name).
 */
export function parseWebviewMessage(u: unknown): ParseResult<Envelope<WebviewToHost>> {
  try {
    const o = objectWith(u, 'message', ['id', 'body'], ['inReplyTo']);
    const id = int(o.id, 'message.id', 0, Number.MAX_SAFE_INTEGER);
    if (o.inReplyTo !== undefined) {
      // Webviews never answer the host: the host does not send requests.
      throw new Invalid('message.inReplyTo is not accepted from a webview');
    }
    return { ok: true, value: { id, body: body(o.body) } };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    return { ok: false, reason: 'message could not be read' };
  }
}

const HOST_TYPES: ReadonlySet<string> = new Set<HostMessageType>([
  'init', 'history/page', 'history/detail', 'history/stats', 'history/facets', 'history/changed', 'devices/state',
  'ack', 'error',
]);

/** Light check on the webview side (the host is trusted, but stray postMessage traffic must not crash the app). */
export function parseHostMessage(u: unknown): ParseResult<Envelope<HostToWebview>> {
  if (!isPlainObject(u)) return { ok: false, reason: 'message must be an object' };
  const { id, inReplyTo, body: b } = u;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { ok: false, reason: 'message.id must be a number' };
  if (inReplyTo !== undefined && (typeof inReplyTo !== 'number' || !Number.isSafeInteger(inReplyTo))) {
    return { ok: false, reason: 'message.inReplyTo must be a number' };
  }
  if (!isPlainObject(b) || typeof b.type !== 'string' || !HOST_TYPES.has(b.type)) {
    return { ok: false, reason: 'message.body has an unknown type' };
  }
  const env: Envelope<HostToWebview> = { id, body: b as unknown as HostToWebview };
  if (inReplyTo !== undefined) env.inReplyTo = inReplyTo;
  return { ok: true, value: env };
}

/** Core HistoryFilter shape for a panel filter (kept here so host and tests agree on the mapping). */
export function toHistoryFilter(f: HistoryFilterDto): {
  text?: string; mode?: 'substring' | 'fuzzy'; workspace?: string; directory?: string; deviceId?: string;
  sessionId?: string; status?: 'success' | 'failed' | 'any'; riskLevels?: readonly RiskLevel[]; since?: number;
  until?: number;
} {
  const out: ReturnType<typeof toHistoryFilter> = {};
  const text = f.text?.trim();
  if (text) out.text = text;
  if (f.mode) out.mode = f.mode;
  if (f.workspace) out.workspace = f.workspace;
  if (f.directory) out.directory = f.directory;
  if (f.deviceId) out.deviceId = f.deviceId;
  if (f.sessionId) out.sessionId = f.sessionId;
  if (f.failedOnly) out.status = 'failed';
  if (f.riskLevels && f.riskLevels.length > 0) out.riskLevels = f.riskLevels;
  if (f.since !== undefined) out.since = f.since;
  if (f.until !== undefined) out.until = f.until;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Messenger: request/response with timeout over any postMessage-like channel
// ---------------------------------------------------------------------------------------------------------------

/** Thrown (rejected) by Messenger.request. `code` is 'timeout', 'disposed' or the error code the other side sent. */
export class MessengerError extends Error {
  override readonly name = 'MessengerError';
  constructor(readonly code: string, message: string, readonly action?: string) {
    super(message);
  }
}

export interface MessengerOptions<TOut, TIn> {
  post(envelope: Envelope<TOut>): void;
  /** Handles a message that is not a reply; a returned body is posted back with `inReplyTo`. */
  onMessage(body: TIn): Promise<TOut | undefined> | TOut | undefined;
  /** Turns an exception from onMessage into a reply body (otherwise the request just gets no answer). */
  onError?(error: unknown, body: TIn): TOut | undefined;
  /** When a reply body should reject the pending request instead (e.g. `{type:'error'}`). */
  asError?(body: TIn): MessengerError | undefined;
  timeoutMs?: number;
}

interface Pending<TIn> {
  resolve(body: TIn): void;
  reject(error: MessengerError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Messenger<TOut extends { type: string }, TIn extends { type: string }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<TIn>>();
  private disposed = false;

  constructor(private readonly opts: MessengerOptions<TOut, TIn>) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Fire-and-forget message (pushes, diagnostics). */
  notify(body: TOut): void {
    if (this.disposed) return;
    this.opts.post({ id: this.nextId++, body });
  }

  /** Sends a request and resolves with the reply body; rejects on timeout, dispose or an error reply. */
  request(body: TOut, timeoutMs = this.opts.timeoutMs ?? 10_000): Promise<TIn> {
    if (this.disposed) return Promise.reject(new MessengerError('disposed', 'The view was closed.'));
    const id = this.nextId++;
    return new Promise<TIn>((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
          this.pending.delete(id);
          reject(new MessengerError('timeout', `No answer to "${body.type}" within ${timeoutMs} ms.`));
        }, timeoutMs)
        : undefined;
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.opts.post({ id, body });
      } catch (e) {
        if (timer !== undefined) clearTimeout(timer);
        this.pending.delete(id);
        reject(new MessengerError('postFailed', e instanceof Error ? e.message : 'The message could not be sent.'));
      }
    });
  }

  /** Feeds one already validated envelope from the other side. */
  async handle(envelope: Envelope<TIn>): Promise<void> {
    if (this.disposed) return;
    if (envelope.inReplyTo !== undefined) {
      const p = this.pending.get(envelope.inReplyTo);
      if (!p) return; // late reply after a timeout, or a stray one: ignored
      this.pending.delete(envelope.inReplyTo);
      if (p.timer !== undefined) clearTimeout(p.timer);
      const err = this.opts.asError?.(envelope.body);
      if (err) p.reject(err);
      else p.resolve(envelope.body);
      return;
    }
    let reply: TOut | undefined;
    try {
      reply = await this.opts.onMessage(envelope.body);
    } catch (e) {
      reply = this.opts.onError?.(e, envelope.body);
    }
    if (reply !== undefined && !this.disposed) {
      this.opts.post({ id: this.nextId++, inReplyTo: envelope.id, body: reply });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.pending.values()) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(new MessengerError('disposed', 'The view was closed.'));
    }
    this.pending.clear();
  }
}
