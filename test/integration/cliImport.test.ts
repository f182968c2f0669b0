import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_ERROR, EXIT_OK, runCli } from '../../src/cli/cliApp';
import { seededRandom } from '../fixtures/seededRandom';

/** `caro-history import` on files that are not what they claim to be, run in-process. */
async function runAsync(home: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { CARO_HISTORY_HOME: home }, io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

async function storedCommands(home: string): Promise<string[]> {
  const r = await runAsync(home, ['export']);
  assert.equal(r.code, EXIT_OK, r.err);
  return (JSON.parse(r.out) as { commands: { command: string }[] }).commands.map((c) => c.command);
}

function randomBytes(seed: number, n: number): Uint8Array {
  const rnd = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

describe('caro-history import: progress on a terminal', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-prog-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('shows a progress line while importing when stderr is a terminal, and clears it at the end', async () => {
    const file = path.join(home, 'hist');
    fs.writeFileSync(file, Array.from({ length: 1600 }, (_, i) => `echo n-${i}`).join('\n'));
    const lines: string[] = [];
    let out = '';
    const code = await runCli(['import', file], {
      env: { CARO_HISTORY_HOME: home },
      io: { out: (t) => void (out += t), err: () => undefined, errIsTerminal: true, progress: (l) => void lines.push(l) },
    });
    assert.equal(code, EXIT_OK);
    assert.match(out, /Imported 1600 commands/);
    assert.ok(lines.length >= 3, lines.join(' | '));
    assert.match(lines[0] ?? '', /^Importing… \d+ of 1600 commands \(\d+%\)$/);
    assert.equal(lines[lines.length - 2], 'Importing… 1600 of 1600 commands (100%)');
    assert.equal(lines[lines.length - 1], '', 'the progress line is cleared');
  });
});

describe('caro-history import: files that are not history', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-imp-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('a 200 KB random binary file imports nothing and says it is not a text file', async () => {
    const file = path.join(home, 'blob.bin');
    fs.writeFileSync(file, randomBytes(20261202, 200 * 1024));
    for (const format of [[], ['--format', 'bash'], ['--format', 'zsh'], ['--format', 'fish']]) {
      const r = await runAsync(home, ['import', file, ...format]);
      assert.equal(r.code, EXIT_ERROR, `${format.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, /is not a text file/);
      assert.match(r.err, /nothing was imported/);
      assert.doesNotMatch(r.out, /Imported/);
    }
    assert.deepEqual(await storedCommands(home), []);
  });

  it('a binary file without NUL bytes is refused too', async () => {
    const bytes = randomBytes(7, 50_000).map((b) => (b === 0 ? 0xff : b));
    const file = path.join(home, 'noise');
    fs.writeFileSync(file, bytes);
    const r = await runAsync(home, ['import', file]);
    assert.equal(r.code, EXIT_ERROR, r.out);
    assert.match(r.err, /is not a text file/);
    assert.deepEqual(await storedCommands(home), []);
  });

  it('lines with invalid UTF-8 are left out and counted, never stored with U+FFFD', async () => {
    const file = path.join(home, 'bash_history');
    const good = Buffer.from('echo one\nls -la\n');
    const bad = Buffer.from([0x65, 0x63, 0x68, 0x6f, 0x20, 0xe9, 0x74, 0xe9, 0x0a]); // "echo été" in latin1
    fs.writeFileSync(file, Buffer.concat([good, bad, Buffer.from('git status\n')]));
    const r = await runAsync(home, ['import', file]);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.match(r.out, /Imported 3 commands/);
    assert.match(r.err, /1 line was not valid UTF-8 text and was left out/);
    const stored = await storedCommands(home);
    assert.deepEqual(stored, ['echo one', 'ls -la', 'git status']);
    assert.ok(stored.every((c) => !c.includes('\ufffd')));
  });

  it('a JSON export with invalid UTF-8 names the line and imports nothing', async () => {
    const file = path.join(home, 'export.json');
    const head = Buffer.from('{"exportVersion":"1.0","commands":[\n{"id":"a","command":"echo ');
    fs.writeFileSync(file, Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from('","createdAt":"2026-01-01T00:00:00Z"}]}')]));
    const r = await runAsync(home, ['import', file]);
    assert.equal(r.code, EXIT_ERROR);
    assert.match(r.err, /not valid UTF-8 text \(line 2/);
    assert.deepEqual(await storedCommands(home), []);
  });
});
