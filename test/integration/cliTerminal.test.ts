import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/cliApp';
import { escapeForTerminal, terminalSafeIo } from '../../src/cli/terminalText';
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

/** A command another device synced (it passes the same checks as a captured one). */
async function storeSynced(home: string, command: string, id = 'remote-1'): Promise<void> {
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
    id, command, prompt: '', tags: [], executed: true, riskLevel: 'safe', warnings: [],
    deviceId: loadOrCreateDeviceId(h), createdAt: now, updatedAt: now, schemaVersion: 1,
  };
  try {
    assert.equal((await history.applyRemote([e])).inserted, 1);
  } finally {
    history.close();
  }
}

const hasRawControl = (s: string): boolean => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s);
const HOSTILE = `${CLIPBOARD}${CLEAR}\u009b31m`;

describe('caro-history output: control characters never reach a terminal', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-tty-'));
    await storeSynced(home, 'echo hi done');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('text the CLI echoes back (a search with escape sequences) is shown escaped on a terminal', async () => {
    const r = await run(home, ['search', `hi${HOSTILE}`], true);
    assert.ok(!hasRawControl(r.out + r.err), JSON.stringify(r));
    assert.match(r.err, /hi\\x1b\]52;c;cm0gLXJmIH4=\\x07\\x1b\[2J\\x9b31m/);
    const piped = await run(home, ['search', `hi${HOSTILE}`], false);
    assert.ok(piped.err.includes(`hi${HOSTILE}`), 'a pipe gets the exact bytes');
  });

  it('a synced command with escape sequences is stored without them, so search and export never carry them', async () => {
    await storeSynced(home, `echo two ${HOSTILE} end`, 'remote-2');
    const tty = await run(home, ['search', 'two'], true);
    assert.ok(!hasRawControl(tty.out), JSON.stringify(tty.out));
    const pipe = await run(home, ['export'], false);
    assert.ok(!hasRawControl(pipe.out), 'nothing hostile was stored');
    assert.match(pipe.out, /echo two/);
  });

  it('terminalSafeIo escapes every stream that is a terminal and passes files and pipes through byte-exact', () => {
    let out = '';
    let err = '';
    const base = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
    const tty = terminalSafeIo({ ...base, outIsTerminal: true, errIsTerminal: false });
    tty.out(`a${HOSTILE}\t\n`);
    tty.err(`b${HOSTILE}`);
    assert.equal(out, 'a\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\x9b31m\t\n');
    assert.equal(err, `b${HOSTILE}`);
    assert.ok(!hasRawControl(escapeForTerminal('\u202e\u0000\u007f')) && !/\u202e/.test(escapeForTerminal('\u202e')));
  });
});
