import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { openHistory, type HistoryService } from '../../src/core/history/historyService';
import type { CapturedCommand } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { parseExport } from '../../src/core/transfer/exportFormat';
import { MemoryLogger } from '../../src/core/util/logger';

/** Long imports report progress as they go and can be cancelled; what was imported stays, re-importing adds the rest. */
describe('history: import progress and cancel', function () {
  this.timeout(60_000);
  let dir: string;
  let history: HistoryService;
  const now = Date.now();
  const captured: CapturedCommand[] = Array.from({ length: 2600 }, (_, i) => ({ commandLine: `echo step-${i}`, startedAt: now - 10_000 + i, shell: 'bash' }));
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-progress-'));
    history = await openHistory({
      dbPath: path.join(dir, 'history.db'),
      vault: new MemoryKeyVault(),
      deviceId: 'dev-1',
      settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [] }),
      logger: new MemoryLogger(),
    });
  });
  afterEach(() => {
    history.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports progress in order up to the total, for shell history and for Caro exports', async () => {
    const seen: [number, number][] = [];
    const r = await history.importCaptured(captured, { onProgress: (d, t) => seen.push([d, t]) });
    assert.equal(r.imported, 2600);
    assert.ok(seen.length >= 5, `several updates, got ${seen.length}`);
    assert.deepEqual(seen[seen.length - 1], [2600, 2600]);
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.[0] ?? 0) > (seen[i - 1]?.[0] ?? 0));

    const doc = { exportVersion: '1.0', commands: Array.from({ length: 1200 }, (_, i) => ({ id: `e-${i}`, command: `ls ${i}`, createdAt: new Date(now - i).toISOString() })) };
    const json: number[] = [];
    const r2 = await history.importEntries(parseExport(JSON.stringify(doc)), { onProgress: (d) => json.push(d) });
    assert.equal(r2.imported, 1200);
    assert.equal(json[json.length - 1], 1200);
  });

  it('cancel stops between chunks: what was imported stays, and importing again adds only the rest', async () => {
    const abort = new AbortController();
    const r = await history.importCaptured(captured, { signal: abort.signal, onProgress: () => abort.abort() });
    assert.equal(r.cancelled, true);
    assert.ok(r.imported > 0 && r.imported < 2600, `imported ${r.imported}`);
    const again = await history.importCaptured(captured);
    assert.equal(again.imported, 2600 - r.imported);
    assert.equal(again.skippedDuplicates, r.imported);
    assert.equal((await history.stats()).total, 2600);
  });
});
