import { strict as assert } from 'node:assert';
import { BACKOFF_CAP_MS, BACKOFF_JITTER, backoffDelay, jitteredBackoffDelay } from '../../src/core/sync/backoff';
import { seededRandom } from '../fixtures/seededRandom';

describe('sync backoff', () => {
  it('doubles from 1 s up to the 5-minute cap', () => {
    assert.deepEqual([0, 1, 2, 3, 8, 9, 40].map((n) => backoffDelay(n)), [1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
  });

  it('jitter shortens each delay by at most 20 % and never exceeds the cap (seeded)', () => {
    const rnd = seededRandom(42);
    for (let attempt = 0; attempt < 60; attempt++) {
      const base = backoffDelay(attempt);
      const d = jitteredBackoffDelay(attempt, rnd);
      assert.ok(d <= base && d <= BACKOFF_CAP_MS && d >= Math.floor(base * (1 - BACKOFF_JITTER)), `attempt ${attempt}: ${d}`);
    }
    assert.equal(jitteredBackoffDelay(3, () => Number.NaN), 8000, 'a broken random source means no jitter');
  });
});
