import { strict as assert } from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startRelay } from '../../src/relay/relayServer';
import { liveSummary, openDevice, recordCommands, removeDir, tempDir, waitFor } from './helpers/syncDevices';

const QUOTA = 256 * 1024;
const MAX_MESSAGE = 256 * 1024;
const MB = (n: number) => Math.round((n / 1024 / 1024) * 1000) / 1000;

describe('relay storage quota', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const tmp = (name: string) => {
    const d = tempDir(name);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach(removeDir));

  it('cuts off the account that fills its quota while another account keeps syncing; survives a restart', async () => {
    const relayDir = tmp('quotarelay');
    const limits = { accountQuotaBytes: QUOTA, maxPayloadBytes: MAX_MESSAGE };
    let relay = await startRelay({ port: 0, dataDir: relayDir, limits });
    const storeBytes = () =>
      [relay.dbPath, `${relay.dbPath}-wal`].filter(existsSync).reduce((s, f) => s + statSync(f).size, 0);
    const storeBefore = storeBytes();
    const hog = await openDevice('hog', relay.url, { dir: tmp('hog') });
    const good = await openDevice('good', relay.url, { dir: tmp('good') });
    const goodPeer = await openDevice('good-2', relay.url, { dir: tmp('good2') });
    try {
      await hog.engine.init();
      const { phrase } = await good.engine.init();
      await goodPeer.engine.join(phrase);

      // ~1 MB of (incompressible) commands: four times the quota.
      const big = Array.from({ length: 500 }, () => `echo ${randomBytes(1000).toString('hex')}`);
      await recordCommands(hog, big);
      await waitFor(() => relay.stats.closedForQuota > 0, 'the relay cuts the hog off', 60_000);

      // The other account keeps syncing both ways.
      await recordCommands(good, ['git status', 'npm test']);
      await waitFor(async () => (await liveSummary(goodPeer)).length === 2, 'good-2 gets good commands', 60_000);
      await recordCommands(goodPeer, ['make release']);
      await waitFor(async () => (await liveSummary(good)).length === 3, 'good gets good-2 commands', 60_000);

      const [top] = relay.quota.largest(1);
      assert.ok(top, 'usage is tracked');
      assert.ok(top[1] <= QUOTA + MAX_MESSAGE, `hog stored ${top[1]} bytes, quota ${QUOTA}`);
      assert.ok((await hog.history.pendingCount()) > 0, 'the hog keeps its unsent commands locally (nothing lost)');
      console.log(
        JSON.stringify({
          quotaMB: MB(QUOTA),
          hogOfferedMB: MB(big.reduce((s, c) => s + c.length, 0)),
          hogStoredMB: MB(top[1]),
          hogPendingCommands: await hog.history.pendingCount(),
          cutOffs: relay.stats.closedForQuota,
          relayStoreMB: { before: MB(storeBefore), after: MB(storeBytes()) },
        }),
      );

      // The usage is rebuilt from the store after a restart: still over quota.
      await hog.close();
      await relay.stop();
      relay = await startRelay({ port: relay.port, dataDir: relayDir, limits });
      assert.equal(relay.quota.largest(1)[0]?.[1], top[1], 'usage rebuilt from the relay store');
    } finally {
      await Promise.allSettled([good.close(), goodPeer.close(), hog.close()]);
      await relay.stop();
    }
  });
});
