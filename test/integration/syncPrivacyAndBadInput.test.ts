import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { batchAad } from '../../src/core/crypto/aad';
import { sealString } from '../../src/core/crypto/blob';
import { generatePhrase } from '../../src/core/crypto/phrase';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { isCaroError } from '../../src/core/model/errors';
import type { HistoryEntry } from '../../src/core/model/entry';
import { encodeBatch } from '../../src/core/sync/batchCodec';
import { openRelaySocket, type WebSocketConstructor } from '../../src/core/sync/relayConnection';
import {
  liveEntries,
  openDevice,
  recordCommands,
  removeDir,
  pushToDeviceLog,
  startTestRelay,
  waitFor,
  type TestDevice,
} from './helpers/syncDevices';

type Relay = Awaited<ReturnType<typeof startTestRelay>>;

describe('sync: privacy and bad input', function () {
  this.timeout(90_000);
  let relay: Relay;
  const open: TestDevice[] = [];
  const dirs: string[] = [];
  before(async () => {
    relay = await startTestRelay();
  });
  afterEach(async () => {
    for (const d of open.splice(0)) {
      await d.close().catch(() => undefined);
      dirs.push(d.dir);
    }
  });
  after(async () => {
    await relay.stop().catch(() => undefined);
    dirs.push(relay.dataDir);
    dirs.forEach(removeDir);
  });
  async function device(name: string, opts: Parameters<typeof openDevice>[2] = {}): Promise<TestDevice> {
    const d = await openDevice(name, relay.url, opts);
    open.push(d);
    return d;
  }

  it('the relay stores no plaintext: commands, prompts, cwd, device names, exclude patterns', async () => {
    const own = await startTestRelay();
    dirs.push(own.dataDir);
    const markers = {
      command: 'MARKERCMD_7c1e9 --verbose',
      prompt: 'MARKERPROMPT_list the big files',
      cwd: '/home/MARKERCWD_alice/projects',
      device: 'MARKERDEVICE_Alices-MacBook',
      exclude: '^MARKEREXCLUDE_vault',
      explanation: 'MARKEREXPLAIN_lists files by size',
    };
    const a = await openDevice(markers.device, own.url, { settings: { excludePatterns: [] } });
    const b = await openDevice('MARKERDEVICE_B-desktop', own.url);
    open.push(a, b);
    await a.history.record({
      commandLine: markers.command,
      cwd: markers.cwd,
      prompt: markers.prompt,
      explanation: markers.explanation,
      startedAt: Date.now(),
      exitCode: 0,
    });
    await recordCommands(a, ['echo MARKERCMD_second']);
    const { phrase } = await a.engine.init();
    a.settings.excludePatterns = [markers.exclude];
    await a.engine.preferencesChanged();
    await b.engine.join(phrase);
    await a.engine.renameDevice(b.deviceId, 'MARKERDEVICE_renamed');
    await waitFor(() => b.engine.preferences().excludePatterns?.[0] === markers.exclude, 'prefs reach B');
    const onB = (await liveEntries(b)).find((e) => e.command === markers.command);
    assert.equal(onB?.prompt, markers.prompt, 'B decrypts everything');
    assert.equal(onB?.workingDir, markers.cwd);
    await a.close();
    await b.close();
    open.splice(0);
    await own.stop();

    const files = [own.dbPath, `${own.dbPath}-wal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(bytes.length > 10_000, 'the relay did store the synced history');
    // Positive control: the scan sees what the relay legitimately knows (CoValue ids are plain Jazz metadata).
    assert.ok(bytes.includes(Buffer.from('co_z')), 'scan reads the real relay storage');
    for (const [kind, value] of Object.entries({ ...markers, MARKER: 'MARKER' })) {
      for (const form of [value, value.toLowerCase(), Buffer.from(value).toString('base64').slice(0, 12)]) {
        assert.equal(bytes.includes(Buffer.from(form)), false, `${kind} found in relay storage as "${form}"`);
      }
    }
  });

  it('bad phrases: wrong, 23 and 25 words, bad checksum, unknown word — clear errors, nothing stored', async () => {
    const a = await device('A');
    const { phrase } = await a.engine.init();
    const words = phrase.split(' ');
    const b = await device('B');
    const cases: [string, RegExp][] = [
      [words.slice(0, 23).join(' '), /23 words|24 words/],
      [[...words, 'abandon'].join(' '), /25 words|24 words/],
      [[...words.slice(0, 23), words[23] === 'zoo' ? 'zone' : 'zoo'].join(' '), /checksum|mistyped|order/i],
      [[...words.slice(0, 5), 'notaword', ...words.slice(6)].join(' '), /6/],
    ];
    for (const [input, pattern] of cases) {
      await assert.rejects(b.engine.join(input), (e: unknown) => {
        assert.ok(isCaroError(e, 'invalidPhrase'), String(e));
        assert.match(`${e.message} ${e.action ?? ''}`, pattern);
        // Never echoes the input: no unknown word, no two consecutive phrase words (single common words such as
        // "order" may legitimately appear in the explanation).
        const text = `${e.message} ${e.action ?? ''}`.toLowerCase();
        assert.ok(!text.includes('notaword'));
        for (let i = 0; i + 1 < words.length; i++) assert.ok(!text.includes(`${words[i]} ${words[i + 1]}`), 'never echoes words');
        return true;
      });
    }
    // A valid phrase that no device ever used: verified against the relay, rejected, nothing stored.
    await assert.rejects(b.engine.join(generatePhrase()), (e: unknown) => {
      assert.ok(isCaroError(e, 'noSyncedHistory'));
      assert.match(e.message, /does not match any synced history/);
      return true;
    });
    assert.equal(await b.vault.get('syncIdentity'), undefined);
    assert.equal(await b.vault.get('recoveryPhrase'), undefined);
    assert.equal(b.engine.status.state, 'uninitialised');
    assert.ok(!b.logger.lines.join('\n').includes(words[3]!), 'nothing phrase-like in the log');
  });

  it('server problems: not a Jazz server, relay down, not a URL — distinct messages', async () => {
    const http: Server = createServer((_q, r) => r.end('hello, I am a web server'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const httpUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const downUrl = `ws://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    try {
      const Ws = WebSocket as unknown as WebSocketConstructor;
      await assert.rejects(openRelaySocket(httpUrl, Ws, 3000), (e) => isCaroError(e, 'notAJazzServer'));
      await assert.rejects(openRelaySocket(downUrl, Ws, 3000), (e) => isCaroError(e, 'relayUnreachable'));

      const x = await device('X', { settings: { syncServerUrl: httpUrl } });
      await assert.rejects(x.engine.init(), (e: unknown) => {
        assert.ok(isCaroError(e, 'notAJazzServer'));
        assert.match(e.message, /not a Jazz sync server/);
        return true;
      });
      x.settings.syncServerUrl = downUrl;
      await assert.rejects(x.engine.join(generatePhrase()), (e: unknown) => {
        assert.ok(isCaroError(e, 'relayUnreachable'));
        assert.match(e.message, /Can't reach the sync server at ws:\/\/127\.0\.0\.1/);
        return true;
      });
      x.settings.syncServerUrl = 'ftp://example.com';
      await assert.rejects(x.engine.init(), (e) => isCaroError(e, 'invalidInput'));
      assert.equal(await x.vault.get('syncIdentity'), undefined, 'nothing stored after failures');

      // A set-up device whose relay goes away goes offline with the reason, keeps recording, and comes back.
      const a = await device('A');
      await a.engine.init();
      a.settings.syncServerUrl = downUrl;
      await a.engine.settingsChanged();
      await waitFor(() => a.engine.status.state === 'offline', 'A offline');
      assert.match(a.engine.status.lastError?.message ?? '', /Can't reach the sync server/);
      await recordCommands(a, ['while down']);
      assert.equal(await a.history.pendingCount(), 1);
      a.settings.syncServerUrl = relay.url;
      await a.engine.syncNow();
      assert.equal(a.engine.status.state, 'online');
      assert.equal(await a.history.pendingCount(), 0);
    } finally {
      await new Promise<void>((r) => http.close(() => r()));
    }
  });

  it('corrupt or foreign batches from the relay are skipped with a warning; local data is untouched', async () => {
    const a = await device('A');
    await recordCommands(a, ['good-1', 'good-2']);
    const { phrase } = await a.engine.init();
    const b = await device('B');
    await b.engine.join(phrase);
    assert.equal((await liveEntries(b)).length, 2);

    // An attacker-or-bug writer with the account: push bad items into A's device log.
    const record = (command: string, extra: Record<string, unknown> = {}): HistoryEntry =>
      ({
        id: `injected-${command}`,
        command,
        prompt: '',
        tags: [],
        executed: true,
        riskLevel: 'safe',
        warnings: [],
        deviceId: a.deviceId,
        createdAt: Date.now(),
        updatedAt: Date.now(),
        schemaVersion: 1,
        ...extra,
      }) as HistoryEntry;
    await pushToDeviceLog(relay.url, phrase, a.deviceId, (identity) => [
      'not a caro batch at all',
      'b1.900.!!!!not-base64!!!!',
      encodeBatch(identity.commandKey, 'some-other-device', 901, [record('moved')]),
      encodeBatch(SecretKey.random(), a.deviceId, 902, [record('foreign-key')]),
      `b1.903.${sealString(identity.commandKey, '{not json', batchAad(a.deviceId, 903))}`,
      encodeBatch(identity.commandKey, a.deviceId, 904, [
        record('from-the-future', { schemaVersion: 7, hologram: { x: 1 } }),
        { id: 42 } as unknown as HistoryEntry,
      ]),
    ]);

    await b.engine.syncNow();
    await waitFor(async () => (await liveEntries(b)).length === 3, 'the one valid injected record arrives');
    const commands = (await liveEntries(b)).map((e) => e.command).sort();
    assert.deepEqual(commands, ['from-the-future', 'good-1', 'good-2']);
    const future = (await liveEntries(b)).find((e) => e.command === 'from-the-future')!;
    assert.equal((future as unknown as Record<string, unknown>).hologram, undefined, 'unknown fields skipped');
    const warnings = b.logger.lines.filter((l) => l.startsWith('warn'));
    assert.equal(warnings.filter((w) => /Skipped a synced batch/.test(w)).length, 5, warnings.join('\n'));
    assert.equal(warnings.filter((w) => /newer Caro History record format/.test(w)).length, 1, 'warns once');
    assert.ok(warnings.some((w) => /failed the checks \(damaged record\)/.test(w)), warnings.join('\n'));
    assert.equal(b.engine.status.rejectedRecords, 1, 'the damaged record is counted in the sync status');
    assert.equal(b.engine.status.state, 'online');
    // Warnings never carry key material or the phrase.
    assert.ok(!warnings.join('\n').includes(phrase.split(' ')[0]!));
  });
});
