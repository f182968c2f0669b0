import { strict as assert } from 'node:assert';
import { RelayLogSystem } from '../../src/relay/relayLog';
import { openRaw } from './helpers/relayClient';
import { removeDir, tempDir } from './helpers/syncDevices';
import { spawnRelay } from './helpers/syncProcesses';

const MARKER = 'PWNED';

describe('relay log under attack', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it('5 000 bad frames are counted, not echoed: the log grows by a few lines, not by their size', async () => {
    const dir = tempDir('relaylog');
    dirs.push(dir);
    const relay = await spawnRelay(dir, 0, { args: ['--max-bad-frames', '1000000'] });
    const output: string[] = [];
    relay.child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    relay.child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    // 'exit' can come before the last output is read; 'close' comes after.
    const streamsClosed = new Promise((r) => relay.child.once('close', r));
    let attackBytes = 0;
    try {
      const c = await openRaw(relay.url);
      for (let i = 0; i < 5000; i++) {
        // Broken JSON (what old relays logged with its text), terminal escapes, and ill-typed sync messages.
        const frame =
          i % 3 === 0
            ? `{"${MARKER}-${i}\u001b[31m": ${'x'.repeat(100)}`
            : i % 3 === 1
              ? JSON.stringify({ action: 'load', id: 'co_zKx7bYq2V9mT4nR8wL3pD6sF1gH5jA', header: `${MARKER}-${i}`, sessions: {} })
              : JSON.stringify({ action: MARKER, padding: 'y'.repeat(100) });
        attackBytes += frame.length;
        await c.send(frame);
      }
      assert.equal(await c.roundTrip(), true, 'every frame was handled');
      c.ws.close();
    } finally {
      await relay.kill('SIGTERM');
      await streamsClosed;
    }
    const log = output.join('');
    assert.doesNotMatch(log, new RegExp(MARKER), 'no attacker text in the log');
    assert.doesNotMatch(log, /\u001b/, 'no terminal escapes in the log');
    assert.match(log, /dropped 5000 bad frames \(/);
    for (const counted of ['notJson 1667', 'badField 1667', 'unknownAction 1666']) assert.ok(log.includes(counted), counted);
    assert.ok(log.length < 1024, `log is ${log.length} bytes after ${attackBytes} bytes of attack`);
  });

  it("cojson's own warnings: fixed text only, control characters removed, at most N per period", () => {
    const lines: string[] = [];
    const sys = new RelayLogSystem((l) => lines.push(l), 3);
    for (let i = 0; i < 10; i++) sys.warn(`Failed \u001b[2J to add ${'z'.repeat(500)}`);
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => !l.includes('\u001b') && l.length < 200));
    assert.equal(sys.endPeriod(), 'cojson: 7 more warnings not shown');
    sys.error('again');
    assert.equal(lines.length, 4, 'a new period logs again');
  });
});
