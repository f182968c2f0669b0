import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { type HistoryService, openHistory } from '../../src/core/history/historyService';
import type { HistoryEntry } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings/settings';
import { FakeClock } from '../../src/core/util/clock';
import { MemoryLogger } from '../../src/core/util/logger';
import { seededRandom } from '../fixtures/seededRandom';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function remote(id: string, command: string, extra: Record<string, unknown> = {}): HistoryEntry {
  return {
    id, command, prompt: '', tags: [], executed: true, riskLevel: 'safe', warnings: [], deviceId: 'device-remote',
    createdAt: T0 - 1000, updatedAt: T0 - 1000, schemaVersion: 1, ...extra,
  } as HistoryEntry;
}

describe('records from sync are untrusted input (applyRemote)', () => {
  let dir: string;
  let h: HistoryService;
  let settings: Settings;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-remote-'));
    settings = { ...DEFAULT_SETTINGS, excludePatterns: [] };
    h = await openHistory({
      dbPath: path.join(dir, 'history.db'), vault: new MemoryKeyVault(), deviceId: 'device-1',
      settings: () => settings, logger: new MemoryLogger(), clock: new FakeClock(T0),
    });
  });
  afterEach(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an id with "|" is rejected and counted; the other records of the chunk still land', async () => {
    const r = await h.applyRemote([remote('ok-1', 'ls'), remote('bad|id', 'pwd'), remote('ok-2', 'make')]);
    assert.equal(r.inserted, 2);
    assert.equal(r.rejected, 1);
    assert.deepEqual((await h.latest(10)).map((e) => e.id).sort(), ['ok-1', 'ok-2']);
  });

  it('capture checks apply: escape sequences stripped, control characters, over 10 KB, future dates rejected; secrets redacted', async () => {
    const r = await h.applyRemote([
      remote('esc', '\u001b[31mls -la\u001b[0m'),
      remote('bell', 'echo \u0007hi'),
      remote('big', `echo ${'x'.repeat(11 * 1024)}`),
      remote('future', 'ls', { createdAt: T0 + 3 * DAY }),
      remote('cwd', 'ls', { workingDir: '/tmp/\u001b]0;owned\u0007' }),
      remote('prompt', 'ls', { prompt: 'hi\u0000' }),
      remote('secret', 'curl -H "Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345" https://x'),
      remote('notype', 42 as unknown as string),
    ]);
    assert.equal(r.inserted, 2, JSON.stringify(r));
    assert.equal(r.rejected, 6);
    assert.ok(r.problems && r.problems.length > 0 && r.problems.every((p) => !p.includes('echo')), 'reasons never quote the command');
    assert.equal((await h.get('esc'))?.command, 'ls -la');
    const secret = await h.get('secret');
    assert.ok(secret && !secret.command.includes('ghp_0123456789'), secret?.command);
  });

  it('risk fails closed: an unknown level becomes at least moderate, a too-low claim is re-classified locally', async () => {
    await h.applyRemote([
      remote('unknown', 'ls', { riskLevel: 'apocalyptic' }),
      remote('lying', 'rm -rf /', { riskLevel: 'safe' }),
      remote('higher', 'ls', { riskLevel: 'high', warnings: ['their warning'] }),
    ]);
    assert.equal((await h.get('unknown'))?.riskLevel, 'moderate');
    assert.equal((await h.get('lying'))?.riskLevel, 'critical');
    assert.equal((await h.get('higher'))?.riskLevel, 'high', 'never lower than what the sender said');
  });

  it('bounded fuzz (seeded): never throws, every stored record passes the checks', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rnd = seededRandom(seed * 31);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const junk = (): unknown => pick([
        undefined, null, 42, Number.NaN, -1, '', 'ok', '\u0000', '\u001b[2J', 'a|b', '\ud800', 'x'.repeat(20_000), [], {}, true,
        T0 + 10 * DAY, T0 - DAY, 'critical', 'unheard-of',
      ]);
      const fields = ['id', 'command', 'prompt', 'explanation', 'deviceId', 'createdAt', 'updatedAt', 'deletedAt', 'riskLevel',
        'workingDir', 'shell', 'tags', 'warnings', 'exitCode', 'durationMs', 'schemaVersion'];
      const batch: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        if (rnd() < 0.1) {
          batch.push(junk());
          continue;
        }
        const rec: Record<string, unknown> = { ...remote(`s${seed}-${i}`, `echo ${seed} ${i}`) };
        const mutations = Math.floor(rnd() * 3);
        for (let m = 0; m < mutations; m++) rec[pick(fields)] = junk();
        batch.push(rec);
      }
      const r = await h.applyRemote(batch);
      assert.equal(r.inserted + r.deleted + r.skipped + r.rejected, batch.length, `seed ${seed}: every record accounted for`);
    }
    for (const e of await h.exportAll()) {
      if (e.deletedAt !== undefined) continue;
      for (const text of [e.id, e.command, e.prompt, e.deviceId, e.workingDir ?? '', e.shell ?? '', ...e.tags, ...e.warnings]) {
        assert.ok(!CONTROL.test(text) && !text.includes('\u001b'), `${e.id}: no control characters`);
      }
      assert.ok(!e.id.includes('|') && e.createdAt <= T0 + DAY && Buffer.byteLength(e.command) <= 10 * 1024);
      assert.ok(['safe', 'moderate', 'high', 'critical'].includes(e.riskLevel));
    }
  });
});
