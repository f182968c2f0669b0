import { strict as assert } from 'node:assert';
import { checkFrame, sessionOwner } from '../../src/core/sync/wireGuard';
import { FakeClock } from '../../src/core/util/clock';
import { TokenBucket } from '../../src/relay/tokenBucket';
import { seededRandom } from '../fixtures/seededRandom';

const ID = 'co_zKx7bYq2V9mT4nR8wL3pD6sF1gH5jA';
const ACCOUNT = 'co_zAb3Cd4Ef5Gh6Jk7Lm8Np9Qr';
const SESSION = `${ACCOUNT}_session_zT4uV5wX6yZ7`;
const AGENT_SESSION = 'sealer_z9Ab8Cd7Ef/signer_z6Gh5Jk4Lm_session_zQr3St2Uv';
const tx = { privacy: 'private', madeAt: 1767225600000, keyUsed: 'key_z123', encryptedChanges: 'encrypted_Uabc' };
const content = {
  action: 'content',
  id: ID,
  priority: 3,
  header: { type: 'comap', ruleset: { type: 'ownedByGroup', group: ID }, meta: null, uniqueness: 'z1', createdAt: null },
  new: { [SESSION]: { after: 0, newTransactions: [tx, { privacy: 'trusting', madeAt: 1, changes: '[]' }], lastSignature: 'signature_z1' } },
};

describe('wire guard (incoming Jazz frames)', () => {
  it('passes what a real peer sends: sync messages, batches, pings, the empty frame', () => {
    const frames = [
      JSON.stringify({ action: 'load', id: ID, header: false, sessions: {} }),
      JSON.stringify({ action: 'known', id: ID, header: true, sessions: { [SESSION]: 2, [AGENT_SESSION]: 1 }, isCorrection: true }),
      JSON.stringify({ action: 'done', id: ID }),
      JSON.stringify({ action: 'reconcile', id: 'batch-1', values: [[ID, 'hash']] }),
      JSON.stringify({ action: 'reconcile-ack', id: 'batch-1' }),
      JSON.stringify(content),
      JSON.stringify({ type: 'ping', time: 1, dc: 'local' }),
      [JSON.stringify({ action: 'done', id: ID }), JSON.stringify(content)].join('\n'),
      '',
    ];
    for (const f of frames) assert.equal(checkFrame(f).ok, true, f.slice(0, 80));
    const verdict = checkFrame(JSON.stringify(content));
    assert.ok(verdict.ok);
    assert.ok((verdict.messages[0]?.sessionBytes?.get(SESSION) ?? 0) > 0, 'content bytes counted per session');
  });

  it('drops the frames that used to kill the relay, with a fixed problem word', () => {
    const bad: [unknown, string][] = [
      ['42', 'notObject'],
      ['1', 'notObject'],
      ['true', 'notObject'],
      ['"s"', 'notObject'],
      ['null', 'notObject'],
      ['[{"action":"done"}]', 'notObject'],
      ['{"action":', 'notJson'],
      [Buffer.from('{}'), 'notText'],
      ['{"action":"explode","id":"co_z1"}', 'unknownAction'],
      ['{"hello":1}', 'unknownAction'],
      [JSON.stringify({ ...content, new: { [SESSION]: { after: 0, newTransactions: 'x', lastSignature: 's' } } }), 'badField'],
      [JSON.stringify({ ...content, id: 42 }), 'badField'],
      [JSON.stringify({ action: 'load', id: ID, header: false, sessions: { 'not a session': 1 } }), 'badField'],
      [JSON.stringify({ action: 'known', id: ID, header: true, sessions: { [SESSION]: -1 } }), 'badField'],
      ['{"action":"done","id":"co_z1"}\n42', 'notObject'],
      // Found by the relay fuzzer: header ids cojson loads as dependencies must be ids (else a SQLite bind error).
      [JSON.stringify({ ...content, header: { ...content.header, ruleset: { type: 'ownedByGroup', group: 7 } } }), 'badField'],
      [JSON.stringify({ ...content, header: { ...content.header, meta: { source: [] } } }), 'badField'],
      [JSON.stringify({ ...content, header: { ...content.header, ruleset: { type: 'group', initialAdmin: {} } } }), 'badField'],
      ['x'.repeat(2 * 1024 * 1024), 'tooLarge'],
    ];
    for (const [frame, problem] of bad) {
      const v = checkFrame(frame);
      assert.equal(v.ok, false, String(frame).slice(0, 60));
      assert.equal((v as { problem: string }).problem, problem, String(frame).slice(0, 60));
    }
  });

  it('never throws on random input (seeded fuzz, 20 000 frames)', () => {
    const rnd = seededRandom(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const base = JSON.stringify(content);
    for (let i = 0; i < 20_000; i++) {
      let frame: string;
      const kind = rnd();
      if (kind < 0.3) {
        frame = String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 0x3000)));
      } else if (kind < 0.6) {
        const at = Math.floor(rnd() * base.length);
        frame = base.slice(0, at) + pick(['', '"', '{', '[', '0', 'null', '\n', '}', ',']) + base.slice(at + Math.floor(rnd() * 4));
      } else {
        frame = base.replace(pick(['"comap"', '0,', '"private"', '3,', '"signature_z1"', 'null']), pick(['1', '[]', '{}', 'null', '"x"', 'true']));
      }
      const v = checkFrame(frame);
      assert.equal(typeof v.ok, 'boolean');
    }
  });

  it('names the account of a session (quota owner)', () => {
    assert.equal(sessionOwner(SESSION), ACCOUNT);
    assert.equal(sessionOwner(AGENT_SESSION), 'sealer_z9Ab8Cd7Ef/signer_z6Gh5Jk4Lm');
  });

  it('token bucket: a burst passes, then each extra byte costs time at the rate', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1000, 2000, clock);
    assert.equal(bucket.take(2000), 0);
    assert.equal(bucket.take(500), 500, '500 bytes over at 1000 B/s = 500 ms');
    clock.advance(500);
    assert.equal(bucket.take(0), 0, 'debt paid after waiting');
    clock.advance(10_000);
    assert.equal(bucket.take(2000), 0, 'refill is capped at the burst');
    assert.equal(bucket.take(1), 1);
  });
});
