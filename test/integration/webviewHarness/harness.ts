/**
 * Renders a built Caro webview (dist/webview/<view>.js/.css) in real headless Chromium, inside the same HTML and
 * Content-Security-Policy the extension serves, with a scripted `acquireVsCodeApi`: messages go to the REAL host
 * side (WebviewSession + the view's controller) running in this Node process, replies come back as `message`
 * events, exactly like VS Code's postMessage bridge.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import type { Envelope, HostToWebview, ViewId } from '../../../src/core/protocol/webviewProtocol';
import type { HistoryApi } from '../../../src/core/history/historyApi';
import type { HistoryEntry } from '../../../src/core/model/entry';
import type { SyncApi } from '../../../src/core/sync/syncApi';
import { Emitter } from '../../../src/core/util/emitter';
import { MemoryLogger } from '../../../src/core/util/logger';
import { buildWebviewHtml, createNonce } from '../../../src/extension/webviews/webviewHtml';
import { type ViewController, WebviewSession } from '../../../src/extension/webviews/webviewSession';
import type { HostUi, WebviewServices } from '../../../src/extension/webviews/webviewServices';
import { THEMES, type ThemeName } from './themes';

export const ROOT = resolve(__dirname, '../../..');
export const DIST_WEBVIEW = join(ROOT, 'dist', 'webview');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'webview');
const ORIGIN = 'https://caro-webview.test';

export function launchChromium(): Promise<Browser> {
  for (const f of ['history.js', 'history.css', 'devices.js', 'devices.css', 'codicon.css']) {
    if (!existsSync(join(DIST_WEBVIEW, f))) throw new Error(`dist/webview/${f} is missing: run "npm run build" first.`);
  }
  return chromium.launch({
    executablePath: process.env['CARO_CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Scripted answers for the host's modal dialogs and a record of everything the UI asked the host to do. */
export class ScriptedUi implements HostUi {
  readonly confirms: { message: string; detail: string }[] = [];
  readonly commands: string[] = [];
  /** Answer for the next confirm() calls. */
  answer = true;
  async confirm(message: string, detail: string): Promise<boolean> {
    this.confirms.push({ message, detail });
    return this.answer;
  }
  async executeCommand(id: string): Promise<void> {
    this.commands.push(id);
  }
}

export interface OpenOptions {
  view: ViewId;
  controller: ViewController;
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** Persisted state handed to getState() (as VS Code does when a panel is reopened). */
  state?: unknown;
}

