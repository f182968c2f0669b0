/**
 * Entry bundled by test/integration/storeBundle.test.ts the way scripts/build.mjs bundles the extension (esbuild, CJS,
 * import.meta.url shim), then run from a folder without node_modules: proves sqlite-wasm + the VFS + crypto work from
 * the bundle, with sqlite3.wasm found next to it.
 */
import { MemoryKeyVault } from '../../../src/core/crypto/keyVault';
import { openHistory } from '../../../src/core/history/historyService';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/settings';
import { silentLogger } from '../../../src/core/util/logger';

async function main(): Promise<void> {
  const dbPath = process.argv[2];
  if (!dbPath) throw new Error('usage: entry.js <dbPath>');
  const h = await openHistory({
    dbPath,
    vault: new MemoryKeyVault(),
    deviceId: 'bundle',
    settings: () => ({ ...DEFAULT_SETTINGS }),
    logger: silentLogger,
  });
  const r = await h.record({ commandLine: 'echo from the bundle', startedAt: Date.now(), exitCode: 0 });
  const page = await h.search({ text: 'bundle' }, 0, 10);
  const doctor = await h.doctor();
  h.close();
  process.stdout.write(JSON.stringify({ stored: r.stored, found: page.items.map((e) => e.command), integrity: doctor.integrity, schemaVersion: doctor.schemaVersion }));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e));
  process.exit(1);
});
