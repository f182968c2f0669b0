/**
 * The relay's policy for one client connection, applied to every frame before cojson sees it: malformed frames are
 * dropped and counted (the connection is closed after a few), fast senders are slowed down by pausing reads, and
 * content for an account over its storage quota closes the connection.
 */
import type { AnyWebSocket } from '../core/sync/relayConnection';
import type { WebSocket } from 'ws';
import { guardSocket } from '../core/sync/guardedSocket';
import type { FrameVerdict } from '../core/sync/wireGuard';
import type { Clock } from '../core/util/clock';
import type { RelayLimits } from './relayLimits';
import type { RelayStats } from './relayStats';
import type { StorageQuota } from './storageQuota';
import { TokenBucket } from './tokenBucket';

/** WebSocket close code "policy violation". */
export const CLOSE_POLICY = 1008;

export interface ConnectionContext {
  limits: RelayLimits;
  quota: StorageQuota;
  stats: RelayStats;
  clock: Clock;
}

export interface GuardedConnection {
  /** What to hand to cojson-transport-ws. */
  socket: AnyWebSocket;
  /** Clears the resume timer (call on close). */
  dispose(): void;
}

export function guardConnection(ws: WebSocket, ctx: ConnectionContext): GuardedConnection {
  const { limits, quota, stats } = ctx;
  const bytes = new TokenBucket(limits.bytesPerSecond, Math.max(limits.burstBytes, limits.maxPayloadBytes), ctx.clock);
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * 2, ctx.clock);
  let badFrames = 0;
  let closing = false;
  let resumeTimer: NodeJS.Timeout | undefined;

  const close = (reason: string) => {
    closing = true;
    ws.close(CLOSE_POLICY, reason);
  };

  const throttle = (size: number, count: number) => {
    const wait = Math.max(bytes.take(size), messages.take(count));
    if (wait <= 0 || resumeTimer !== undefined) return;
    stats.throttled += 1;
    ws.pause();
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      if (ws.readyState === ws.OPEN) ws.resume();
    }, wait);
  };

  const overQuota = (verdict: FrameVerdict & { ok: true }): boolean => {
    for (const msg of verdict.messages) {
      for (const [sessionId, size] of msg.sessionBytes ?? []) {
        if (size > 0 && quota.wouldExceed(sessionId, size)) return true;
      }
    }
    return false;
  };

  const deliver = (verdict: FrameVerdict, data: unknown): boolean => {
    if (closing) return false;
    const size = typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.byteLength : 0;
    throttle(size, verdict.ok ? Math.max(1, verdict.messages.length) : 1);
    if (!verdict.ok) {
      stats.dropped(verdict.problem);
      badFrames += 1;
      if (badFrames >= limits.maxBadFrames) {
        stats.closedForBadFrames += 1;
        close('too many malformed messages');
      }
      return false;
    }
    if (overQuota(verdict)) {
      stats.closedForQuota += 1;
      close('storage quota exceeded');
      return false;
    }
    return true;
  };

  const socket = guardSocket(ws as unknown as AnyWebSocket, deliver, {
    maxFrameChars: limits.maxPayloadBytes,
    maxMessagesPerFrame: 1000,
  });
  return {
    socket,
    dispose: () => {
      if (resumeTimer !== undefined) clearTimeout(resumeTimer);
      resumeTimer = undefined;
    },
  };
}
