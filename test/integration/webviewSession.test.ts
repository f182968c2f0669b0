import { strict as assert } from 'node:assert';
import { CaroError } from '../../src/core/model/errors';
import { type Envelope, type HostToWebview, PROTOCOL_VERSION } from '../../src/core/protocol/webviewProtocol';
import { Emitter } from '../../src/core/util/emitter';
import { MemoryLogger } from '../../src/core/util/logger';
import { DevicesController } from '../../src/extension/webviews/devicesController';
import { HistoryController } from '../../src/extension/webviews/historyController';
import { buildWebviewHtml, contentSecurityPolicy, createNonce } from '../../src/extension/webviews/webviewHtml';
import { type ViewController, WebviewSession } from '../../src/extension/webviews/webviewSession';
import { ScriptedUi, recordingServices } from './webviewHarness/harness';
import { MemoryHistory } from './webviewHarness/memoryHistory';
import { DEVICES, sampleEntries } from './webviewHarness/sampleHistory';
import { ScriptedSync } from './webviewHarness/scriptedSync';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Replaces the global setTimeout/clearTimeout with a queue the test runs by hand, so a debounce is judged by what
 * is scheduled, not by how long a sleep happened to be on a busy machine.
 */
function installManualTimers(): { pending(): number; runAll(): void; restore(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const queue = new Map<number, () => void>();
  let next = 1;
  globalThis.setTimeout = ((fn: () => void) => {
    const id = next++;
    queue.set(id, fn);
    return id;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: number) => {
    queue.delete(id);
  }) as unknown as typeof clearTimeout;
  return {
    pending: () => queue.size,
    runAll() {
      for (let guard = 0; queue.size > 0; guard++) {
        if (guard > 1_000) throw new Error('timers keep rescheduling themselves');
        const [id, fn] = queue.entries().next().value as [number, () => void];
        queue.delete(id);
        fn();
      }
    },
    restore() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

/** Host-side plumbing without a browser: the ready gate, validation, error mapping and the controllers' rules. */
describe('webview host session and controllers (Node)', () => {
  function sessionFor(controller: ViewController) {
    const out: Envelope<HostToWebview>[] = [];
    const logger = new MemoryLogger();
    const session = new WebviewSession(controller, (e) => out.push(e), logger);
    return { session, out, logger };
  }

  it('nothing is answered or pushed before ready; ready is answered with init; pushes flow afterwards', async () => {
    const push = new Emitter<HostToWebview>();
    const handled: string[] = [];
    const controller: ViewController = {
      view: 'history',
      init: async () => ({ view: 'history', thisDeviceId: 'd', deviceNames: {}, facets: { workspaces: [], directories: [], devices: [], sessions: [] }, recordingPaused: false }),
      handle: async (m) => { handled.push(m.type); return { type: 'ack' }; },
      onPush: push.event,
      dispose: () => undefined,
    };
    const { session, out, logger } = sessionFor(controller);
    push.fire({ type: 'history/changed', kind: 'added', ids: [] });
    await session.receive({ id: 1, body: { type: 'history/stats' } });
    assert.equal(out.length, 0, 'no reply and no push before ready');
    assert.deepEqual(handled, []);
    assert.equal(session.rejected, 1);
    assert.ok(logger.lines.some((l) => l.includes('before the view was ready')));

    await session.receive({ id: 2, body: { type: 'ready', view: 'history', protocolVersion: PROTOCOL_VERSION } });
    assert.equal(out[0]?.inReplyTo, 2);
    assert.equal(out[0]?.body.type, 'init');
    push.fire({ type: 'history/changed', kind: 'added', ids: ['x'] });
    assert.equal(out[1]?.body.type, 'history/changed');
    await session.receive({ id: 3, body: { type: 'history/stats' } });
    assert.deepEqual(handled, ['history/stats']);

    session.reset();
    push.fire({ type: 'history/changed', kind: 'added', ids: [] });
    assert.equal(out.length, 3, 'after reset (document discarded) pushes wait for the next ready');
  });

  it('ready for the wrong view or protocol version gets a plain-language error, not init', async () => {
    const { session, out } = sessionFor(new HistoryController(recordingServices(new MemoryHistory()).services, new ScriptedUi()));
    await session.receive({ id: 1, body: { type: 'ready', view: 'devices', protocolVersion: PROTOCOL_VERSION } });
    await session.receive({ id: 2, body: { type: 'ready', view: 'history', protocolVersion: PROTOCOL_VERSION + 1 } });
    assert.deepEqual(out.map((e) => e.body.type), ['error', 'error']);
    const second = out[1]!.body;
    assert.ok(second.type === 'error' && /different versions/.test(second.message) && /Reload/.test(second.action ?? ''));
    assert.equal(session.ready, false);
  });

  it('CaroErrors keep code and action; unexpected errors become a generic message and are logged', async () => {
    const history = new MemoryHistory(sampleEntries(10));
    const rec = recordingServices(history);
    rec.services.insert = async () => { throw new Error('terminal exploded with secret ghp_abc'); };
    const { session, out, logger } = sessionFor(new HistoryController(rec.services, new ScriptedUi()));
    await session.receive({ id: 1, body: { type: 'ready', view: 'history', protocolVersion: PROTOCOL_VERSION } });
    await session.receive({ id: 2, body: { type: 'history/insert', id: 'missing', run: false } });
    const missing = out[1]!.body;
    assert.ok(missing.type === 'error' && missing.code === 'invalidInput' && /no longer in your history/.test(missing.message) && missing.action);
    await session.receive({ id: 3, body: { type: 'history/insert', id: history.live[0]!.id, run: false } });
    const boom = out[2]!.body;
    assert.ok(boom.type === 'error' && boom.code === 'internal' && /Show Log/.test(boom.action ?? ''));
    assert.ok(!JSON.stringify(boom).includes('ghp_abc'), 'internal details stay out of the webview');
    // The cause goes to the log (whose production implementation redacts secrets), not to the webview.
    assert.ok(logger.lines.some((l) => l.startsWith('error webview request "history/insert" failed')), logger.lines.join('\n'));
  });

  it('select-all delete removes every match except the exceptions, after one confirmation', async () => {
    const history = new MemoryHistory(sampleEntries(1_500));
    const ui = new ScriptedUi();
    const controller = new HistoryController(recordingServices(history).services, ui);
    const failed = history.live.filter((e) => e.success === false);
    const keep = failed.slice(0, 2).map((e) => e.id);
    const reply = await controller.handle({ type: 'history/delete', target: { kind: 'matching', filter: { failedOnly: true }, exceptIds: keep } });
    assert.ok(reply?.type === 'ack' && reply.count === failed.length - 2, JSON.stringify(reply));
    assert.equal(ui.confirms.length, 1);
    assert.equal(history.live.filter((e) => e.success === false).map((e) => e.id).sort().join(), [...keep].sort().join());
    assert.equal(history.live.length, 1_500 - (failed.length - 2));
    controller.dispose();
  });

  it('history changes are coalesced into one push (manual timers: no sleep decides the count)', async () => {
    const timers = installManualTimers();
    try {
      const history = new MemoryHistory(sampleEntries(5));
      const controller = new HistoryController(recordingServices(history).services, new ScriptedUi());
      const pushed: HostToWebview[] = [];
      controller.onPush((m) => pushed.push(m));
      await controller.init();
      for (let i = 0; i < 5; i++) await history.record({ commandLine: `echo ${i}`, startedAt: Date.now() });
      assert.equal(pushed.length, 0, 'nothing pushed while changes may still arrive');
      assert.equal(timers.pending(), 1, 'one coalescing timer for five changes');
      timers.runAll();
      assert.equal(pushed.length, 1);
      assert.ok(pushed[0]?.type === 'history/changed' && pushed[0].ids.length === 5);
      await history.record({ commandLine: 'echo later', startedAt: Date.now() });
      timers.runAll();
      assert.equal(pushed.length, 2, 'a change after the push gets its own push');
      assert.ok(pushed[1]?.type === 'history/changed' && pushed[1].ids.length === 1);
      await history.record({ commandLine: 'echo closing', startedAt: Date.now() });
      assert.equal(timers.pending(), 1);
      controller.dispose();
      assert.equal(timers.pending(), 0, 'dispose cancels the pending push');
    } finally {
      timers.restore();
    }
  });

  it('devices: this device cannot be removed from the view; actions without sync say how to set it up', async () => {
    const now = Date.now();
    const sync = new ScriptedSync({ state: 'online', pendingUp: 0, pendingDown: 0 }, DEVICES.map((d, i) => ({ ...d, schemaVersion: 1, firstSeen: now, lastSeen: now, isCurrent: i === 0 })));
    const ui = new ScriptedUi();
    const withSync = new DevicesController(recordingServices(new MemoryHistory(), sync).services, ui);
    await assert.rejects(withSync.handle({ type: 'devices/remove', deviceId: DEVICES[0].deviceId }), (e: unknown) => e instanceof CaroError && /Turn Off Sync/.test(e.action ?? ''));
    assert.equal(ui.confirms.length, 0);
    withSync.dispose();
    const without = new DevicesController(recordingServices(new MemoryHistory()).services, ui);
    await assert.rejects(without.handle({ type: 'sync/now' }), (e: unknown) => e instanceof CaroError && e.code === 'notInitialised');
    const state = await without.state();
    assert.equal(state.syncEnabled, false);
    assert.equal(state.status.state, 'off');
    without.dispose();
    await tick();
  });
});

describe('webview HTML and CSP', () => {
  it('allows only nonce scripts and the webview origin for styles/fonts; nothing inline', () => {
    const nonce = createNonce();
    assert.match(nonce, /^[A-Za-z0-9+/]{24}$/);
    assert.notEqual(nonce, createNonce());
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
    assert.equal(csp, `default-src 'none'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; script-src 'nonce-${nonce}'`);
    assert.ok(!csp.includes('unsafe'));
    const html = buildWebviewHtml({ view: 'history', title: 'A "quoted" <title>', cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/history.js?a=1&b=2', styleUris: ['https://x/codicon.css'] });
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/history.js?a=1&amp;b=2"></script>`));
    assert.ok(html.includes('<title>A &quot;quoted&quot; &lt;title&gt;</title>'));
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one external script, no inline script');
    assert.ok(!/style="/.test(html), 'no inline style attributes');
  });
});
