import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/cliApp';

/** The CLI's argument handling and messages, run in-process (same code as the binary, without process start-up). */
async function runAsync(home: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { CARO_HISTORY_HOME: home }, io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

describe('caro-history CLI (in-process)', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-ip-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('usage errors exit 2 and name the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['search'], /search needs the text/],
      [['search', 'x', '--limit', 'lots'], /--limit must be a whole number/],
      [['search', 'x', '--limit'], /--limit needs a value/],
      [['import'], /import needs exactly one file/],
      [['import', 'a', 'b'], /import needs exactly one file/],
      [['import', 'f', '--format', 'csv'], /--format must be json, bash, zsh, fish or auto/],
      [['export', '--bogus'], /"export" has no option --bogus/],
      [['export', 'file.json'], /use --out FILE/],
      [['stats', '--json=yes'], /does not take a value/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runAsync(home, args);
      assert.equal(r.code, EXIT_USAGE, args.join(' '));
      assert.match(r.err, pattern);
      assert.match(r.err, /Run "caro-history help" for usage\./);
    }
  });

  it('help and --help on a command print usage and exit 0', async () => {
    for (const args of [[], ['help'], ['--help'], ['search', '--help']]) {
      const r = await runAsync(home, args);
      assert.equal(r.code, EXIT_OK);
      assert.match(r.out, /Exit codes: 0 ok, 1 something went wrong/);
    }
  });

  it('applies exclude patterns and retention from settings.json on shell-history import, and reports them', async () => {
    const now = Date.now();
    fs.writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ excludePatterns: ['^vault ', '('], retentionDays: 30 }));
    const file = path.join(home, 'hist');
    const e = (ago: number) => Math.floor((now - ago) / 1000);
    fs.writeFileSync(file, `#${e(40 * 86_400_000)}\nold command\n#${e(1000)}\nvault read secret/db\n#${e(500)}\nmake test\n`);
    const r = await runAsync(home, ['import', file, '--format', 'bash']);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.match(r.err, /"caroHistory\.excludePatterns" entry 2 is not a valid regular expression/);
    assert.match(r.out, /Imported 1 command from bash history .* 1 left out by your exclude patterns\./);
    assert.match(r.err, /1 command was not imported because your history keeps only the last 30 days/);
    const s = await runAsync(home, ['search', 'e', '--json']);
    const cmds = (JSON.parse(s.out) as { command: string }[]).map((c) => c.command);
    assert.deepEqual(cmds, ['make test'], 'neither the excluded command nor the one older than retention was stored');
  });

  it('an import over maxCommands stores only the newest and says so, leaving no deleted rows behind', async () => {
    fs.writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ maxCommands: 100 }));
    const file = path.join(home, 'hist');
    fs.writeFileSync(file, Array.from({ length: 150 }, (_, i) => `echo line-${i}`).join('\n'));
    const r = await runAsync(home, ['import', file]);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.match(r.out, /Imported 100 commands/);
    assert.match(r.err, /50 commands were not imported because your history keeps only .* at most 100 commands/);
    const doctor = JSON.parse((await runAsync(home, ['doctor', '--json'])).out) as { rows: number; deleted: number };
    assert.deepEqual([doctor.rows, doctor.deleted], [100, 0], 'pruned before insert: no dead rows in the file');
    const s = await runAsync(home, ['search', 'line-', '--json', '--limit', '1000']);
    const cmds = (JSON.parse(s.out) as { command: string }[]).map((c) => c.command);
    assert.equal(cmds.length, 100);
    assert.equal(cmds[0], 'echo line-149');
    assert.ok(!cmds.includes('echo line-49') && cmds.includes('echo line-50'), 'the oldest were pruned, in file order');
  });

  it('search filters: --failed, --min-risk, --since, --dir and --fuzzy', async () => {
    const now = Date.now();
    const iso = (ago: number) => new Date(now - ago).toISOString();
    const file = path.join(home, 'export.json');
    fs.writeFileSync(file, JSON.stringify({
      exportVersion: '1.0',
      exportedAt: iso(0),
      commands: [
        { id: 'c1', prompt: '', command: 'git push --force', executed: true, success: false, exitCode: 1, createdAt: iso(3_600_000), workingDir: '/srv/app' },
        { id: 'c2', prompt: '', command: 'git status', executed: true, success: true, exitCode: 0, createdAt: iso(10 * 86_400_000), workingDir: '/srv/app' },
        { id: 'c3', prompt: '', command: 'git stash pop', executed: true, success: false, exitCode: 1, createdAt: iso(2 * 86_400_000), workingDir: '/home/me' },
      ],
    }));
    assert.equal((await runAsync(home, ['import', file])).code, EXIT_OK);
    const ids = async (...args: string[]) => {
      const r = await runAsync(home, ['search', 'git', '--json', ...args]);
      assert.equal(r.code, EXIT_OK, r.err);
      return (JSON.parse(r.out) as { id: string }[]).map((e) => e.id);
    };
    assert.deepEqual(await ids(), ['c1', 'c3', 'c2']);
    assert.deepEqual(await ids('--failed'), ['c1', 'c3']);
    assert.deepEqual(await ids('--min-risk', 'high'), ['c1']);
    assert.deepEqual(await ids('--since', '3d'), ['c1', 'c3']);
    assert.deepEqual(await ids('--dir', '/srv/app'), ['c1', 'c2']);
    const fuzzy = await runAsync(home, ['search', 'gtstu', '--fuzzy', '--json']);
    assert.deepEqual((JSON.parse(fuzzy.out) as { id: string }[]).map((e) => e.id), ['c2']);
    const bad = await runAsync(home, ['search', 'git', '--since', 'last tuesday']);
    assert.equal(bad.code, EXIT_USAGE);
    assert.match(bad.err, /--since must look like 7d/);
    assert.equal((await runAsync(home, ['search', 'git', '--min-risk', 'scary'])).code, EXIT_USAGE);
  });

  it('export says how many stored commands could not be decrypted instead of dropping them silently', async () => {
    const file = path.join(home, 'hist');
    fs.writeFileSync(file, 'echo one\necho two\necho three\n');
    assert.equal((await runAsync(home, ['import', file])).code, EXIT_OK);
    // Tamper with the oldest row's ciphertext (the store is closed: the CLI run has finished).
    const db = new Database(path.join(home, 'history.db'));
    try {
      const row = db.prepare('SELECT id, command FROM command_history ORDER BY created_at LIMIT 1').get() as { id: string; command: string };
      const bytes = Buffer.from(row.command, 'base64');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      db.prepare('UPDATE command_history SET command = ? WHERE id = ?').run(bytes.toString('base64'), row.id);
    } finally {
      db.close();
    }
    const r = await runAsync(home, ['export']);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.match(r.err, /Warning: 1 stored command could not be decrypted/);
    const doc = JSON.parse(r.out) as { commands: { command: string }[] };
    assert.deepEqual(doc.commands.map((c) => c.command), ['echo two', 'echo three']);
  });

  it('prints "no commands" for an empty result and exits 0; stats works on an empty history', async () => {
    const r = await runAsync(home, ['search', 'nothing-like-this']);
    assert.equal(r.code, EXIT_OK);
    assert.match(r.err, /No commands contain "nothing-like-this"/);
    const st = await runAsync(home, ['stats']);
    assert.equal(st.code, EXIT_OK);
    assert.match(st.out, /Commands: +0/);
  });

  it('export refuses a missing folder with a runtime error (exit 1), writing nothing', async () => {
    const r = await runAsync(home, ['export', '--out', path.join(home, 'no', 'such', 'dir', 'x.json')]);
    assert.equal(r.code, EXIT_ERROR);
    assert.match(r.err, /^Error: The folder .* does not exist\.\nCreate it first/);
  });

  it('sync without a sync module reports it instead of crashing', async () => {
    const r = await runAsync(home, ['sync', 'status']);
    assert.equal(r.code, EXIT_USAGE);
    assert.match(r.err, /not available/);
  });
});
