import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import type { HistoryChange } from '../../src/core/history/historyApi';
import { STORE_WATCH_INTERVAL_MS, type WatcherTimers } from '../../src/core/history/storeChangeWatcher';
import { MemoryLogger } from '../../src/core/util/logger';
import { ConfigService } from '../../src/extension/config';
import { Services } from '../../src/extension/services';
import { MemoryMemento, shim } from './vscodeShim/vscode';

/** Timers run by hand: the test decides when a tick happens, so nothing depends on machine speed. */
class ManualTimers implements WatcherTimers {
  private readonly queue = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.queue.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number);
  }
  get pending(): number {
    return this.queue.size;
  }
  /** Runs the timers due now (one tick of the watcher); returns their delays. */
  tick(): number[] {
    const due = [...this.queue.entries()];
    this.queue.clear();
    for (const [, t] of due) t.fn();
    return due.map(([, t]) => t.ms);
  }
}

/**
 * Two VS Code windows of one device = two extension hosts on one store file. A write in one window reaches the other
 * window's views on the watcher's next tick (every STORE_WATCH_INTERVAL_MS), without Refresh.
 */
describe('two windows of one device share one store and see each other\'s writes', function () {
  this.timeout(30_000);
  let dir = '';
  const open: Services[] = [];

  function window(vault: MemoryKeyVault, globalState: MemoryMemento, timers: ManualTimers): Services {
    const logger = new MemoryLogger();
    const services = new Services({
      globalState: globalState as never,
      config: new ConfigService(logger, () => {}),
      logger,
      vault,
      storageDir: join(dir, 'store'),
      watchTimers: timers,
    });
    open.push(services);
    return services;
  }

  beforeEach(() => {
    shim.reset();
    dir = mkdtempSync(join(tmpdir(), 'caro-two-windows-'));
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command recorded, deleted or cleared in window A shows in window B on B\'s next watcher tick', async () => {
    const vault = new MemoryKeyVault();
    const globalState = new MemoryMemento();
    const timersA = new ManualTimers();
    const timersB = new ManualTimers();
    const a = window(vault, globalState, timersA);
    const b = window(vault, globalState, timersB);
    const historyA = await a.history();
    const historyB = await b.history();
    assert.ok(STORE_WATCH_INTERVAL_MS <= 1000, 'a tick is at most a second apart');
    const seenByB: HistoryChange[] = [];
    b.onDidChangeHistory((c) => seenByB.push(c));

    assert.deepEqual(timersB.tick(), [STORE_WATCH_INTERVAL_MS], 'B polls on its interval');
    assert.equal(seenByB.length, 0, 'nothing changed, nothing announced');

    await a.record({ commandLine: 'echo from-window-a', startedAt: Date.now(), exitCode: 0 });
    assert.equal(seenByB.length, 0, 'B hears of it from the watcher, not by chance');
    timersB.tick();
    assert.equal(seenByB.length, 1, 'B announces the other window\'s write once');
    assert.deepEqual((await historyB.search({}, 0, 10)).items.map((e) => e.command), ['echo from-window-a']);
    timersB.tick();
    assert.equal(seenByB.length, 1, 'the same write is not announced twice');

    // B's own write is announced by B itself ('added'), never again as another window's write.
    await b.record({ commandLine: 'echo from-window-b', startedAt: Date.now(), exitCode: 0 });
    const own = seenByB.length;
    timersB.tick();
    assert.equal(seenByB.length, own, 'own writes are not external');
    const seenByA: HistoryChange[] = [];
    a.onDidChangeHistory((c) => seenByA.push(c));
    timersA.tick();
    assert.equal(seenByA.length, 1, 'A sees B\'s write too');
    assert.deepEqual((await historyA.latest(10)).map((e) => e.command).sort(), ['echo from-window-a', 'echo from-window-b']);

    const [first] = await historyA.latest(10);
    await historyA.delete([first!.id]);
    timersB.tick();
    assert.equal((await historyB.search({}, 0, 10)).items.some((e) => e.id === first!.id), false, 'a delete in A leaves B');
    await historyA.clear();
    timersB.tick();
    assert.equal((await historyB.search({}, 0, 10)).total, 0, 'Clear History in A empties B');
  });

  it('stops watching when the window closes', async () => {
    const timers = new ManualTimers();
    const a = window(new MemoryKeyVault(), new MemoryMemento(), timers);
    await a.history();
    assert.equal(timers.pending, 1);
    await a.shutdown();
    assert.equal(timers.pending, 0);
  });
});
