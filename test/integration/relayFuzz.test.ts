import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FrameFuzzer } from './helpers/frameFuzzer';
import { openRaw } from './helpers/relayClient';
import { startRelayTap } from './helpers/relayTap';
import { liveSummary, openDevice, recordCommands, removeDir, tempDir, waitFor } from './helpers/syncDevices';
import { spawnRelay } from './helpers/syncProcesses';

const FRAMES = Number(process.env.CARO_RELAY_FUZZ_FRAMES ?? 10_000);
const SEED = Number(process.env.CARO_RELAY_FUZZ_SEED ?? 0xca70);
const WORKERS = 8;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function storeBytes(dir: string): number {
  return ['relay.db', 'relay.db-wal'].map((f) => join(dir, f)).filter(existsSync).reduce((s, f) => s + statSync(f).size, 0);
}

const MB = (n: number) => Math.round((n / 1024 / 1024) * 100) / 100;

describe('relay fuzz (hostile frames on loopback)', function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it(`stays up with bounded memory under ${FRAMES} random and mutated frames; a real client syncs afterwards`, async () => {
    const relayDir = tempDir('fuzzrelay');
    dirs.push(relayDir);
    const relay = await spawnRelay(relayDir);
    const pid = relay.child.pid!;
    const output: string[] = [];
    relay.child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    relay.child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    try {
      // 1. A real client session through a recording proxy: the fuzzer mutates these frames.
      const tap = await startRelayTap(relay.url);
      const a = await openDevice('fuzz-a', tap.url);
      dirs.push(a.dir);
      const { phrase } = await a.engine.init();
      const commands = ['git status', 'npm run build', 'ls -la /tmp', 'echo fuzz-marker', 'make test'];
      await recordCommands(a, commands);
      await waitFor(async () => (await a.history.pendingCount()) === 0, 'A uploads through the tap');
      const expected = await liveSummary(a);
      await a.close();
      await tap.close();
      const real = [...tap.up, ...tap.down].filter((f) => f.includes('"action"'));
      assert.ok(real.some((f) => f.includes('"content"')), 'recorded real content frames');

      const rssBefore = rssBytes(pid);
      const storeBefore = storeBytes(relayDir);

      // 2. Fuzz: WORKERS connections at a time; a connection closed by the relay is replaced by a new one.
      const fuzzer = new FrameFuzzer(SEED, real);
      let sent = 0;
      let connections = 0;
      const handshakeErrors: string[] = [];
      let rssPeak = rssBefore;
      const worker = async () => {
        while (sent < FRAMES) {
          let c: Awaited<ReturnType<typeof openRaw>>;
          try {
            c = await openRaw(relay.url);
          } catch (e) {
            if (relay.child.exitCode !== null) throw new Error(`relay exited (${relay.child.exitCode}): ${output.join('').slice(-2000)}`);
            handshakeErrors.push(String(e));
            if (handshakeErrors.length > 20) throw new Error(`handshakes keep failing: ${handshakeErrors.slice(-3).join('; ')}`);
            continue;
          }
          connections += 1;
          let open = true;
          while (sent < FRAMES && open) {
            // Small bursts, then a round trip: every frame is really handled before the next burst (no frames lost
            // in buffers of a connection the relay already closed).
            for (let i = 0; i < 8 && sent < FRAMES && c.ws.readyState === c.ws.OPEN; i++) {
              sent += 1;
              await c.send(fuzzer.next());
              if (sent % 1000 === 0) rssPeak = Math.max(rssPeak, rssBytes(pid));
            }
            open = await c.roundTrip();
          }
          c.ws.terminate();
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));

      // 3. Still up and answering, memory bounded, a real client syncs.
      const probe = await openRaw(relay.url);
      assert.equal(await probe.roundTrip(), true, 'relay answers after the fuzz run');
      probe.ws.close();
      assert.equal(relay.child.exitCode, null, 'relay process still running');
      const rssAfter = rssBytes(pid);
      const b = await openDevice('fuzz-b', relay.url);
      dirs.push(b.dir);
      await b.engine.join(phrase);
      await waitFor(async () => (await liveSummary(b)).length === expected.length, 'B downloads A history');
      assert.deepEqual(await liveSummary(b), expected);
      await b.close();
      const storeAfter = storeBytes(relayDir);
      const logBytes = output.join('').length;
      console.log(
        JSON.stringify({
          seed: SEED,
          frames: sent,
          connections,
          handshakeErrors: handshakeErrors.length,
          realFramesRecorded: real.length,
          relayRssMB: { before: MB(rssBefore), peak: MB(rssPeak), after: MB(rssAfter) },
          relayStoreMB: { before: MB(storeBefore), after: MB(storeAfter) },
          relayLogBytes: logBytes,
          relayLogStart: output.join('').slice(0, 400),
        }),
      );
      assert.ok(sent >= FRAMES);
      assert.ok(rssPeak - rssBefore < 200 * 1024 * 1024, `relay RSS grew by ${MB(rssPeak - rssBefore)} MB`);
      assert.ok(storeAfter - storeBefore < 5 * 1024 * 1024, `relay store grew by ${MB(storeAfter - storeBefore)} MB`);
      assert.ok(logBytes < 64 * 1024, `relay log is ${logBytes} bytes`);
      assert.doesNotMatch(output.join(''), /[\u0000-\u0008\u001b\u007f]/, 'no control characters from the fuzzer in the log');
    } finally {
      await relay.kill();
    }
  });
});
