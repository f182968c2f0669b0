import { strict as assert } from 'node:assert';
import {
  type Envelope,
  type HostToWebview,
  Messenger,
  MessengerError,
  PROTOCOL_LIMITS,
  PROTOCOL_VERSION,
  REPLY_TYPES,
  type WebviewToHost,
  parseHostMessage,
  parseWebviewMessage,
  toHistoryFilter,
} from '../../src/core/protocol/webviewProtocol';

function accept(u: unknown): WebviewToHost {
  const r = parseWebviewMessage(u);
  if (!r.ok) assert.fail(`expected acceptance, got: ${r.reason}`);
  return r.value.body;
}

function reject(u: unknown, reasonPart: RegExp): void {
  const r = parseWebviewMessage(u);
  assert.equal(r.ok, false, `expected rejection of ${JSON.stringify(u)?.slice(0, 200)}`);
  if (!r.ok) assert.match(r.reason, reasonPart);
}

const env = (body: unknown, extra: Record<string, unknown> = {}): unknown => ({ id: 1, body, ...extra });

describe('webview protocol: parseWebviewMessage', () => {
  it('accepts every well-formed request type and returns a fresh copy', () => {
    const good: WebviewToHost[] = [
      { type: 'ready', view: 'history', protocolVersion: PROTOCOL_VERSION },
      { type: 'history/query', filter: { text: 'git', failedOnly: true, riskLevels: ['high'], since: 1, until: 2 }, offset: 0, limit: 200 },
      { type: 'history/detail', id: 'a' },
      { type: 'history/insert', id: 'a', run: true },
      { type: 'history/delete', target: { kind: 'ids', ids: ['a', 'b'] } },
      { type: 'history/export', target: { kind: 'matching', filter: { workspace: 'w' }, exceptIds: ['c'] } },
      { type: 'history/stats' },
      { type: 'history/facets' },
      { type: 'devices/refresh' },
      { type: 'devices/rename', deviceId: 'd', name: 'Laptop' },
      { type: 'devices/remove', deviceId: 'd' },
      { type: 'sync/now' }, { type: 'sync/pause' }, { type: 'sync/resume' }, { type: 'sync/setup' }, { type: 'sync/join' },
      { type: 'webview/error', message: 'boom' },
    ];
    const covered = new Set(good.map((g) => g.type));
    assert.deepEqual([...covered].sort(), Object.keys(REPLY_TYPES).sort(), 'test covers every message type');
    for (const body of good) {
      const raw = env(body);
      const r = parseWebviewMessage(raw);
      assert.ok(r.ok, `rejected ${body.type}: ${r.ok ? '' : r.reason}`);
      assert.deepEqual(r.value.body, body);
      assert.notEqual(r.value.body, body, 'validated body is a copy, not the caller object');
    }
  });

  it('rejects non-objects, bad envelopes and replies posted by a webview', () => {
    for (const u of [null, undefined, 42, 'ready', [], [{ id: 1 }], new Date()]) reject(u, /message must be an object/);
    reject({ body: { type: 'sync/now' } }, /message\.id is missing/);
    reject({ id: '1', body: { type: 'sync/now' } }, /message\.id must be a whole number/);
    reject({ id: 1.5, body: { type: 'sync/now' } }, /whole number/);
    reject({ id: -1, body: { type: 'sync/now' } }, /between/);
    reject({ id: 1 }, /message\.body is missing/);
    reject(env({ type: 'sync/now' }, { inReplyTo: 3 }), /inReplyTo is not accepted/);
    reject(env({ type: 'sync/now' }, { extra: true }), /unknown field "extra"/);
  });

  it('rejects unknown types, missing fields and wrong field types without executing anything', () => {
    reject(env({ type: 'history/dropTable' }), /unknown message type/);
    reject(env({ type: 'constructor' }), /unknown message type/);
    reject(env({ type: '__proto__' }), /unknown message type/);
    reject(env({ nottype: 'x' }), /body\.type must be a string/);
    reject(env({ type: 'history/insert', id: 'a' }), /history\/insert\.run is missing/);
    reject(env({ type: 'history/insert', id: 'a', run: 'yes' }), /run must be true or false/);
    reject(env({ type: 'history/insert', id: 7, run: true }), /id must be a string/);
    reject(env({ type: 'history/insert', id: '', run: true }), /must not be empty/);
    reject(env({ type: 'history/query', filter: {}, offset: -1, limit: 10 }), /offset must be between/);
    reject(env({ type: 'history/query', filter: {}, offset: 0, limit: 0 }), /limit must be between/);
    reject(env({ type: 'history/query', filter: {}, offset: 0, limit: Number.NaN }), /whole number/);
    reject(env({ type: 'history/query', filter: [], offset: 0, limit: 1 }), /filter must be an object/);
    reject(env({ type: 'history/query', filter: { riskLevels: ['deadly'] }, offset: 0, limit: 1 }), /riskLevels\[0\] must be one of/);
    reject(env({ type: 'history/query', filter: { since: 5, until: 1 }, offset: 0, limit: 1 }), /since is after/);
    reject(env({ type: 'history/query', filter: { mode: 'regex' }, offset: 0, limit: 1 }), /mode must be one of/);
    reject(env({ type: 'history/query', filter: { sql: '1=1' }, offset: 0, limit: 1 }), /unknown field "sql"/);
    reject(env({ type: 'ready', view: 'settings', protocolVersion: 1 }), /view must be one of/);
    reject(env({ type: 'history/delete', target: { kind: 'ids', ids: [] } }), /must not be empty/);
    reject(env({ type: 'history/delete', target: { kind: 'everything' } }), /kind must be one of/);
    reject(env({ type: 'history/delete', target: { kind: 'ids', ids: [1] } }), /ids\[0\] must be a string/);
    reject(env({ type: 'devices/rename', deviceId: 'd', name: '   ' }), /must not be blank/);
    reject(env({ type: 'devices/rename', deviceId: 'd', name: 'a\u0007b' }), /control characters/);
    reject(env({ type: 'sync/now', force: true }), /unknown field "force"/);
  });

  it('rejects prototype tricks and class instances', () => {
    const polluted = JSON.parse('{"id":1,"body":{"type":"sync/now","__proto__":{"admin":true}}}') as unknown;
    reject(polluted, /unknown field "__proto__"/);
    class Fake { type = 'sync/now'; }
    reject(env(new Fake()), /body must be an object/);
    const getter = { id: 1, get body(): unknown { throw new Error('side effect'); } };
    const r = parseWebviewMessage(getter);
    assert.equal(r.ok, false);
  });

  it('rejects oversize strings and arrays', () => {
    const L = PROTOCOL_LIMITS;
    reject(env({ type: 'history/query', filter: { text: 'x'.repeat(L.maxQueryText + 1) }, offset: 0, limit: 1 }), /text is too long/);
    accept(env({ type: 'history/query', filter: { text: 'x'.repeat(L.maxQueryText) }, offset: 0, limit: 1 }));
    reject(env({ type: 'history/detail', id: 'i'.repeat(L.maxField + 1) }), /id is too long/);
    reject(env({ type: 'devices/rename', deviceId: 'd', name: 'n'.repeat(L.maxDeviceName + 1) }), /name is too long/);
    const many = Array.from({ length: L.maxIds + 1 }, (_, i) => `id${i}`);
    reject(env({ type: 'history/delete', target: { kind: 'ids', ids: many } }), /too many items/);
    accept(env({ type: 'history/delete', target: { kind: 'ids', ids: many.slice(0, L.maxIds) } }));
    reject(env({ type: 'history/query', filter: {}, offset: 0, limit: L.maxPageSize + 1 }), /limit must be between/);
    reject(env({ type: 'webview/error', message: 'e'.repeat(L.maxDiagnostic + 1) }), /too long/);
  });

  it('reasons never echo field contents', () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE-secret-text';
    const r = parseWebviewMessage(env({ type: 'history/insert', id: secret, run: 'maybe' }));
    assert.ok(!r.ok);
    assert.ok(!r.reason.includes(secret));
    const r2 = parseWebviewMessage(env({ type: 'history/query', filter: { text: secret.repeat(100) }, offset: 0, limit: 1 }));
    assert.ok(!r2.ok);
    assert.ok(!r2.reason.includes(secret));
  });

  it('trims device names and de-duplicates risk levels', () => {
    const b = accept(env({ type: 'devices/rename', deviceId: 'd', name: '  Work laptop ' }));
    assert.deepEqual(b, { type: 'devices/rename', deviceId: 'd', name: 'Work laptop' });
    const q = accept(env({ type: 'history/query', filter: { riskLevels: ['high', 'high', 'critical'] }, offset: 0, limit: 5 }));
    assert.ok(q.type === 'history/query');
    assert.deepEqual(q.filter.riskLevels, ['high', 'critical']);
  });
});

