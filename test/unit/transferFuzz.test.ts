import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { normaliseCommandLine } from '../../src/core/capture/normaliseCommand';
import { openHistory, type HistoryService } from '../../src/core/history/historyService';
import { isCaroError } from '../../src/core/model/errors';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { IMPORT_FORMATS, parseImportBytes, type ImportFormat, type ParsedImport } from '../../src/core/transfer/importFile';
import { MemoryLogger } from '../../src/core/util/logger';
import { seededRandom } from '../fixtures/seededRandom';

/**
 * Bounded fuzz of the import parsers (JSON export and bash/zsh/fish): random bytes, and valid files cut off or with
 * bytes changed. Each case either parses to storable commands (never U+FFFD, never a control character) or fails
 * with CaroError('badImportFile') whose message and action say what to do. Nothing else is ever thrown.
 */
const SEED = 20261202;
const CASES = 400;
const fixtures = path.join(__dirname, '../fixtures');
const valid: Uint8Array[] = [
  ...['spec-example.json'].map((f) => fs.readFileSync(path.join(fixtures, 'import', f))),
  ...['bash_plain.txt', 'bash_timestamps.txt', 'zsh_extended.txt', 'zsh_metafied.bin', 'fish_history.yaml'].map((f) =>
    fs.readFileSync(path.join(fixtures, 'shell-history', f))),
].map((b) => new Uint8Array(b));

function makeCase(rnd: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const kind = Math.floor(rnd() * 3);
  if (kind === 0) return Uint8Array.from({ length: Math.floor(rnd() * 4096) }, () => Math.floor(rnd() * 256));
  const base = pick(valid);
  if (kind === 1) return base.slice(0, Math.floor(rnd() * base.length));
  const out = base.slice();
  const flips = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < flips && out.length > 0; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
  return out;
}

function check(bytes: Uint8Array, format: ImportFormat | 'auto', label: string): ParsedImport | undefined {
  let parsed: ParsedImport;
  try {
    parsed = parseImportBytes(bytes, format, { now: 1_750_000_000_000 });
  } catch (e) {
    assert.ok(isCaroError(e, 'badImportFile'), `${label}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(e.message.length > 10 && (e.action ?? '').length > 10, `${label}: a clear message and what to do`);
    return undefined;
  }
  const texts = parsed.format === 'json' ? parsed.entries.map((x) => x.command) : parsed.captured.map((c) => c.commandLine);
  for (const t of texts) assert.ok(!t.includes('\ufffd'), `${label}: a command with U+FFFD: ${JSON.stringify(t)}`);
  return parsed;
}

describe(`transfer: import parsers under fuzzing (seed ${SEED}, ${CASES} cases)`, function () {
  this.timeout(120_000);
  let dir: string;
  let history: HistoryService;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-fuzz-'));
    history = await openHistory({
      dbPath: path.join(dir, 'history.db'),
      vault: new MemoryKeyVault(),
      deviceId: 'fuzz',
      settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [], retentionDays: 365, maxCommands: 100_000 }),
      logger: new MemoryLogger(),
    });
  });
  after(() => {
    history.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never throws anything but a clear badImportFile error, and never stores junk', async () => {
    const rnd = seededRandom(SEED);
    for (let i = 0; i < CASES; i++) {
      const bytes = makeCase(rnd);
      for (const format of ['auto', ...IMPORT_FORMATS] as const) {
        const parsed = check(bytes, format, `case ${i} (seed ${SEED}) as ${format}`);
        if (!parsed || format !== 'auto' || i % 8 !== 0) continue;
        if (parsed.format === 'json') await history.importEntries(parsed.entries);
        else await history.importCaptured(parsed.captured);
      }
    }
    for (const e of await history.exportAll()) {
      const n = normaliseCommandLine(e.command);
      assert.ok(n.ok, `stored junk: ${JSON.stringify(e.command)}`);
      assert.ok(!e.command.includes('\ufffd'));
    }
  });
});
