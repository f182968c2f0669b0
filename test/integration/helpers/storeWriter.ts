/**
 * Child process for the store's crash and concurrency tests (test/integration/storeDurability.test.ts).
 * Usage: node --import tsx storeWriter.ts <dbPath> <mode> [count] [prefix]
 *   mode 'loop'   : records commands forever, every 7th step imports a batch of 40 entries in one transaction.
 *   mode 'count'  : records exactly <count> commands, then exits.
 *   mode 'hold'   : opens a write transaction and waits (to be killed while holding the lock).
 * The local data key comes from CARO_TEST_KEY. After each commit the committed ids are written to stdout with a
 * synchronous write ("ok <id>" / "batch <n> <id>..."), so the parent knows exactly what was durable before a kill.
 */
import { writeSync } from 'node:fs';
import { MemoryKeyVault } from '../../../src/core/crypto/keyVault';
import { openHistory } from '../../../src/core/history/historyService';
import type { HistoryEntry } from '../../../src/core/model/entry';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/settings';
import { silentLogger } from '../../../src/core/util/logger';

const [dbPath, mode = 'loop', countArg = '0', prefix = 'w'] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: storeWriter.ts <dbPath> <mode> [count] [prefix]');

const out = (line: string): void => {
  writeSync(1, `${line}\n`);
};

async function main(): Promise<void> {
if (!dbPath) return;
const vault = new MemoryKeyVault();
await vault.set('localDataKey', process.env.CARO_TEST_KEY ?? '');
const history = await openHistory({
  dbPath,
  vault,
  deviceId: `device-${prefix}`,
  settings: () => ({ ...DEFAULT_SETTINGS, maxCommands: 1_000_000, retentionDays: 365 }),
  logger: silentLogger,
  busyTimeoutMs: 20_000,
});
history.setQueueing(true);
out('ready');

if (mode === 'hold') {
  history.db.run('BEGIN IMMEDIATE');
  history.db.run("INSERT INTO sync_preferences (key, value, updated_at) VALUES ('held', '1', 1)");
  out('holding');
  setInterval(() => {}, 1000);
} else {
  const total = mode === 'count' ? Number(countArg) : Number.POSITIVE_INFINITY;
  let batch = 0;
  for (let i = 0; i < total; i++) {
    if (mode === 'loop' && i % 7 === 6) {
      const now = Date.now();
      const entries: HistoryEntry[] = Array.from({ length: 40 }, (_, k) => ({
        id: `${prefix}-b${batch}-${k}`,
        command: `git commit -m "batch ${batch} item ${k}" ${'x'.repeat(200)}`,
        prompt: '',
        tags: [],
        executed: true,
        riskLevel: 'safe',
        warnings: [],
        deviceId: `device-${prefix}`,
        createdAt: now + k,
        updatedAt: now,
        schemaVersion: 1,
      }));
      const r = await history.importEntries(entries);
      if (r.imported !== 40) throw new Error(`batch imported ${r.imported}`);
      out(`batch ${batch}`);
      batch++;
      continue;
    }
    const outcome = await history.record({
      commandLine: `echo ${prefix} ${i} && ls -la /tmp/${i}`,
      startedAt: Date.now(),
      exitCode: i % 5 === 0 ? 1 : 0,
      cwd: `/home/user/project-${i % 3}`,
      sessionId: `${prefix}-session`,
    });
    if (!outcome.stored) throw new Error(`not stored: ${outcome.reason}`);
    out(`ok ${outcome.entry.id}`);
  }
  history.close();
  out('done');
}
}

main().catch((e: unknown) => {
  process.stderr.write(`storeWriter failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
});
