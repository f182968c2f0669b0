/**
 * Checks one incoming Jazz sync frame (cojson-transport-ws framing: a text frame holding one JSON value per line)
 * before cojson sees it. Both sides use it: the relay for frames from clients, the engine for frames from the relay.
 * A frame passes only if every line is a JSON object of a known shape (ping or a sync message with a known action and
 * well-typed fields); cojson then parses the same text. Anything else is dropped whole and named by a fixed problem
 * code, so callers can count it without ever echoing attacker text.
 */

/** Why a frame was dropped. Fixed words only: callers log these, never the frame. */
export type FrameProblem =
  | 'notText'
  | 'tooLarge'
  | 'tooManyMessages'
  | 'notJson'
  | 'notObject'
  | 'unknownAction'
  | 'badField';

/** One parsed sync message (ping frames are checked but not returned). */
export interface WireMessage {
  readonly action: SyncAction;
  readonly id: string;
  /** Session id -> transactions' JSON size, for `content` messages (quota accounting). */
  readonly sessionBytes?: ReadonlyMap<string, number>;
}

export type SyncAction = 'load' | 'known' | 'content' | 'done' | 'reconcile' | 'reconcile-ack';

export type FrameVerdict =
  | { readonly ok: true; readonly messages: readonly WireMessage[] }
  | { readonly ok: false; readonly problem: FrameProblem };

export interface FrameLimits {
  /** UTF-16 length of the frame text. */
  readonly maxFrameChars: number;
  /** JSON values per frame (batched frames hold several). */
  readonly maxMessagesPerFrame: number;
}

/** Generous next to real traffic: cojson splits content near 100 KB and batches outgoing frames near 25 KB. */
export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxFrameChars: 1024 * 1024, maxMessagesPerFrame: 1000 };

class BadField extends Error {}

const ACTIONS: ReadonlySet<string> = new Set<SyncAction>(['load', 'known', 'content', 'done', 'reconcile', 'reconcile-ack']);
const B58 = '[1-9A-HJ-NP-Za-km-z]';
const CO_ID = new RegExp(`^co_z${B58}{1,64}$`);
const AGENT = `sealer_z${B58}{1,64}/signer_z${B58}{1,64}`;
const SESSION_ID = new RegExp(`^(?:co_z${B58}{1,64}|${AGENT})_session_(?:z${B58}{1,64}|d${B58}{1,64}\\$)$`);
const MAX_SHORT = 256;
const MAX_ENTRIES = 10_000;

/** The account (or agent) a session id belongs to: everything before `_session_`. */
export function sessionOwner(sessionId: string): string {
  const i = sessionId.indexOf('_session_');
  return i < 0 ? sessionId : sessionId.slice(0, i);
}

export function checkFrame(data: unknown, limits: FrameLimits = DEFAULT_FRAME_LIMITS): FrameVerdict {
  if (typeof data !== 'string') return { ok: false, problem: 'notText' };
  if (data.length > limits.maxFrameChars) return { ok: false, problem: 'tooLarge' };
  // cojson ignores the empty frame.
  if (data === '') return { ok: true, messages: [] };
  const lines = data.split('\n');
  if (lines.length > limits.maxMessagesPerFrame) return { ok: false, problem: 'tooManyMessages' };
  const messages: WireMessage[] = [];
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, problem: 'notJson' };
    }
    if (!isPlainObject(value)) return { ok: false, problem: 'notObject' };
    if ('action' in value) {
      if (typeof value.action !== 'string' || !ACTIONS.has(value.action)) return { ok: false, problem: 'unknownAction' };
      try {
        messages.push(checkMessage(value, value.action as SyncAction));
      } catch (e) {
        if (e instanceof BadField) return { ok: false, problem: 'badField' };
        throw e;
      }
    } else if (!isPing(value)) {
      return { ok: false, problem: 'unknownAction' };
    }
  }
  return { ok: true, messages };
}

function isPing(v: Record<string, unknown>): boolean {
  return (
    v.type === 'ping' &&
    typeof v.time === 'number' &&
    Number.isFinite(v.time) &&
    (v.dc === undefined || (typeof v.dc === 'string' && v.dc.length <= MAX_SHORT))
  );
}

