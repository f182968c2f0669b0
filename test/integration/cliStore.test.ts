import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_OK, runCli } from '../../src/cli/cliApp';

/** A damaged or emptied history.db, seen from the CLI: recovered rows, told what happened, doctor remembers. */
async function cli(home: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { CARO_HISTORY_HOME: home }, io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

const VS_CODE_WORDS = /reload the window|keychain/i;

describe('caro-history with a damaged store', function () {
  this.timeout(90_000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-store-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  async function importLines(n: number): Promise<string[]> {
    const lines = Array.from({ length: n }, (_, i) => `echo recoverable-${String(i).padStart(4, '0')} ${'x'.repeat(120)}`);
    const file = path.join(home, 'hist');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await cli(home, ['import', file]);
    assert.equal(r.code, EXIT_OK, r.err);
    return lines;
  }

  it('a truncated history.db: the readable commands are recovered into the new store, and the user is told how many', async () => {
    const lines = await importLines(600);
    const db = path.join(home, 'history.db');
    const size = fs.statSync(db).size;
    fs.truncateSync(db, Math.floor(size / 2 / 4096) * 4096);

    const r = await cli(home, ['search', 'recoverable', '--json', '--limit', '1000']);
    assert.equal(r.code, EXIT_OK, r.err);
    const m = /was damaged\. It was moved to (.+) \(kept, not deleted\)\. (\d+) commands were recovered/.exec(r.err);
    assert.ok(m, r.err);
    const recovered = Number(m[2]);
    const found = (JSON.parse(r.out) as { command: string }[]).map((e) => e.command);
    assert.ok(recovered > 0 && recovered < lines.length, `recovered ${recovered}`);
    const exported = (JSON.parse((await cli(home, ['export'])).out) as { commands: { command: string }[] }).commands.map((c) => c.command);
    assert.equal(exported.length, recovered, 'every recovered command is in the new history');
    assert.deepEqual([...found].sort(), [...exported].sort(), 'and can be found');
    assert.ok(found.every((c) => lines.includes(c)), 'only genuine commands, no junk');
    assert.ok(fs.existsSync(m[1] as string), 'the damaged file is kept');
    assert.doesNotMatch(r.err, VS_CODE_WORDS);

    const doc = await cli(home, ['doctor']);
    assert.match(doc.out, new RegExp(`^Replaced: +.+ UTC; ${recovered} commands recovered; the old file is `, 'm'));
    assert.match(doc.err, /was damaged/);
    const json = JSON.parse((await cli(home, ['doctor', '--json'])).out) as { healthy: boolean; replacedStore: { recovered: number } };
    assert.equal(json.healthy, false, 'a replaced store is not reported as healthy');
    assert.equal(json.replacedStore.recovered, recovered);
  });

  it('a 0-byte history.db is not silently started over: the user is told and doctor reports it', async () => {
    await importLines(3);
    const db = path.join(home, 'history.db');
    fs.rmSync(`${db}.checked`, { force: true });
    fs.writeFileSync(db, '');
    const old = new Date(Date.now() - 5 * 60_000);
    fs.utimesSync(db, old, old);
    const r = await cli(home, ['stats']);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.match(r.err, /was empty \(0 bytes\)\. It was moved to .+\. A new, empty history was started\./);
    const doc = await cli(home, ['doctor']);
    assert.match(doc.out, /^Replaced: +.+; 0 commands recovered;/m);
  });

  it('CLI messages never send people to a window or a keychain', async () => {
    await importLines(3);
    // Another key in keys.json: the stored rows cannot be read (wrongKey, nothing deleted).
    const keys = path.join(home, 'keys.json');
    fs.rmSync(keys);
    const r = await cli(home, ['stats']);
    assert.notEqual(r.code, EXIT_OK);
    assert.match(r.err, /different key/);
    assert.match(r.err, /keys\.json/);
    assert.doesNotMatch(r.err, VS_CODE_WORDS);
  });
});
