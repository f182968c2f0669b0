import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { parseRelayArgs } from '../../src/relay/relayArgs';
import { startRelay } from '../../src/relay/relayServer';
import { removeDir, tempDir } from './helpers/syncDevices';
import { spawnRelay } from './helpers/syncProcesses';

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url.replace(/^ws/, 'http'), (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function firstMessage(url: string): Promise<{ type?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', (d: Buffer) => {
      ws.close();
      resolve(JSON.parse(d.toString().split('\n')[0] ?? '{}') as { type?: string });
    });
    ws.once('error', reject);
  });
}

describe('relay', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it('binds to 127.0.0.1 on a free port, pings at once, explains itself over plain HTTP', async () => {
    const dir = tempDir('relay');
    dirs.push(dir);
    const relay = await startRelay({ port: 0, dataDir: dir });
    try {
      assert.match(relay.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(relay.port > 0);
      const msg = await firstMessage(relay.url);
      assert.equal(msg.type, 'ping', 'a Jazz client connects on the first server message');
      const res = await httpGet(relay.url);
      assert.equal(res.status, 200);
      assert.match(res.body, /Caro History relay/);
    } finally {
      await relay.stop();
    }
    // Stop is idempotent and the port is released.
    await relay.stop();
    await assert.rejects(firstMessage(relay.url));
  });

  it('parses its flags and rejects bad ones with a fix', () => {
    assert.deepEqual(parseRelayArgs(['--port', '4300', '--data', '/tmp/x', '--host', '::1']), {
      port: 4300,
      host: '::1',
      dataDir: '/tmp/x',
      limits: {},
      reportEverySeconds: 60,
    });
    assert.deepEqual(parseRelayArgs([]), { port: 4200, host: '127.0.0.1', dataDir: '.caro/relay', limits: {}, reportEverySeconds: 60 });
    const limited = parseRelayArgs(
      ['--max-message', '512KB', '--rate', '2MB', '--quota', '1GB', '--message-rate', '50', '--allow-origin', 'https://a.example', '--allow-origin', 'https://b.example'],
      { CARO_RELAY_TOKEN: 'a-long-enough-shared-token' },
    );
    assert.deepEqual(limited.limits, {
      maxPayloadBytes: 512 * 1024,
      bytesPerSecond: 2 * 1024 * 1024,
      accountQuotaBytes: 1024 * 1024 * 1024,
      messagesPerSecond: 50,
      allowedOrigins: ['https://a.example', 'https://b.example'],
      token: 'a-long-enough-shared-token',
    });
    assert.throws(() => parseRelayArgs(['--quota', 'lots']), /not a size for --quota.*e\.g\. 512KB/);
    assert.throws(() => parseRelayArgs([], { CARO_RELAY_TOKEN: 'short' }), /too short/);
    assert.throws(() => parseRelayArgs(['--help']), /--quota <size>[\s\S]*CARO_RELAY_TOKEN/);
    assert.throws(() => parseRelayArgs(['--port', 'abc']), /not a port number/);
    assert.throws(() => parseRelayArgs(['--port', '70000']), /0 to 65535/);
    assert.throws(() => parseRelayArgs(['--bogus', '1']), /Unknown option/);
    assert.throws(() => parseRelayArgs(['--port']), /Missing value/);
  });

  it('runs as a process, stops cleanly on SIGTERM and SIGINT', async () => {
    const dir = tempDir('relayproc');
    dirs.push(dir);
    const r1 = await spawnRelay(dir);
    assert.equal((await firstMessage(r1.url)).type, 'ping');
    await r1.kill('SIGTERM');
    assert.deepEqual(await r1.exited, { code: 0, signal: null });
    const r2 = await spawnRelay(dir, r1.port);
    assert.equal(r2.url, r1.url, 'restarts on the same port with the same data folder');
    await r2.kill('SIGINT');
    assert.deepEqual(await r2.exited, { code: 0, signal: null });
  });
});
