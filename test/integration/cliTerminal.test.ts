import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_OK, runCli } from '../../src/cli/cliApp';
import { loadOrCreateDeviceId, resolveCliHome } from '../../src/cli/cliHome';
import { FileKeyVault } from '../../src/cli/fileKeyVault';
import { openHistory } from '../../src/core/history/historyService';
import type { HistoryEntry } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { MemoryLogger } from '../../src/core/util/logger';

/** Synced text printed by the CLI: escaped on a terminal, byte-exact into a file or a pipe. */
const CLIPBOARD = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CLEAR = '\u001b[2J';

async function run(home: string, args: string[], terminal: boolean): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { CARO_HISTORY_HOME: home },
    io: { out: (t) => void (out += t), err: (t) => void (err += t), outIsTerminal: terminal, errIsTerminal: terminal },
  });
  return { code, out, err };
}

/** Puts an entry as another device would send it through sync (applyRemote stores synced text as it came). */
async function storeSynced(home: string, command: string): Promise<void> {
  const h = resolveCliHome({ CARO_HISTORY_HOME: home });
  fs.mkdirSync(h.dir, { recursive: true });
  const history = await openHistory({
    dbPath: h.dbPath,
    vault: new FileKeyVault(h.keyFile),
    deviceId: loadOrCreateDeviceId(h),
    settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [] }),
    logger: new MemoryLogger(),
  });
  const now = Date.now();
  const e: HistoryEntry = {
    id: 'remote-1', command, prompt: '', tags: [], executed: true, riskLevel: 'safe', warnings: [],
    deviceId: 'other-device', createdAt: now, updatedAt: now, schemaVersion: 1,
  };
  try {
    assert.equal((await history.applyRemote([e])).inserted, 1);
  } finally {
    history.close();
  }
}

const hasRawControl = (s: string): boolean => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s);

describe('caro-history output: control characters never reach a terminal', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-tty-'));
    await storeSynced(home, `echo hi ${CLIPBOARD}${CLEAR}\u009b31m done`);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('search on a terminal shows escapes visibly instead of sending them', async () => {
    const r = await run(home, ['search', 'echo'], true);
    assert.equal(r.code, EXIT_OK, r.err);
    assert.ok(!hasRawControl(r.out), JSON.stringify(r.out));
    assert.match(r.out, /echo hi \\x1b\]52;c;cm0gLXJmIH4=\\x07\\x1b\[2J\\x9b31m done/);
  });

  it('export to a terminal is escaped; export into a pipe or a file stays byte-exact', async () => {
    const tty = await run(home, ['export'], true);
    assert.ok(!hasRawControl(tty.out), 'no raw control character on the terminal');
    const pipe = await run(home, ['export'], false);
    const doc = JSON.parse(pipe.out) as { commands: { command: string }[] };
    assert.equal(doc.commands[0]?.command, `echo hi ${CLIPBOARD}${CLEAR}\u009b31m done`);
    const file = path.join(home, 'out.json');
    assert.equal((await run(home, ['export', '--out', file], true)).code, EXIT_OK);
    const fromFile = JSON.parse(fs.readFileSync(file, 'utf8')) as { commands: { command: string }[] };
    assert.equal(fromFile.commands[0]?.command, `echo hi ${CLIPBOARD}${CLEAR}\u009b31m done`);
  });

  it('search --json on a terminal has no raw C1 or DEL characters either', async () => {
    const r = await run(home, ['search', 'echo', '--json'], true);
    assert.ok(!hasRawControl(r.out));
    const piped = await run(home, ['search', 'echo', '--json'], false);
    assert.equal((JSON.parse(piped.out) as { command: string }[])[0]?.command, `echo hi ${CLIPBOARD}${CLEAR}\u009b31m done`);
  });
});
