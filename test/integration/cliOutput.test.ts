import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/cliApp';
import { runSyncCli } from '../../src/cli/syncCli';
import { removeDir, startTestRelay, tempDir } from './helpers/syncDevices';

/**
 * Golden-shape tests of what every CLI command prints: one line per line (never two messages run together), every
 * output ending in a line break, each line with its expected shape (not the exact secrets, ids or times).
 */
async function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { CARO_HISTORY_HOME: home, ...env },
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
    sync: (a, ctx) => runSyncCli(a, ctx, { readStdin: async () => '' }),
  });
  return { code, out, err };
}

/** `text` is complete lines, and line i matches shapes[i] (a string = exactly that line). */
function assertLines(text: string, shapes: readonly (RegExp | string)[], what: string): string[] {
  assert.ok(text.endsWith('\n'), `${what}: output ends with a line break: ${JSON.stringify(text)}`);
  const lines = text.slice(0, -1).split('\n');
  assert.equal(lines.length, shapes.length, `${what}: ${shapes.length} lines expected, got:\n${text}`);
  lines.forEach((l, i) => {
    const s = shapes[i] as RegExp | string;
    if (typeof s === 'string') assert.equal(l, s, `${what} line ${i + 1}`);
    else assert.match(l, s, `${what} line ${i + 1}`);
  });
  return lines;
}

const WORD_ROW = /^ {2}( ?\d{1,2}\. [a-z]+ {2}){5} ?\d{1,2}\. [a-z]+$/;
const FINGERPRINT = /^Key fingerprint: [0-9A-F]{4}(-[0-9A-F]{4})+ \(.+\)\.$/;