function checkMessage(v: Record<string, unknown>, action: SyncAction): WireMessage {
  switch (action) {
    case 'load':
    case 'known':
      need(CO_ID.test(str(v.id)));
      need(typeof v.header === 'boolean');
      checkSessions(v.sessions);
      need(v.isCorrection === undefined || typeof v.isCorrection === 'boolean');
      need(v.asDependencyOf === undefined || CO_ID.test(str(v.asDependencyOf)));
      return { action, id: v.id as string };
    case 'done':
      need(CO_ID.test(str(v.id)));
      return { action, id: v.id as string };
    case 'reconcile':
      need(typeof v.id === 'string' && v.id.length <= MAX_SHORT);
      need(Array.isArray(v.values) && v.values.length <= MAX_ENTRIES);
      for (const pair of v.values as unknown[]) {
        need(Array.isArray(pair) && pair.length === 2 && CO_ID.test(str(pair[0])) && typeof pair[1] === 'string');
        need((pair as string[])[1]!.length <= MAX_SHORT);
      }
      return { action, id: v.id as string };
    case 'reconcile-ack':
      need(typeof v.id === 'string' && v.id.length <= MAX_SHORT);
      return { action, id: v.id as string };
    case 'content':
      return checkContent(v);
  }
}

function checkContent(v: Record<string, unknown>): WireMessage {
  need(CO_ID.test(str(v.id)));
  need(v.priority === undefined || v.priority === 0 || v.priority === 3 || v.priority === 6);
  if (v.header !== undefined) checkHeader(v.header);
  if (v.expectContentUntil !== undefined) checkSessions(v.expectContentUntil);
  need(isPlainObject(v.new));
  const entries = Object.entries(v.new as Record<string, unknown>);
  need(entries.length <= MAX_ENTRIES);
  const sessionBytes = new Map<string, number>();
  for (const [sessionId, session] of entries) {
    need(SESSION_ID.test(sessionId) && isPlainObject(session));
    const s = session as Record<string, unknown>;
    need(isCount(s.after) && typeof s.lastSignature === 'string' && s.lastSignature.length <= MAX_SHORT);
    need(Array.isArray(s.newTransactions));
    let bytes = 0;
    for (const tx of s.newTransactions as unknown[]) bytes += checkTransaction(tx);
    sessionBytes.set(sessionId, bytes);
  }
  return { action: 'content', id: v.id as string, sessionBytes };
}

function checkHeader(h: unknown): void {
  need(isPlainObject(h));
  const header = h as Record<string, unknown>;
  need(typeof header.type === 'string' && header.type.length <= MAX_SHORT);
  need(isPlainObject(header.ruleset) && typeof (header.ruleset as Record<string, unknown>).type === 'string');
  // cojson loads these ids from storage as dependencies: a non-string one crashed the relay (SQLite bind error).
  const ruleset = header.ruleset as Record<string, unknown>;
  if (ruleset.type === 'ownedByGroup') need(CO_ID.test(str(ruleset.group)));
  if (ruleset.type === 'group') need(typeof ruleset.initialAdmin === 'string' && ruleset.initialAdmin.length <= MAX_SHORT);
  need(header.meta === null || header.meta === undefined || isPlainObject(header.meta));
  const source = (header.meta as Record<string, unknown> | null | undefined)?.source;
  need(source === undefined || CO_ID.test(str(source)));
  const u = header.uniqueness;
  need(
    u === undefined ||
      u === null ||
      typeof u === 'string' ||
      typeof u === 'boolean' ||
      (isPlainObject(u) && Object.values(u).every((x) => typeof x === 'string')),
  );
  need(header.createdAt === undefined || header.createdAt === null || typeof header.createdAt === 'string');
}

/** Returns the transaction's approximate stored size (its string fields). */
function checkTransaction(t: unknown): number {
  need(isPlainObject(t));
  const tx = t as Record<string, unknown>;
  need(typeof tx.madeAt === 'number' && Number.isFinite(tx.madeAt));
  need(tx.meta === undefined || typeof tx.meta === 'string');
  const metaBytes = typeof tx.meta === 'string' ? tx.meta.length : 0;
  if (tx.privacy === 'private') {
    need(typeof tx.keyUsed === 'string' && tx.keyUsed.length <= MAX_SHORT && typeof tx.encryptedChanges === 'string');
    return 64 + (tx.encryptedChanges as string).length + metaBytes;
  }
  need(tx.privacy === 'trusting' && typeof tx.changes === 'string');
  return 64 + (tx.changes as string).length + metaBytes;
}

function checkSessions(s: unknown): void {
  need(isPlainObject(s));
  const entries = Object.entries(s as Record<string, unknown>);
  need(entries.length <= MAX_ENTRIES);
  for (const [sessionId, count] of entries) need(SESSION_ID.test(sessionId) && isCount(count));
}

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function need(condition: boolean): void {
  if (!condition) throw new BadField();
}
