/**
 * Records that arrive by sync are untrusted input (issue part B). A writer holding the account pushes validly
 * encrypted batches of random and malformed records into a device log on a real relay; the reading device must keep
 * syncing, store the good records, count the bad ones (sync status + log) and store nothing that fails the capture
 * checks. Bounded and seeded: a failure names its seed.
 */
import { strict as assert } from 'node:assert';
import { batchAad } from '../../src/core/crypto/aad';
import { sealString } from '../../src/core/crypto/blob';
import { seededRandom } from '../fixtures/seededRandom';
import {
  liveEntries,
  openDevice,
  pushToDeviceLog,
  recordCommands,
  startTestRelay,
  waitFor,
  type TestDevice,
  closeDevicesAndRelay,
} from './helpers/syncDevices';

const SEEDS = 12;
const PER_BATCH = 25;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Mutations that make a record certainly bad, whatever else is in it. */
const CERTAINLY_BAD: ((r: Record<string, unknown>) => void)[] = [
  (r) => (r.id = `${String(r.id)}|x`),
  (r) => (r.command = `echo \u0007${String(r.command)}`),
  (r) => (r.command = `${String(r.command)} ${'y'.repeat(11 * 1024)}`),
  (r) => (r.createdAt = Date.now() + 30 * 86_400_000),
  (r) => (r.deviceId = 'ghost-device-not-in-this-history'),
  (r) => (r.command = { toString: 'ls' }),
  (r) => (r.workingDir = '/tmp/\u001b]0;title\u0007'),
  (r) => (r.createdAt = Number.NaN),
];
const JUNK: unknown[] = [undefined, null, 0, -5, '', 'x|y', '\u001b[2J', '\ud800', [], {}, true, 'unheard-of-level', 1e300];
const FIELDS = ['prompt', 'explanation', 'riskLevel', 'tags', 'warnings', 'exitCode', 'durationMs', 'shell', 'updatedAt', 'success'];

describe('sync: untrusted records (bounded fuzz through a real relay)', function () {
  this.timeout(180_000);
  let relay: Awaited<ReturnType<typeof startTestRelay>>;
  const devices: TestDevice[] = [];
  before(async () => {
    relay = await startTestRelay();
  });
  after(() => closeDevicesAndRelay(devices, relay));

  it(`${SEEDS} seeds of random/malformed records inside valid batches: sync never stops, bad ones counted, good ones land`, async () => {
    const a = await openDevice('UA', relay.url);
    const b = await openDevice('UB', relay.url);
    devices.push(a, b);
    await recordCommands(a, ['before-1']);
    const { phrase } = await a.engine.init();
    await b.engine.join(phrase);

    const good = new Set<string>();
    const bad = new Set<string>();
    const now = Date.now();
    await pushToDeviceLog(relay.url, phrase, a.deviceId, (identity) => {
      const items: string[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const rnd = seededRandom(seed * 104_729);
        const records: unknown[] = [];
        for (let i = 0; i < PER_BATCH; i++) {
          const id = `fz-${seed}-${i}`;
          const rec: Record<string, unknown> = {
            id, command: `echo fuzz ${seed} ${i}`, prompt: '', tags: [], executed: true, riskLevel: 'safe', warnings: [],
            // Half name this log's device, half the other device of the account (a re-upload after a join).
            deviceId: rnd() < 0.5 ? a.deviceId : b.deviceId, createdAt: now - i * 1000, updatedAt: now - i * 1000, schemaVersion: 1,
          };
          const roll = rnd();
          if (roll < 0.35) {
            good.add(id);
          } else if (roll < 0.75) {
            CERTAINLY_BAD[Math.floor(rnd() * CERTAINLY_BAD.length)]!(rec);
            bad.add(String(rec.id));
          } else if (roll < 0.9) {
            // Anything may happen to optional fields; the record may land or not, but it must be safe if it lands.
            rec[FIELDS[Math.floor(rnd() * FIELDS.length)]!] = JUNK[Math.floor(rnd() * JUNK.length)];
          } else {
            records.push(JUNK[Math.floor(rnd() * JUNK.length)]);
            continue;
          }
          records.push(rec);
        }
        // Sealed by hand: the writer's records are raw JSON, not entries (encodeBatch would normalise them).
        const seq = 5000 + seed;
        items.push(`b1.${seq}.${sealString(identity.commandKey, JSON.stringify({ v: 1, records }), batchAad(a.deviceId, seq))}`);
      }
      return items;
    });

    await b.engine.syncNow();
    await waitFor(async () => {
      const ids = new Set((await liveEntries(b)).map((e) => e.id));
      return [...good].every((id) => ids.has(id));
    }, 'every good record lands on B');
    assert.equal(b.engine.status.state, 'online');

    const live = await liveEntries(b);
    const ids = new Set(live.map((e) => e.id));
    assert.deepEqual([...bad].filter((id) => ids.has(id)), [], 'no certainly-bad record is stored');
    assert.ok((b.engine.status.rejectedRecords ?? 0) >= bad.size, `rejected ${b.engine.status.rejectedRecords} >= ${bad.size}`);
    assert.ok(b.logger.lines.some((l) => /^warn .*failed the checks/.test(l)), 'the skipped records are in the log');
    for (const e of live) {
      for (const text of [e.id, e.command, e.prompt, e.deviceId, e.workingDir ?? '', e.shell ?? '', ...e.tags, ...e.warnings]) {
        assert.ok(!CONTROL.test(text), `${e.id}: no control characters or escape sequences`);
      }
      assert.ok(!e.id.includes('|') && Buffer.byteLength(e.command) <= 10 * 1024 && e.createdAt <= Date.now() + 86_400_000);
      assert.ok([a.deviceId, b.deviceId].includes(e.deviceId), `${e.id}: a device of this history`);
    }

    // Sync goes on: the position was saved past the bad records, and new history keeps arriving.
    await recordCommands(a, ['after-the-fuzz']);
    await waitFor(async () => (await liveEntries(b)).some((e) => e.command === 'after-the-fuzz'), 'a later command arrives');
    await b.engine.syncNow();
    assert.equal(b.engine.status.state, 'online');
  });
});