describe('caro-history: output shape of every command', function () {
  this.timeout(180_000);
  let a: string;
  let b: string;
  before(() => {
    a = tempDir('cli-out-a');
    b = tempDir('cli-out-b');
  });
  after(() => {
    removeDir(a);
    removeDir(b);
  });

  it('help, version, import, search, export, stats and doctor', async () => {
    const help = await cli(a, ['help']);
    assert.match(help.out, /^caro-history: .*\n\nUsage:\n/);
    assert.ok(help.out.endsWith('\n'));
    assertLines((await cli(a, ['--version'])).out, [/^caro-history \d+\.\d+\.\d+$/], 'version');

    const file = path.join(a, 'hist');
    fs.writeFileSync(file, 'git status\ngit push --force\n');
    const imp = await cli(a, ['import', file]);
    assertLines(imp.out, [/^Imported 2 commands from bash history \/.+hist\.$/], 'import');

    const search = await cli(a, ['search', 'git']);
    assertLines(search.out, [
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}.{7} \[high\] git push --force$/,
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}.{7} git status$/,
    ], 'search');
    const json = await cli(a, ['search', 'git', '--json']);
    assert.equal((JSON.parse(json.out) as unknown[]).length, 2);
    assert.ok(json.out.endsWith('\n'));
    const none = await cli(a, ['search', 'nothing-here']);
    assert.equal(none.out, '');
    assertLines(none.err, ['No commands contain "nothing-here".'], 'search without results');

    const exp = await cli(a, ['export']);
    assert.ok(exp.out.endsWith('}\n'));
    assert.equal((JSON.parse(exp.out) as { commands: unknown[] }).commands.length, 2);
    const out = path.join(a, 'e.json');
    assertLines((await cli(a, ['export', '--out', out])).err, [/^Exported 2 commands to \/.+e\.json\.$/], 'export --out');

    assertLines((await cli(a, ['stats'])).out, [
      /^Commands: +2$/, /^Failed: +0$/, /^By risk: +safe 1, moderate 0, high 1, critical 0$/,
      /^Active days: +1 \(busiest \d{4}-\d{2}-\d{2}: 2\)$/, /^Busiest hour: +\d{2}:00$/,
    ], 'stats');
    assert.equal((JSON.parse((await cli(a, ['stats', '--json'])).out) as { total: number }).total, 2);
    assertLines((await cli(a, ['doctor'])).out, [
      /^Store: +\/.+history\.db$/, /^Schema version: +\d+$/, /^Commands: +2 \(0 deleted\)$/, /^Pending sync: +0$/,
      /^Size: +[\d.]+ (B|KB|MB)$/, /^Integrity: +ok$/, /^Key file: +\/.+keys\.json( \(mode 600\))?$/,
    ], 'doctor');
    assert.equal((JSON.parse((await cli(a, ['doctor', '--json'])).out) as { healthy: boolean }).healthy, true);
    const usage = await cli(a, ['search']);
    assert.equal(usage.code, EXIT_USAGE);
    assertLines(usage.err, [/^search needs the text/, 'Run "caro-history help" for usage.'], 'usage error');
  });

  it('every sync command prints separate lines', async () => {
    const relay = await startTestRelay();
    try {
      const server = ['--server', relay.url];
      const help = await cli(a, ['sync', 'help']);
      assert.match(help.out, /^usage: caro-history sync <command>.*\n\n {2}init +create/);
      assert.ok(help.out.endsWith('\n'));

      const init = await cli(a, ['sync', 'init', ...server]);
      assert.equal(init.code, EXIT_OK, init.err);
      const initLines = assertLines(init.out, [
        /^Sync is set up\. Your recovery phrase \(24 words\) is below\. .+:$/, '', WORD_ROW, WORD_ROW, WORD_ROW, WORD_ROW, '',
        FINGERPRINT, /^To add another device: caro-history sync join/, /^Uploaded history; \d+ command\(s\) still waiting\.$/,
      ], 'sync init');
      const phrase = initLines.slice(2, 6).join(' ').match(/[a-z]+/g)?.join(' ') ?? '';
      assert.equal(phrase.split(' ').length, 24);

      const status = await cli(a, ['sync', 'status']);
      assertLines(status.out, [
        /^Sync: (up to date|offline \(will retry\)|connecting)$/, /^Device: .+ \(.+\)$/, /^Key fingerprint: [0-9A-F-]+$/,
        /^Server: ws:\/\/127\.0\.0\.1:\d+/, /^Waiting to upload: \d+$/, /^Last sync: (never|\d{4}-\d{2}-\d{2} .+ UTC)$/,
      ], 'sync status');
      assert.equal(typeof (JSON.parse((await cli(a, ['sync', 'status', '--json'])).out) as { state: string }).state, 'string');

      const join = await cli(b, ['sync', 'join', ...server], { CARO_PHRASE: phrase });
      assert.equal(join.code, EXIT_OK, join.err);
      assertLines(join.out, [/^Joined\. \d+ command\(s\) downloaded from your other devices\.$/, FINGERPRINT], 'sync join');

      assertLines((await cli(a, ['sync', 'now'])).out, [/^Synced\. \d+ command\(s\) waiting to upload; last sync .+\.$/], 'sync now');
      assertLines((await cli(a, ['sync', 'rename', 'this', 'Work laptop'])).out, ['Renamed the device to "Work laptop".'], 'sync rename');
      const devices = await cli(a, ['sync', 'devices']);
      const devLines = assertLines(devices.out, [/^[* ] .+ {2}\(linux|macos|windows|other/, /^[* ] .+ {2}\(/], 'sync devices');
      assert.ok(devLines.some((l) => l.startsWith('* Work laptop  (')));
      const list = JSON.parse((await cli(a, ['sync', 'devices', '--json'])).out) as { deviceId: string; isCurrent: boolean }[];
      const other = list.find((d) => !d.isCurrent);
      assert.ok(other);

      assertLines((await cli(a, ['sync', 'pause'])).out, [/^Sync is paused on this device\. .+\.$/], 'sync pause');
      assertLines((await cli(a, ['sync', 'resume'])).out, [/^Sync resumed: .+\.$/], 'sync resume');
      assertLines((await cli(a, ['sync', 'remove', other.deviceId])).out, [/^The device was unlinked\. .+\.$/], 'sync remove');

      const noYes = await cli(a, ['sync', 'rotate']);
      assert.equal(noYes.code, 2);
      assertLines(noYes.err, [/Run again with --yes\.$/], 'sync rotate without --yes');
      const rotate = await cli(a, ['sync', 'rotate', '--yes']);
      assert.equal(rotate.code, EXIT_OK, rotate.err);
      assertLines(rotate.out, [/^Your history now uses a new recovery phrase\. .+:$/, '', /^ {2}([a-z]+ ){23}[a-z]+$/, '', /^New key fingerprint: [0-9A-F-]+\. /], 'sync rotate');

      assertLines((await cli(a, ['sync', 'reset'])).err, [/Run again with --yes to confirm\.$/], 'sync reset without --yes');
      assertLines((await cli(a, ['sync', 'reset', '--yes'])).out, [/^Synced history was wiped everywhere .+\.$/], 'sync reset');
      const leave = await cli(a, ['sync', 'leave']);
      assertLines(leave.code === EXIT_OK ? leave.out : leave.err, [/^.+\.( .+)?$/], 'sync leave');
      const unknown = await cli(a, ['sync', 'bogus']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /^Unknown sync command "bogus"\.\n\nusage: /);
      assert.ok(unknown.err.endsWith('\n'));
    } finally {
      await relay.stop();
      removeDir(relay.dataDir);
    }
  });
});