describe('webview protocol: parseHostMessage and toHistoryFilter', () => {
  it('accepts host envelopes and rejects stray traffic', () => {
    assert.ok(parseHostMessage({ id: 1, inReplyTo: 2, body: { type: 'ack' } }).ok);
    assert.ok(!parseHostMessage({ id: 1, body: { type: 'evil' } }).ok);
    assert.ok(!parseHostMessage({ id: 'x', body: { type: 'ack' } }).ok);
    assert.ok(!parseHostMessage({ id: 1, inReplyTo: 'x', body: { type: 'ack' } }).ok);
    assert.ok(!parseHostMessage('{"id":1}').ok);
  });

  it('maps panel filters onto core HistoryFilter', () => {
    assert.deepEqual(toHistoryFilter({ text: '  git  ', failedOnly: true, riskLevels: [], workspace: '' }), { text: 'git', status: 'failed' });
    assert.deepEqual(toHistoryFilter({ riskLevels: ['critical'], since: 1, until: 9, deviceId: 'd' }), { riskLevels: ['critical'], since: 1, until: 9, deviceId: 'd' });
  });
});

describe('webview protocol: Messenger', () => {
  /** Two messengers wired back to back, like host and webview. */
  function pair(hostHandler: (b: WebviewToHost) => Promise<HostToWebview | undefined> | HostToWebview | undefined, timeoutMs = 1000) {
    const toHost: Envelope<WebviewToHost>[] = [];
    const ref: { host?: Messenger<HostToWebview, WebviewToHost> } = {};
    const view = new Messenger<WebviewToHost, HostToWebview>({
      post: (e) => {
        toHost.push(e);
        const parsed = parseWebviewMessage(JSON.parse(JSON.stringify(e)));
        if (parsed.ok) void ref.host?.handle(parsed.value);
      },
      onMessage: () => undefined,
      asError: (b) => (b.type === 'error' ? new MessengerError(b.code, b.message, b.action) : undefined),
      timeoutMs,
    });
    const host = new Messenger<HostToWebview, WebviewToHost>({
      post: (e) => { void view.handle(JSON.parse(JSON.stringify(e)) as Envelope<HostToWebview>); },
      onMessage: hostHandler,
      onError: (e) => ({ type: 'error', code: 'internal', message: e instanceof Error ? e.message : 'failed' }),
    });
    ref.host = host;
    return { view, host, toHost };
  }

  it('correlates replies with requests, even when answered out of order', async () => {
    const { view } = pair(async (b) => {
      if (b.type === 'history/detail') {
        await new Promise((r) => setTimeout(r, b.id === 'slow' ? 30 : 1));
        return { type: 'ack', message: b.id };
      }
      return undefined;
    });
    const [a, b] = await Promise.all([
      view.request({ type: 'history/detail', id: 'slow' }),
      view.request({ type: 'history/detail', id: 'fast' }),
    ]);
    assert.deepEqual(a, { type: 'ack', message: 'slow' });
    assert.deepEqual(b, { type: 'ack', message: 'fast' });
    assert.equal(view.pendingCount, 0);
  });

  it('rejects with the code and action of an error reply or a thrown handler', async () => {
    const { view } = pair((b) => {
      if (b.type === 'sync/now') return { type: 'error', code: 'relayUnreachable', message: 'Relay down.', action: 'Check the URL.' };
      throw new Error('handler exploded');
    });
    await assert.rejects(view.request({ type: 'sync/now' }), (e: unknown) => e instanceof MessengerError && e.code === 'relayUnreachable' && e.action === 'Check the URL.');
    await assert.rejects(view.request({ type: 'sync/pause' }), (e: unknown) => e instanceof MessengerError && e.code === 'internal');
  });

  it('times out when the other side never answers, and ignores the late reply', async () => {
    let late: (() => void) | undefined;
    const { view } = pair((b) => new Promise((resolve) => { late = () => resolve({ type: 'ack', message: b.type }); }), 20);
    await assert.rejects(view.request({ type: 'sync/now' }), (e: unknown) => e instanceof MessengerError && e.code === 'timeout');
    assert.equal(view.pendingCount, 0);
    late?.();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(view.pendingCount, 0);
  });

  it('drops hostile messages before the host handler sees them', async () => {
    const seen: string[] = [];
    const host = new Messenger<HostToWebview, WebviewToHost>({ post: () => undefined, onMessage: (b) => { seen.push(b.type); return undefined; } });
    for (const raw of [{ id: 1, body: { type: 'history/delete', target: { kind: 'all' } } }, { id: 2, body: { type: 'sync/now' } }]) {
      const p = parseWebviewMessage(raw);
      if (p.ok) await host.handle(p.value);
    }
    assert.deepEqual(seen, ['sync/now']);
  });

  it('dispose rejects pending requests and stops posting', async () => {
    const posted: unknown[] = [];
    const m = new Messenger<WebviewToHost, HostToWebview>({ post: (e) => posted.push(e), onMessage: () => undefined, timeoutMs: 10_000 });
    const p = m.request({ type: 'sync/now' });
    m.dispose();
    await assert.rejects(p, (e: unknown) => e instanceof MessengerError && e.code === 'disposed');
    m.notify({ type: 'sync/pause' });
    assert.equal(posted.length, 1);
    await assert.rejects(m.request({ type: 'sync/now' }), /closed/);
  });
});
