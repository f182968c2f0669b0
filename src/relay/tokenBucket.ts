/** A token bucket on an injectable clock: `rate` tokens per second, holding at most `burst`. */
import type { Clock } from '../core/util/clock';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /**
   * Takes `n` tokens (the bucket may go into debt: a frame already read cannot be refused). Returns how many ms to wait
   * until the debt is paid back, 0 if there is none.
   */
  take(n: number): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }
}