export interface OpenedView {
  page: Page;
  session: WebviewSession;
  logger: MemoryLogger;
  /** Raw messages the webview posted. */
  posted: unknown[];
  /** Envelopes the host sent. */
  sent: Envelope<HostToWebview>[];
  /** Last value passed to setState. */
  state(): unknown;
  /** CSP violations and page errors (must stay empty). */
  problems: string[];
  screenshot(name: string): Promise<string>;
  /** Post a raw message as the webview would (hostile-input tests). */
  postRaw(message: unknown): Promise<void>;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

/** Runs in the page: delivers one host message the way VS Code does (a window `message` event). */
function deliver(data: unknown): void {
  const g = globalThis as unknown as { dispatchEvent(e: unknown): boolean; MessageEvent: new (type: string, init: { data: unknown }) => unknown };
  g.dispatchEvent(new g.MessageEvent('message', { data }));
}

/**
 * Browser-side bootstrap (a string: this file is compiled without DOM types). Mirrors VS Code's webview API:
 * acquireVsCodeApi() works once, postMessage/setState clone their argument, getState returns the persisted state.
 * Theme variables are set on <html> through CSSOM (as the workbench does), which the CSP allows.
 */
function fakeVsCodeApiScript(state: unknown, vars: Record<string, string>, bodyClass: string): string {
  return `(() => {
    let current = ${JSON.stringify(state ?? null)} ?? undefined;
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return {
        postMessage: (m) => window.__caroPost(JSON.parse(JSON.stringify(m))),
        getState: () => current,
        setState: (s) => { current = s; window.__caroSetState(JSON.parse(JSON.stringify(s))); return s; },
      };
    };
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__caroProblem('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
    });
    const vars = ${JSON.stringify(vars)};
    const apply = () => {
      if (!document.documentElement) return;
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      if (document.body) document.body.classList.add(${JSON.stringify(bodyClass)});
    };
    apply();
    document.addEventListener('DOMContentLoaded', apply);
  })();`;
}

export async function openView(browser: Browser, o: OpenOptions): Promise<OpenedView> {
  const theme = THEMES[o.theme ?? 'dark'];
  const context = await browser.newContext({ viewport: { width: o.width ?? 1200, height: o.height ?? 720 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const logger = new MemoryLogger();
  const posted: unknown[] = [];
  const sent: Envelope<HostToWebview>[] = [];
  const problems: string[] = [];
  let lastState: unknown = o.state;

  const html = buildWebviewHtml({
    view: o.view,
    title: o.view,
    cspSource: ORIGIN,
    nonce: createNonce(),
    scriptUri: `${ORIGIN}/${o.view}.js`,
    styleUris: [`${ORIGIN}/codicon.css`, `${ORIGIN}/${o.view}.css`],
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') {
      await route.fulfill({ status: 200, contentType: 'text/html', body: html });
      return;
    }
    const file = join(DIST_WEBVIEW, path.replace(/^\/+/, ''));
    if (!file.startsWith(DIST_WEBVIEW) || !existsSync(file)) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({ status: 200, contentType: MIME[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });

  const session = new WebviewSession(o.controller, (envelope) => {
    sent.push(envelope);
    page.evaluate(deliver, envelope as unknown).catch(() => undefined);
  }, logger);

  await page.exposeFunction('__caroPost', (m: unknown) => {
    posted.push(m);
    void session.receive(m);
  });
  await page.exposeFunction('__caroSetState', (s: unknown) => {
    lastState = s;
  });
  await page.exposeFunction('__caroProblem', (p: string) => {
    problems.push(p);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });

  await page.addInitScript(fakeVsCodeApiScript(o.state, theme.vars, theme.bodyClass));

  await page.goto(`${ORIGIN}/index.html`);

  return {
    page,
    session,
    logger,
    posted,
    sent,
    problems,
    state: () => lastState,
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async postRaw(message) {
      await page.evaluate((m) => (globalThis as unknown as { __caroPost(m: unknown): void }).__caroPost(m), message);
    },
    async close() {
      session.dispose();
      o.controller.dispose();
      await context.close();
    },
  };
}

/** WebviewServices over a given history/sync, recording insert/export calls. */
export function recordingServices(history: HistoryApi, sync?: SyncApi, device = { deviceId: 'dev-laptop-0001', name: 'Work laptop', platform: 'linux' }): {
  services: WebviewServices;
  inserted: { id: string; command: string; run: boolean }[];
  exported: HistoryEntry[][];
  logger: MemoryLogger;
  setSync(s: SyncApi | undefined): void;
} {
  const inserted: { id: string; command: string; run: boolean }[] = [];
  const exported: HistoryEntry[][] = [];
  const logger = new MemoryLogger();
  let current = sync;
  const syncChanged = new Emitter<SyncApi | undefined>();
  const services: WebviewServices = {
    history: async () => history,
    sync: () => current,
    onDidChangeSync: syncChanged.event,
    device: () => device,
    insert: async (entry, run) => {
      inserted.push({ id: entry.id, command: entry.command, run });
      return true;
    },
    exportEntries: async (entries) => {
      exported.push(entries);
      return '/tmp/export.json';
    },
    logger,
  };
  return {
    services,
    inserted,
    exported,
    logger,
    setSync: (s) => {
      current = s;
      syncChanged.fire(s);
    },
  };
}
