import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_OK, runCli } from '../../src/cli/cliApp';
import { runSyncCli } from '../../src/cli/syncCli';
import { generatePhrase } from '../../src/core/crypto/phrase';

/** A failed `caro-history sync join` leaves no trace: no history.db, keys.json or device.json made for nothing. */
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

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('caro-history sync join that fails', function () {
  this.timeout(90_000);
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-cli-join-'));
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('with a mistyped phrase, on a new machine: no folder and no files are left behind', async () => {
    const home = path.join(parent, 'home');
    const words = generatePhrase().split(' ');
    words[3] = words[3] === 'zoo' ? 'abandon' : 'zoo';
    const r = await cli(home, ['sync', 'join', '--server', 'ws://127.0.0.1:9'], { CARO_PHRASE: words.join(' ') });
    assert.notEqual(r.code, EXIT_OK);
    assert.ok(r.err.length > 0, 'the failure is explained');
    assert.equal(fs.existsSync(home), false, `left behind: ${fs.existsSync(home) ? fs.readdirSync(home).join(', ') : ''}`);
  });

  it('with a server that cannot be reached: no history.db, keys.json or device.json left behind', async () => {
    const home = path.join(parent, 'home');
    const r = await cli(home, ['sync', 'join', '--server', `ws://127.0.0.1:${await closedPort()}`], { CARO_PHRASE: generatePhrase() });
    assert.notEqual(r.code, EXIT_OK);
    assert.equal(fs.existsSync(home), false, `left behind: ${fs.existsSync(home) ? fs.readdirSync(home).join(', ') : ''}`);
  });

  it('on a machine with history: its files stay exactly as they were', async () => {
    const home = path.join(parent, 'home');
    const file = path.join(parent, 'hist');
    fs.writeFileSync(file, 'echo kept\n');
    assert.equal((await cli(home, ['import', file])).code, EXIT_OK);
    const before = fs.readdirSync(home).sort();
    const keys = fs.readFileSync(path.join(home, 'keys.json'));
    const r = await cli(home, ['sync', 'join', '--server', `ws://127.0.0.1:${await closedPort()}`], { CARO_PHRASE: generatePhrase() });
    assert.notEqual(r.code, EXIT_OK);
    assert.deepEqual(fs.readdirSync(home).sort(), before);
    assert.deepEqual(fs.readFileSync(path.join(home, 'keys.json')), keys);
    const s = await cli(home, ['search', 'echo', '--json']);
    assert.deepEqual((JSON.parse(s.out) as { command: string }[]).map((e) => e.command), ['echo kept']);
  });
});
