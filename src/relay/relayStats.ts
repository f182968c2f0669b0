/**
 * What the relay counts about misbehaving clients. Only these numbers are ever logged: never a frame, an Origin or a
 * token (5 000 bad frames must not grow the log by their size).
 */
import type { FrameProblem } from '../core/sync/wireGuard';

export class RelayStats {
  framesDropped = 0;
  readonly droppedBy: Partial<Record<FrameProblem, number>> = {};
  closedForBadFrames = 0;
  closedForQuota = 0;
  closedTooLarge = 0;
  refusedOrigin = 0;
  refusedToken = 0;
  throttled = 0;

  dropped(problem: FrameProblem): void {
    this.framesDropped += 1;
    this.droppedBy[problem] = (this.droppedBy[problem] ?? 0) + 1;
  }

  /** A fixed-shape line, e.g. for a periodic report; empty when nothing happened. */
  summary(): string {
    const parts: string[] = [];
    if (this.framesDropped > 0) {
      const by = Object.entries(this.droppedBy)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      parts.push(`dropped ${this.framesDropped} bad frames (${by})`);
    }
    if (this.closedForBadFrames > 0) parts.push(`closed ${this.closedForBadFrames} connections for bad frames`);
    if (this.closedTooLarge > 0) parts.push(`closed ${this.closedTooLarge} connections for oversized messages`);
    if (this.closedForQuota > 0) parts.push(`cut off ${this.closedForQuota} connections over the storage quota`);
    if (this.refusedOrigin > 0) parts.push(`refused ${this.refusedOrigin} connections from other origins`);
    if (this.refusedToken > 0) parts.push(`refused ${this.refusedToken} connections without the access token`);
    if (this.throttled > 0) parts.push(`slowed down fast senders ${this.throttled} times`);
    return parts.join('; ');
  }
}
