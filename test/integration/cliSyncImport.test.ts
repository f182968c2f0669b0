import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_OK, runCli } from '../../src/cli/cliApp';
import { runSyncCli } from '../../src/cli/syncCli';
import { liveSummary, openDevice, removeDir, startTestRelay, tempDir, waitFor, type TestDevice } from './helpers/syncDevices';

/** `caro-history import` on a device with sync on: the imported commands reach the other devices. */
async function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { CARO_HISTORY_HOME: home, ...env },
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
    sync: (a, ctx) => runSyncCli(a, ctx),
  });
  return { code, out, err };
}

describe('caro-history import on a synced device', function () {
  this.timeout(120_000);
  let relay: Awaited<ReturnType<typeof startTestRelay>>;
  let home: string;
  let b: TestDevice | undefined;
  let c: TestDevice | undefined;
  before(async () => {
    relay = await startTestRelay();
  });
  after(async () => {
    await relay.stop();
    removeDir(relay.dataDir);
  });
  beforeEach(() => {
    home = tempDir('cli-import');
  });
  afterEach(async () => {
    await b?.close();
    await c?.close();
    removeDir(home);
  });

  it('queues the imported commands, and the other devices receive them', async () => {
    const init = await cli(home, ['sync', 'init', '--server', relay.url]);
    assert.equal(init.code, 0, init.err);
    const words = [...init.out.matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]);
    assert.equal(words.length, 24, init.out);
    const phrase = words.join(' ');
    b = await openDevice('b', relay.url);
    await b.engine.join(phrase);
    c = await openDevice('c', relay.url);
    await c.engine.join(phrase);

    const file = path.join(home, 'bash_history');
    fs.writeFileSync(file, 'make build\nnpm run deploy\ngit tag v1\n');
    const imp = await cli(home, ['import', file]);
    assert.equal(imp.code, EXIT_OK, imp.err);
    assert.match(imp.out, /Imported 3 commands/);

    // The next sync run (any sync command starts the engine) uploads what the import queued.
    const now = await cli(home, ['sync', 'now']);
    assert.equal(now.code, 0, now.err);

    for (const d of [b, c]) {
      const dev = d;
      await waitFor(async () => {
        const got = (await liveSummary(dev)).map((l) => l.split('|')[1]);
        return ['make build', 'npm run deploy', 'git tag v1'].every((x) => got.includes(x));
      }, `${dev.name} to receive the imported commands`);
    }
  });
});
