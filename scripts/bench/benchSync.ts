/**
 * `npm run bench:sync -- --json [--records 10000|100000] [--incremental 50]`
 *
 * Real relay on loopback (in this process), real on-disk stores, real crypto. Prints JSON with:
 *   records, argon2_ms (one phrase → keys derivation), upload_ms (queued records → acknowledged by the relay),
 *   join_ms (phrase entered → full history decrypted in the new device's store; includes Argon2id),
 *   join_excl_argon2_ms, incremental_p50_ms / incremental_p95_ms (record on A → visible in B's store),
 *   relay_bytes (relay SQLite + WAL), and each target with ratio = measured / target (≤ 1 meets it).
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { deriveSyncKeys } from '../../src/core/crypto/keys';
import { generatePhrase } from '../../src/core/crypto/phrase';
import { openHistory, type HistoryService } from '../../src/core/history/historyService';
import type { CapturedCommand } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings/settings';
import { createSyncEngine, type SyncEngine } from '../../src/core/sync/syncEngine';
import { silentLogger } from '../../src/core/util/logger';
import { startRelay } from '../../src/relay/relayServer';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive whole number`);
  return v;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 10) / 10;

async function device(root: string, name: string, relayUrl: string): Promise<{ history: HistoryService; engine: SyncEngine }> {
  const settings: Settings = { ...DEFAULT_SETTINGS, excludePatterns: [], syncEnabled: true, syncServerUrl: relayUrl, maxCommands: 1_000_000, retentionDays: 365 };
  const vault = new MemoryKeyVault();
  const history = await openHistory({ dbPath: join(root, `${name}.db`), vault, deviceId: `bench-${name}`, settings: () => settings, logger: silentLogger });
  const engine = await createSyncEngine({
    history,
    db: history.db,
    vault,
    settings: () => settings,
    logger: silentLogger,
    deviceName: name,
    platform: 'linux',
    deviceId: `bench-${name}`,
  });
  return { history, engine };
}

async function main(): Promise<void> {
  const records = arg('records', 10_000);
  const incrementalCount = arg('incremental', 50);
  const json = process.argv.includes('--json');
  const root = mkdtempSync(join(tmpdir(), 'caro-bench-sync-'));
  const relay = await startRelay({ port: 0, dataDir: join(root, 'relay') });
  try {
    let t = performance.now();
    await deriveSyncKeys(generatePhrase());
    const argon2Ms = performance.now() - t;

    const a = await device(root, 'a', relay.url);
    const { phrase } = await a.engine.init();
    await a.engine.pause();
    const now = Date.now();
    const cmds: CapturedCommand[] = [];
    for (let i = 0; i < records; i++) {
      cmds.push({
        commandLine: `git commit -m "bench change ${i}" && npm run build -- --filter pkg-${i % 97}`,
        cwd: `/home/dev/projects/app-${i % 13}`,
        startedAt: now - (records - i) * 60_000,
        endedAt: now - (records - i) * 60_000 + 1200,
        exitCode: i % 17 === 0 ? 1 : 0,
        shell: 'zsh',
      });
    }
    const progress = (m: string) => {
      if (process.argv.includes('--progress')) process.stderr.write(`${new Date().toISOString()} ${m}\n`);
    };
    for (let i = 0; i < cmds.length; i += 5000) {
      await a.history.importCaptured(cmds.slice(i, i + 5000));
      progress(`imported ${i + 5000}`);
    }
    const queued = await a.history.pendingCount();

    t = performance.now();
    await a.engine.resume();
    while ((await a.history.pendingCount()) > 0) await sleep(5);
    const uploadMs = performance.now() - t;
    progress(`uploaded in ${Math.round(uploadMs)} ms`);

    const b = await device(root, 'b', relay.url);
    t = performance.now();
    const joined = await b.engine.join(phrase);
    const joinMs = performance.now() - t;
    const onB = (await b.history.search({}, 0, 0)).total;
    progress(`joined in ${Math.round(joinMs)} ms`);

    const latencies: number[] = [];
    for (let i = 0; i < incrementalCount; i++) {
      const start = performance.now();
      const out = await a.history.record({ commandLine: `echo incremental ${i}`, startedAt: Date.now(), exitCode: 0 });
      if (!out.stored) throw new Error('record failed');
      while (!(await b.history.get(out.entry.id))) await sleep(1);
      latencies.push(performance.now() - start);
      await sleep(20);
    }

    await a.engine.dispose();
    await b.engine.dispose();
    a.history.close();
    b.history.close();
    await relay.stop();
    const relayBytes = [relay.dbPath, `${relay.dbPath}-wal`].filter(existsSync).reduce((s, f) => s + statSync(f).size, 0);

    const targets: { join_ms: number; upload_ms?: number } = records >= 100_000 ? { join_ms: 20_000 } : { join_ms: 3000, upload_ms: 2000 };
    const result = {
      records,
      queued,
      downloaded: joined.downloaded,
      on_new_device: onB,
      argon2_ms: round(argon2Ms),
      upload_ms: round(uploadMs),
      join_ms: round(joinMs),
      join_excl_argon2_ms: round(joinMs - argon2Ms),
      incremental_samples: latencies.length,
      incremental_p50_ms: round(percentile(latencies, 50)),
      incremental_p95_ms: round(percentile(latencies, 95)),
      relay_bytes: relayBytes,
      targets: { ...targets, incremental_p95_ms: 300 },
      ratio: {
        join_ms: round(joinMs / targets.join_ms),
        ...(targets.upload_ms ? { upload_ms: round(uploadMs / targets.upload_ms) } : {}),
        incremental_p95_ms: round(percentile(latencies, 95) / 300),
      },
      note: 'relay runs in the same process on loopback; machine load affects all numbers',
    };
    if (onB !== records) throw new Error(`new device has ${onB} of ${records} records`);
    console.log(json ? JSON.stringify(result, null, 2) : result);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
