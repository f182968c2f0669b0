/** Retry schedule of decision 13: 1, 2, 4, 8 s … capped at 5 minutes, for as long as sync is on. */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 5 * 60 * 1000;

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  if (!Number.isFinite(attempt) || attempt < 0) return baseMs;
  // 2^19 s already exceeds the cap; avoid overflow for huge attempt counts.
  const exp = Math.min(Math.floor(attempt), 30);
  return Math.min(capMs, baseMs * 2 ** exp);
}

/** Each delay is shortened by up to this fraction at random, so devices that lost the same relay do not retry in step. */
export const BACKOFF_JITTER = 0.2;

/** {@link backoffDelay} with jitter: between (1 - BACKOFF_JITTER) and 1 times the delay, never over the cap. */
export function jitteredBackoffDelay(attempt: number, random: () => number = Math.random): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return Math.round(backoffDelay(attempt) * (1 - BACKOFF_JITTER * unit));
}

/** Timer port so tests can drive retries without waiting (with a FakeClock). */
export interface SyncTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: SyncTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
