import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * End-to-end tests of the `caro-history` CLI as a real process against temporary CARO_HISTORY_HOME folders, the real
 * sqlite-wasm store and real encryption. The CLI is bundled from the current source once (same esbuild settings as
 * scripts/build.mjs) because starting a bundle is several times faster than tsx; one test also runs the source via tsx
 * and one the shipped dist/cli.js.
 */
const repo = path.resolve(__dirname, '../..');
const DAY = 86_400_000;
let bundleDir: string | undefined;

async function bundleCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-bundle-'));
  await esbuild.build({
    entryPoints: [path.join(repo, 'src/cli/main.ts')],
    outfile: path.join(dir, 'cli.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    external: ['vscode', 'bufferutil', 'utf-8-validate', 'better-sqlite3'],
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  fs.copyFileSync(path.join(repo, 'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'), path.join(dir, 'sqlite3.wasm'));
  return dir;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function cli(home: string, args: string[], opts: { via?: 'bundle' | 'dist' | 'tsx' } = {}): Run {
  const via = opts.via ?? 'bundle';
  const entry =
    via === 'dist' ? [path.join(repo, 'dist/cli.js')]
    : via === 'tsx' ? ['--import', 'tsx', path.join(repo, 'src/cli/main.ts')]
    : [path.join(bundleDir as string, 'cli.js')];
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: repo,
    env: { ...process.env, CARO_HISTORY_HOME: home, CARO_HISTORY_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `caro-cli-${prefix}-`));
}

interface JsonEntry {
  id: string;
  command: string;
  createdAt: string;
  riskLevel: string;
  exitCode?: number;
}

function searchJson(home: string, text: string, limit = 100): JsonEntry[] {
  const r = cli(home, ['search', text, '--json', '--limit', String(limit)]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as JsonEntry[];
}

describe('caro-history CLI (spawned process)', function () {
  this.timeout(180_000);
  const now = Date.now();
  const epoch = (msAgo: number): number => Math.floor((now - msAgo) / 1000);
  let work: string;

  before(async () => {
    bundleDir = await bundleCli();
    work = tmpDir('work');
    // Recent timestamps so the 90-day retention keeps them.
    fs.writeFileSync(
      path.join(work, 'zsh_history'),
      `: ${epoch(3 * DAY)}:0;ls -la\n: ${epoch(2 * DAY)}:4;npm install\n: ${epoch(DAY)}:0;git push --force origin main\n`,
    );
    fs.writeFileSync(
      path.join(work, 'bash_history'),
      `#${epoch(5 * DAY)}\nexport GITHUB_TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6\n#${epoch(4 * DAY)}\nrm -rf /\n`,
    );
    fs.writeFileSync(path.join(work, 'fish_history'), `- cmd: echo fish-was-here\n  when: ${epoch(6 * DAY)}\n`);
    const iso = (ago: number): string => new Date(now - ago).toISOString();
    fs.writeFileSync(
      path.join(work, 'export.json'),
      JSON.stringify({
        exportVersion: '1.0',
        exportedAt: iso(0),
        profile: { displayName: 'x', deviceCount: 1 },
        commands: [
          { id: 'json-1', prompt: 'show disk usage', command: 'du -sh *', executed: true, success: true, createdAt: iso(7 * DAY) },
          { id: 'json-2', prompt: '', command: 'kubectl delete ns staging', executed: true, success: false, createdAt: iso(8 * DAY), exitCode: 1 },
        ],
        preferences: { safetyLevel: 'moderate' },
        devices: [],
      }),
    );
  });

  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('help exits 0 and an unknown command exits 2 with a hint (source run through tsx)', () => {
    const home = tmpDir('usage');
    try {
      const help = cli(home, ['help'], { via: 'tsx' });
      assert.equal(help.code, 0);
      assert.match(help.out, /caro-history search <text>/);
      const r = cli(home, ['frobnicate'], { via: 'tsx' });
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /Unknown command "frobnicate"\.\nRun "caro-history help"/);
      // `sync …` is handed to src/cli/syncCli.ts (loaded lazily).
      const sync = cli(home, ['sync', 'help']);
      assert.equal(sync.code, 0, sync.err);
      assert.match(sync.out, /usage: caro-history sync <command>/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('imports zsh, bash, fish and JSON files; search finds them; export → import into a second home gives the same entries', () => {
    const homeA = tmpDir('a');
    const homeB = tmpDir('b');
    try {
      for (const [file, kind] of [['zsh_history', 'zsh'], ['bash_history', 'bash'], ['fish_history', 'fish'], ['export.json', 'Caro export']] as const) {
        const r = cli(homeA, ['import', path.join(work, file)]);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, new RegExp(`Imported \\d+ commands? from ${kind}`));
      }
      // The committed plain fixtures (no timestamps: they get the file's time, so copy them to get a fresh one).
      for (const f of ['bash_plain.txt', 'zsh_plain.txt']) {
        const copy = path.join(work, f);
        fs.copyFileSync(path.join(repo, 'test/fixtures/shell-history', f), copy);
        const r = cli(homeA, ['import', copy, '--format', f.startsWith('zsh') ? 'zsh' : 'bash']);
        assert.equal(r.code, 0, r.err);
      }
      // Search finds imported commands (JSON and human output, newest first).
      const push = searchJson(homeA, 'push');
      assert.deepEqual(push.map((e) => [e.command, e.riskLevel]), [['git push --force origin main', 'high']]);
      const human = cli(homeA, ['search', 'npm']);
      assert.equal(human.code, 0);
      assert.ok(human.out.includes('npm install') && human.out.includes('npm test'), human.out);
      assert.ok(human.out.indexOf('npm test') < human.out.indexOf('npm install'), 'newest first');
      assert.match(human.out, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} +npm install$/m);

      // The store is encrypted at rest: neither commands nor the token are in the file.
      const db = fs.readFileSync(path.join(homeA, 'history.db'));
      for (const needle of ['git push --force', 'GITHUB_TOKEN', 'ghp_aB3dE5', 'kubectl delete']) {
        assert.equal(db.indexOf(Buffer.from(needle)), -1, `"${needle}" found in plaintext in history.db`);
      }

      const out = path.join(work, 'a-export.json');
      const exp = cli(homeA, ['export', '--out', out]);
      assert.equal(exp.code, 0, exp.err);
      assert.match(exp.err, /Exported 15 commands/);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'an export holds decrypted history: owner-only');
      const exported = JSON.parse(fs.readFileSync(out, 'utf8')) as { exportVersion: string; commands: JsonEntry[] };
      assert.equal(exported.exportVersion, '1.0');
      assert.equal(exported.commands.length, 15);
      assert.ok(!fs.readFileSync(out, 'utf8').includes('ghp_aB3dE5'), 'secrets stay redacted in exports');
      const byCommand = new Map(exported.commands.map((e) => [e.command, e]));
      for (const c of ['git status', 'make build', 'echo fish-was-here', 'du -sh *']) assert.ok(byCommand.has(c), c);
      assert.ok(byCommand.has('export GITHUB_TOKEN=[REDACTED:github-pat]'), 'redacted before storage');
      assert.equal(byCommand.get('rm -rf /')?.riskLevel, 'critical');
      assert.equal(byCommand.get('kubectl delete ns staging')?.riskLevel, 'critical');
      assert.equal(byCommand.get('kubectl delete ns staging')?.exitCode, 1);

      const imp = cli(homeB, ['import', out]);
      assert.equal(imp.code, 0, imp.err);
      assert.match(imp.out, /Imported 15 commands/);
      const expB = cli(homeB, ['export']);
      assert.equal(expB.code, 0, expB.err);
      const pick = (e: Record<string, unknown>) => ({
        id: e.id, command: e.command, prompt: e.prompt, createdAt: e.createdAt, riskLevel: e.riskLevel, exitCode: e.exitCode,
        success: e.success, shell: e.shell, warnings: e.warnings,
      });
      const a = (exported.commands as unknown as Record<string, unknown>[]).map(pick);
      const b = ((JSON.parse(expB.out) as { commands: Record<string, unknown>[] }).commands).map(pick);
      assert.deepEqual(b, a);

      // Importing the same file again adds nothing.
      const again = cli(homeB, ['import', out]);
      assert.equal(again.code, 0);
      assert.match(again.out, /Imported 0 commands .* 15 already in your history/);
    } finally {
      fs.rmSync(homeA, { recursive: true, force: true });
      fs.rmSync(homeB, { recursive: true, force: true });
    }
  });

  it('a bad import file exits 1, names the problem and imports nothing', () => {
    const home = tmpDir('bad');
    try {
      assert.equal(cli(home, ['import', path.join(work, 'zsh_history')]).code, 0);
      const before = cli(home, ['export']).out;
      const bad = path.join(work, 'bad.json');
      const doc = JSON.parse(fs.readFileSync(path.join(work, 'export.json'), 'utf8')) as { commands: Record<string, unknown>[] };
      doc.commands.push({ id: 'json-3', prompt: '', executed: true, createdAt: new Date(now).toISOString() });
      fs.writeFileSync(bad, JSON.stringify(doc));
      const r = cli(home, ['import', bad]);
      assert.equal(r.code, 1);
      assert.match(r.err, /commands\[2\]\.command is missing/);
      assert.match(r.err, /nothing was imported/);
      const syntax = path.join(work, 'syntax.json');
      fs.writeFileSync(syntax, '{\n  "exportVersion": "1.0",\n  "commands": [\n    {"id": "x",}\n  ]\n}\n');
      const r2 = cli(home, ['import', syntax]);
      assert.equal(r2.code, 1);
      assert.match(r2.err, /not valid JSON at line 4/);
      const missing = cli(home, ['import', path.join(work, 'no-such-file')]);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /There is no file/);
      const after = cli(home, ['export']).out;
      const ids = (s: string) => (JSON.parse(s) as { commands: { id: string }[] }).commands.map((c) => c.id);
      assert.deepEqual(ids(after), ids(before));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('stats and doctor report the store; doctor on a corrupt database says where the old file went', () => {
    const home = tmpDir('doctor');
    try {
      assert.equal(cli(home, ['import', path.join(work, 'zsh_history')]).code, 0);
      const stats = cli(home, ['stats', '--json']);
      assert.equal(stats.code, 0, stats.err);
      const s = JSON.parse(stats.out) as { total: number; byRisk: Record<string, number> };
      assert.equal(s.total, 3);
      assert.equal(s.byRisk.high, 1);
      const doc = cli(home, ['doctor']);
      assert.equal(doc.code, 0, doc.err);
      assert.match(doc.out, new RegExp(`Store: +${path.join(home, 'history.db').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(doc.out, /Schema version: +\d+/);
      assert.match(doc.out, /Commands: +3 \(0 deleted\)/);
      assert.match(doc.out, /Integrity: +ok/);
      assert.match(doc.out, /mode 600/);

      const dbPath = path.join(home, 'history.db');
      const garbage = Buffer.from('this is not a database at all '.repeat(200));
      fs.writeFileSync(dbPath, garbage);
      const r = cli(home, ['doctor']);
      assert.equal(r.code, 0, r.err);
      const m = /moved to (\S+?\.corrupt-\S+?)[ )]/.exec(`${r.err} `);
      assert.ok(m, `doctor must say where the old file went: ${r.err}`);
      const movedTo = m[1] as string;
      assert.ok(fs.readFileSync(movedTo).equals(garbage), 'the damaged file is kept byte for byte');
      assert.match(r.out, /^Replaced: +.+ UTC; 0 commands recovered; the old file is \S+\.corrupt-/m);
      assert.match(r.out, /Commands: +0 \(0 deleted\)/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses a key file other users can read, telling the user to chmod 600', () => {
    const home = tmpDir('perm');
    try {
      assert.equal(cli(home, ['import', path.join(work, 'fish_history')]).code, 0);
      const keyFile = path.join(home, 'keys.json');
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      fs.chmodSync(keyFile, 0o644);
      const r = cli(home, ['search', 'fish']);
      assert.equal(r.code, 1);
      assert.ok(r.err.includes(`chmod 600 ${keyFile}`), r.err);
      assert.ok(!r.err.includes(JSON.parse(fs.readFileSync(keyFile, 'utf8')).secrets.localDataKey), 'never prints the key');
      fs.chmodSync(keyFile, 0o600);
      assert.equal(searchJson(home, 'fish').length, 1);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('a lost key file is reported as a wrong key and the history file is left untouched', () => {
    const home = tmpDir('lost');
    try {
      assert.equal(cli(home, ['import', path.join(work, 'zsh_history')]).code, 0);
      const dbPath = path.join(home, 'history.db');
      const before = fs.readFileSync(dbPath);
      fs.renameSync(path.join(home, 'keys.json'), path.join(home, 'keys.json.bak'));
      const r = cli(home, ['stats']);
      assert.equal(r.code, 1);
      assert.match(r.err, /different key/);
      assert.ok(fs.readFileSync(dbPath).equals(before), 'nothing deleted or rewritten');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('the bundled dist/cli.js runs the same commands', function () {
    if (!fs.existsSync(path.join(repo, 'dist/cli.js'))) this.skip(); // npm test builds it before mocha runs
    const home = tmpDir('bundle');
    try {
      const r = cli(home, ['import', path.join(work, 'zsh_history')], { via: 'dist' });
      assert.equal(r.code, 0, r.err);
      const s = cli(home, ['search', 'npm', '--json'], { via: 'dist' });
      assert.equal(s.code, 0, s.err);
      assert.deepEqual((JSON.parse(s.out) as JsonEntry[]).map((e) => e.command), ['npm install']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
