/**
 * A sync "device" as its own process, for the multi-process and fault tests. Uses the real CLI pieces (home folder,
 * 0600 file vault, settings) and runSyncCli, exactly as `caro-history sync …` does, plus two test-only commands:
 *
 *   sync <args…>                 → runSyncCli
 *   record <prefix> <count>      → records <count> commands "<prefix>-<i>" (no network)
 *   list                         → prints the live history as JSON lines `{id, command, deviceId}`
 *   stream <prefix> <count>      → starts the engine, records <count> commands one by one while syncing, prints
 *                                  "recorded <i>" lines, waits until uploaded, prints "done" (killed mid-way by tests)
 *
 * Run: node --import tsx test/integration/helpers/syncDeviceMain.ts … with CARO_HISTORY_HOME set.
 */
import { hostname } from 'node:os';
import { openHistory, type HistoryService } from '../../../src/core/history/historyService';
import { MemoryLogger } from '../../../src/core/util/logger';
import { createSyncEngine } from '../../../src/core/sync/syncEngine';
import type { CliContext } from '../../../src/cli/cliContext';
import { ensureCliHome, loadCliSettings, loadOrCreateDeviceId, resolveCliHome } from '../../../src/cli/cliHome';
import { FileKeyVault } from '../../../src/cli/fileKeyVault';
import { runSyncCli } from '../../../src/cli/syncCli';

async function main(argv: string[]): Promise<number> {
  const home = resolveCliHome(process.env);
  ensureCliHome(home);
  const vault = new FileKeyVault(home.keyFile);
  const deviceId = loadOrCreateDeviceId(home);
  const { settings } = loadCliSettings(home);
  const logger = new MemoryLogger();
  let history: HistoryService | undefined;
  const ctx: CliContext = {
    home,
    io: { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
    env: process.env,
    vault,
    logger,
    settings,
    deviceId,
    openHistory: async () => {
      history ??= await openHistory({ dbPath: home.dbPath, vault, deviceId, settings: () => settings, logger });
      return history;
    },
  };
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'sync') return await runSyncCli(rest, ctx, { readStdin: () => readStdin() });
    const h = await ctx.openHistory();
    if (cmd === 'record') {
      const [prefix = 'cmd', count = '1'] = rest;
      // Queueing follows the sync identity (the engine turns it on); record with sync configured, no network.
      h.setQueueing((await vault.get('syncIdentity')) !== undefined);
      const t0 = Date.now();
      for (let i = 0; i < Number(count); i++) {
        await h.record({ commandLine: `${prefix}-${i}`, startedAt: t0 + i, endedAt: t0 + i + 1, exitCode: 0 });
      }
      return 0;
    }
    if (cmd === 'list') {
      const lines = (await h.exportAll())
        .filter((e) => e.deletedAt === undefined)
        .map((e) => `${JSON.stringify({ id: e.id, command: e.command, deviceId: e.deviceId })}\n`);
      // A pipe write is asynchronous: wait for it before process.exit, or the tail of the list is lost.
      await new Promise<void>((resolve) => process.stdout.write(lines.join(''), () => resolve()));
      return 0;
    }
    if (cmd === 'stream') {
      const [prefix = 'cmd', count = '100'] = rest;
      const engine = await createSyncEngine({
        history: h,
        db: h.db,
        vault,
        settings: () => ({ ...settings, syncEnabled: true, syncServerUrl: process.env.CARO_SYNC_SERVER ?? settings.syncServerUrl }),
        logger,
        deviceName: hostname(),
        platform: 'linux',
        deviceId,
      });
      const t0 = Date.now();
      for (let i = 0; i < Number(count); i++) {
        await h.record({ commandLine: `${prefix}-${i}`, startedAt: t0 + i, endedAt: t0 + i + 1, exitCode: 0 });
        process.stdout.write(`recorded ${i}\n`);
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
      }
      for (let i = 0; i < 600 && (await h.pendingCount()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      process.stdout.write(`done pending=${await h.pendingCount()}\n`);
      await engine.dispose();
      return 0;
    }
    process.stderr.write(`unknown test device command ${cmd ?? ''}\n`);
    return 2;
  } finally {
    history?.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
