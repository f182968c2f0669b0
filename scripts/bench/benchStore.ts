/**
 * Store benchmark: `npm run bench:store -- --json [--rows 10000|100000] [--inserts 300]`.
 * Prints ONE JSON object (with --json) with insert/read/search latencies, field crypto cost, cold open, file size and
 * memory, plus better-sqlite3 on a copy of the same file (same schema, DELETE journal, synchronous=FULL), measured
 * interleaved in the same run so both see the same disk and CPU load. Not a test: nothing here asserts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { FieldCipher } from '../../src/core/crypto/fieldCipher';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { type HistoryService, openHistory } from '../../src/core/history/historyService';
import { INSERT_SQL, encodeEntry } from '../../src/core/history/historyRecordCodec';
import type { CapturedCommand, HistoryEntry } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings/settings';
import { silentLogger } from '../../src/core/util/logger';
import { seededRandom } from '../../test/fixtures/seededRandom';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : def;
};
const SETTINGS: Settings = { ...DEFAULT_SETTINGS, maxCommands: 1_000_000, retentionDays: 365 };

// ---------------------------------------------------------------------------------------------- corpus


const WORDS = ['app', 'api', 'web', 'core', 'auth', 'billing', 'search', 'infra', 'docs', 'cli', 'worker', 'db', 'cache'];
const TEMPLATES: ((r: () => number, w: () => string, n: () => number) => string)[] = [
  () => 'git status',
  (_r, w) => `git checkout -b feature/${w()}-${w()}`,
  (_r, w) => `git commit -m "fix ${w()} ${w()} handling"`,
  (_r, w) => `git push origin feature/${w()}`,
  () => 'git pull --rebase',
  (_r, w) => `npm run ${w()}`,
  () => 'npm test',
  (_r, w) => `npm install --save-dev @types/${w()}`,
  (_r, w, n) => `docker run --rm -p ${8000 + n()}:80 ${w()}:latest`,
  (_r, w) => `docker compose up -d ${w()}`,
  (_r, w) => `kubectl get pods -n ${w()}`,
  (_r, w) => `kubectl logs -f deploy/${w()} -n prod --tail=200`,
  (_r, w) => `kubectl rollout restart deployment/${w()}`,
  (_r, w) => `cd ~/src/${w()}/${w()}`,
  (_r, w) => `ls -la src/${w()}`,
  (_r, w) => `grep -rn "${w()}" src/ --include=*.ts`,
  (_r, w) => `rg -i ${w()}Service`,
  (_r, w) => `vim src/${w()}/${w()}.ts`,
  (_r, w) => `code src/${w()}`,
  (_r, w) => `curl -s https://api.example.com/v1/${w()} | jq .`,
  (_r, w, n) => `ssh deploy@${w()}-${n()}.internal`,
  (_r, w) => `terraform plan -var-file=${w()}.tfvars`,
  (_r, w) => `python -m pytest tests/test_${w()}.py -k ${w()}`,
  () => 'sudo systemctl restart nginx',
  (_r, w) => `tail -f /var/log/${w()}.log`,
  (_r, w) => `find . -name "*.${w()}" -mtime -1`,
  (_r, w) => `make ${w()}`,
  (_r, w) => `cargo build --release -p ${w()}`,
  (_r, w) => `go test ./${w()}/...`,
  (_r, w) => `export ${w().toUpperCase()}_URL=https://${w()}.example.com`,
];

function makeCorpus(count: number, seed: number, now: number): CapturedCommand[] {
  const r = seededRandom(seed);
  const w = (): string => WORDS[Math.floor(r() * WORDS.length)] as string;
  const n = (): number => Math.floor(r() * 100);
  const span = 300 * 86_400_000;
  const start = now - span;
  const out: CapturedCommand[] = [];
  for (let i = 0; i < count; i++) {
    const t = TEMPLATES[Math.floor(r() * TEMPLATES.length)] as (typeof TEMPLATES)[number];
    const startedAt = Math.floor(start + (span * i) / count);
    const project = w();
    out.push({
      commandLine: t(r, w, n),
      startedAt,
      endedAt: startedAt + Math.floor(r() * 5000),
      exitCode: r() < 0.08 ? 1 : 0,
      cwd: `/home/dev/src/${project}`,
      workspace: project,
      shell: 'bash',
      platform: 'linux',
      sessionId: `term-${Math.floor(i / 50)}`,
      ...(r() < 0.05 ? { prompt: `how do I ${w()} the ${w()} service`, explanation: `Runs the ${w()} task for ${w()}.` } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- helpers

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const mb = (b: number): number => Math.round((b / 1048576) * 10) / 10;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// ---------------------------------------------------------------------------------------------- cold open child

async function coldOpenChild(dbPath: string): Promise<void> {
  const t0 = performance.now();
  const vault = new MemoryKeyVault();
  await vault.set('localDataKey', process.env.CARO_BENCH_KEY ?? '');
  const h = await openHistory({ dbPath, vault, deviceId: 'bench', settings: () => SETTINGS, logger: silentLogger });
  const t1 = performance.now();
  const latest = await h.latest(100);
  const t2 = performance.now();
  h.close();
  process.stdout.write(JSON.stringify({ open: t1 - t0, query: t2 - t1, total: t2 - t0, rows: latest.length }));
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  if (args[0] === '--cold-open-child') return coldOpenChild(args[1] ?? '');
  const rows = Number(arg('--rows', '10000'));
  const inserts = Number(arg('--inserts', '300'));
  const json = args.includes('--json');
  const log = (m: string): void => {
    if (!json) console.error(m);
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-bench-store-'));
  const dbPath = path.join(dir, 'history.db');
  const key = SecretKey.random();
  const vault = new MemoryKeyVault();
  await vault.set('localDataKey', key.toVaultString());
  const now = Date.now();
  try {
    gc();
    const base = process.memoryUsage();
    let h: HistoryService = await openHistory({ dbPath, vault, deviceId: 'bench-device', settings: () => SETTINGS, logger: silentLogger });

    // Seed in bulk transactions through the import path (capture rules, redaction, risk, encryption).
    const seedStart = performance.now();
    let corpus: CapturedCommand[] | undefined = makeCorpus(rows, 42, now);
    for (let i = 0; i < corpus.length; i += 5000) {
      await h.importCaptured(corpus.slice(i, i + 5000));
    }
    corpus = undefined;
    const seedMs = performance.now() - seedStart;
    log(`seeded ${rows} rows in ${Math.round(seedMs)} ms`);
    h.close();

    // Native copy: same file, same schema, same durability.
    const nativePath = path.join(dir, 'native.db');
    fs.copyFileSync(dbPath, nativePath);
    const native = new Database(nativePath);
    native.pragma('busy_timeout = 5000');
    native.pragma('journal_mode = DELETE');
    native.pragma('synchronous = FULL');
    const nativeInsert = native.prepare(INSERT_SQL);
    const nativeLatest = native.prepare('SELECT * FROM command_history WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 100');
    const cipher = new FieldCipher(key);

    h = await openHistory({ dbPath, vault, deviceId: 'bench-device', settings: () => SETTINGS, logger: silentLogger });
    const fresh = makeCorpus(inserts, 7, now + 1000).map((c, i) => ({ ...c, startedAt: now + i, sessionId: `bench-${i}` }));
    const oursMs: number[] = [];
    const nativeMs: number[] = [];
    for (let i = 0; i < fresh.length; i++) {
      const c = fresh[i] as CapturedCommand;
      oursMs.push(await timeAsync(() => h.record(c)));
      // Native: the same row already prepared (SQL insert + durable commit only).
      const entry: HistoryEntry = {
        id: globalThis.crypto.randomUUID(), command: c.commandLine, prompt: '', tags: [], executed: true,
        riskLevel: 'safe', warnings: [], deviceId: 'bench-device', createdAt: c.startedAt, updatedAt: now,
        schemaVersion: 1,
      };
      const params = encodeEntry(cipher, entry);
      const t = performance.now();
      nativeInsert.run(params);
      nativeMs.push(performance.now() - t);
    }
    log(`inserts done`);

    const latestMs: number[] = [];
    const nativeLatestMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      latestMs.push(await timeAsync(() => h.latest(100)));
      const t = performance.now();
      nativeLatest.all();
      nativeLatestMs.push(performance.now() - t);
    }
    // Cold variant: the decoded-entry cache emptied before every call, so all 100 rows are decrypted each time.
    const latestColdMs: number[] = [];
    const decodedCache = (h as unknown as { decoded: Map<string, unknown> }).decoded;
    for (let i = 0; i < 200; i++) {
      decodedCache.clear();
      latestColdMs.push(await timeAsync(() => h.latest(100)));
    }
    native.close();

    const buildStart = performance.now();
    await h.search({ text: 'warm-up' }, 0, 1);
    const indexBuildMs = performance.now() - buildStart;
    const queries: Parameters<HistoryService['search']>[0][] = [
      { text: 'kubectl' }, { text: 'git push' }, { text: 'restart' }, { text: 'billing' }, { text: 'docker run' },
      { text: 'nothing-matches-this' }, { text: 'src/auth' }, { text: 'npm' },
      { text: 'kgp', mode: 'fuzzy' }, { text: 'gco', mode: 'fuzzy' }, { text: 'dcup', mode: 'fuzzy' }, { text: 'tfplan', mode: 'fuzzy' },
      { text: 'git', workspace: 'api' }, { text: 'test', status: 'failed' }, { minRisk: 'moderate' },
      { directory: '/home/dev/src/web', since: now - 30 * 86_400_000 },
    ];
    const searchMs: number[] = [];
    const perQuery = new Map<string, number[]>();
    for (let rep = 0; rep < 8; rep++) {
      for (const q of queries) {
        const ms = await timeAsync(() => h.search(q, 0, 50));
        searchMs.push(ms);
        const label = JSON.stringify(q).replace(/"/g, '');
        perQuery.set(label, [...(perQuery.get(label) ?? []), ms]);
      }
    }
    const searchByQuery = Object.fromEntries([...perQuery].map(([k, v]) => [k, r3(pct(v, 50))]));
    const statsMs = await timeAsync(() => h.stats());
    const facetsMs = await timeAsync(() => h.facets());
    gc();
    const mem = process.memoryUsage();

    // Field crypto on a typical command.
    const sample = 'kubectl logs -f deploy/billing -n prod --tail=200';
    const ops = 20_000;
    const blobs: string[] = new Array(ops);
    let t = performance.now();
    for (let i = 0; i < ops; i++) blobs[i] = cipher.encrypt('command', `id-${i}`, 'command', sample);
    const encUs = ((performance.now() - t) * 1000) / ops;
    t = performance.now();
    for (let i = 0; i < ops; i++) cipher.decrypt('command', `id-${i}`, 'command', blobs[i] as string);
    const decUs = ((performance.now() - t) * 1000) / ops;

    const dbBytes = fs.statSync(dbPath).size;
    h.close();

    // Cold open: fresh processes (init wasm + open + migrations check + key check + retention + latest 100), median of 3.
    const coldOpen = (): number => {
      const res = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--cold-open-child', dbPath], {
        env: { ...process.env, CARO_BENCH_KEY: key.toVaultString() },
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(`cold open child failed: ${res.stderr}`);
      return (JSON.parse(res.stdout) as { total: number }).total;
    };
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) cold.push(coldOpen());
    // The daily integrity check (or after a crash): drop the marker so the next open runs PRAGMA quick_check.
    fs.rmSync(`${dbPath}.checked`, { force: true });
    const coldChecked = coldOpen();

    const insertP95 = pct(oursMs, 95);
    const nativeP95 = pct(nativeMs, 95);
    const result = {
      rows,
      inserts,
      seed_ms: Math.round(seedMs),
      insert_p50_ms: r3(pct(oursMs, 50)),
      insert_p95_ms: r3(insertP95),
      insert_native_p50_ms: r3(pct(nativeMs, 50)),
      insert_native_p95_ms: r3(nativeP95),
      insert_ratio_p95: r3(insertP95 / nativeP95),
      latest100_p50_ms: r3(pct(latestMs, 50)),
      latest100_p95_ms: r3(pct(latestMs, 95)),
      latest100_uncached_p50_ms: r3(pct(latestColdMs, 50)),
      latest100_uncached_p95_ms: r3(pct(latestColdMs, 95)),
      latest100_native_p95_ms: r3(pct(nativeLatestMs, 95)),
      index_build_ms: Math.round(indexBuildMs),
      search_p50_ms: r3(pct(searchMs, 50)),
      search_p95_ms: r3(pct(searchMs, 95)),
      search_p50_by_query_ms: searchByQuery,
      stats_ms: Math.round(statsMs),
      facets_ms: Math.round(facetsMs),
      encrypt_field_us: r3(encUs),
      decrypt_field_us: r3(decUs),
      cold_open_ms: r3(pct(cold, 50)),
      cold_open_with_integrity_check_ms: r3(coldChecked),
      db_bytes: dbBytes,
      db_mb: mb(dbBytes),
      history_service_heap_mb: mb(mem.heapUsed + mem.external - base.heapUsed - base.external),
      heap_used_mb: mb(mem.heapUsed),
      rss_mb: mb(mem.rss),
      node: process.version,
      cpus: os.cpus().length,
      loadavg_1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    };
    const targets = {
      insert_p95_le_3ms: result.insert_p95_ms <= 3,
      insert_ratio_le_2_5: result.insert_ratio_p95 <= 2.5,
      latest100_p95_le_5ms: result.latest100_p95_ms <= 5,
      search_p95_le_30ms: result.search_p95_ms <= 30,
      field_crypto_le_20us: result.encrypt_field_us <= 20 && result.decrypt_field_us <= 20,
      db_le_60mb: result.db_mb <= 60,
      memory_le_100mb: result.rss_mb <= 100 || result.history_service_heap_mb <= 100,
    };
    if (json) process.stdout.write(`${JSON.stringify({ ...result, targets })}\n`);
    else console.log({ ...result, targets });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
