import { strict as assert } from 'node:assert';

/** Polls until `check` holds (UI updates are asynchronous); fails with `what` and the last value seen. */
export async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > end) assert.fail(`${what}: last value ${JSON.stringify(last)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}
