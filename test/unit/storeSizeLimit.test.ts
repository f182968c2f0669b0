import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { MAX_DATABASE_BYTES, openHistory, type HistoryService } from '../../src/core/history/historyService';
import type { CapturedCommand } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { MemoryLogger } from '../../src/core/util/logger';
import { seededRandom } from '../fixtures/seededRandom';

/** The spec's limit on the local database (100 MB; a small limit here): oldest commands leave first, and it is said. */
describe('store: database size limit', function () {
  this.timeout(120_000);
  const LIMIT = 400 * 1024;
  let dir: string;
  let history: HistoryService;
  let logger: MemoryLogger;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-size-'));
    logger = new MemoryLogger();
    history = await openHistory({
      dbPath: path.join(dir, 'history.db'),
      vault: new MemoryKeyVault(),
      deviceId: 'dev-1',
      settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [], maxCommands: 100_000, retentionDays: 365 }),
      logger,
      maxDatabaseBytes: LIMIT,
    });
  });
  afterEach(() => {
    history.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is the spec’s 100 MB by default', () => {
    assert.equal(MAX_DATABASE_BYTES, 100 * 1024 * 1024);
  });

  it('over the limit, the oldest commands leave until the file is under it; the newest stay; the caller is told', async () => {
    const rnd = seededRandom(99);
    const now = Date.now();
    const word = () => Math.floor(rnd() * 1e9).toString(36);
    const cmds: CapturedCommand[] = Array.from({ length: 900 }, (_, i) => ({
      commandLine: `echo ${String(i).padStart(4, '0')} ${Array.from({ length: 120 }, word).join(' ')}`,
      startedAt: now - 1_000_000 + i * 100,
      shell: 'bash',
    }));
    assert.equal((await history.importCaptured(cmds)).imported, 900);
    const removed = await history.applySizeLimit();
    assert.ok(removed > 0 && removed < 900, `removed ${removed}`);
    assert.equal(history.sizeLimitRemoved, removed);
    assert.ok(fs.statSync(path.join(dir, 'history.db')).size <= LIMIT, 'the file itself is under the limit');
    const left = (await history.exportAll()).map((e) => e.command.slice(5, 9));
    const expected = Array.from({ length: 900 - removed }, (_, i) => String(removed + i).padStart(4, '0'));
    assert.deepEqual(left, expected, 'exactly the oldest ones left, in order');
    assert.ok(logger.lines.some((l) => /reached the .* limit: the oldest \d+ commands were removed/.test(l)));
    const d = await history.doctor();
    assert.equal(d.deleted, 0, 'no dead rows left behind');
  });
});
