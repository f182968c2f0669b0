import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Frame, type Page } from 'playwright-core';
import type { TestHookState } from '../../../src/extension/testHooks';
import { freePort } from './ports';
import { ProcessGroup } from './processGroup';
import { CHROMIUM, repoRoot, vscodeRuntime, type RuntimePaths } from './runtime';
import { waitFor } from './waitFor';

export const EXTENSION_ID = 'caro.caro-history';
export const RESULTS_DIR = join(repoRoot, 'test-results', 'e2e');

export interface LaunchOptions {
  /** Short name used in folders and screenshot file names, e.g. "capture" or "device-a". */
  name: string;
  /** The packaged extension to install (see ensureVsix); undefined = a bare VS Code (benchmark baseline). */
  vsix: string | undefined;
  /** Extra user settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Files to create in the workspace folder (relative path → content). */
  workspaceFiles?: Record<string, string>;
  /** Extra environment for code-server and therefore the extension host and terminals. */
  env?: Record<string, string>;
  /** Reuse the folders of an earlier instance (same user data, extensions, store): a "restart" of the same device. */
  reuseDir?: string;
  /** Workspace Trust on: the folder opens untrusted (Restricted Mode). Default off (trust disabled). */
  workspaceTrust?: boolean;
}

export interface TreeItem {
  label: string;
  description: string;
  ariaLabel: string;
  level: number;
  /** The row's codicon (e.g. "pass", "error", "circle-outline"), "" when it has none. */
  icon: string;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'terminal.integrated.defaultProfile.linux': 'bash',
  // zsh for the scenarios whose result depends on the shell (bash's integration drops a leading space).
  'terminal.integrated.profiles.linux': { zsh: { path: 'zsh' } },
  'terminal.integrated.shellIntegration.enabled': true,
  // The DOM renderer keeps the terminal text in the page, where readTerminal() can see it.
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  // Sticky scroll adds a second xterm to the wrapper once the buffer scrolls: the terminal locators need exactly one.
  'terminal.integrated.stickyScroll.enabled': false,
  'files.simpleDialog.enable': true,
  'window.dialogStyle': 'custom',
};

/**
 * One real VS Code (code-server) with the packaged extension installed, on its own loopback port, with its own user
 * data, extensions folder, store folder and HOME, driven through headless Chromium.
 */
export class VsCodeInstance {
  readonly extensionErrors: string[] = [];
  private shots = 0;

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly port: number,
    readonly runtime: RuntimePaths,
    private readonly server: ProcessGroup,
    readonly browser: BrowserContext,
    readonly page: Page,
  ) {}

  get userDataDir(): string {
    return join(this.dir, 'user-data');
  }
  get workspaceDir(): string {
    return join(this.dir, 'workspace');
  }
  get storeDir(): string {
    return join(this.dir, 'store');
  }
  get stateFile(): string {
    return join(this.dir, 'test-state.json');
  }
  get homeDir(): string {
    return join(this.dir, 'home');
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspaceDir)}`;
  }
  get serverLog(): string {
    return this.server.log;
  }

  static async launch(opts: LaunchOptions): Promise<VsCodeInstance> {
    const runtime = vscodeRuntime();
    const dir = opts.reuseDir ?? mkdtempSync(join(tmpdir(), `caro-e2e-${opts.name}-`));
    const d = (p: string) => join(dir, p);
    for (const sub of ['user-data/User', 'extensions', 'workspace', 'store', 'home']) mkdirSync(d(sub), { recursive: true });

    const settingsFile = d('user-data/User/settings.json');
    const previous = existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
    const trust = opts.workspaceTrust
      ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' }
      : {};
    const settings = { ...DEFAULT_SETTINGS, ...previous, ...trust, ...opts.settings };
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    // code-server is a remote window: machine-scoped settings (e.g. caroHistory.deviceName) are read from the
    // server's Machine settings, not from User settings as in desktop VS Code.
    mkdirSync(d('user-data/Machine'), { recursive: true });
    const machineFile = d('user-data/Machine/settings.json');
    const machinePrev = existsSync(machineFile) ? (JSON.parse(readFileSync(machineFile, 'utf8')) as Record<string, unknown>) : {};
    const caroKeys = Object.fromEntries(Object.entries(opts.settings ?? {}).filter(([k]) => k.startsWith('caroHistory.')));
    writeFileSync(machineFile, JSON.stringify({ ...machinePrev, ...caroKeys }, null, 2));
    for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
      mkdirSync(join(d('workspace'), rel, '..'), { recursive: true });
      writeFileSync(join(d('workspace'), rel), content);
    }
    writeFileSync(
      d('home/.bashrc'),
      [
        'PS1="\\w \\$ "',
        'HISTFILE=/dev/null',
        // Guards: scenarios type "critical-risk" commands to test confirmations; they must never do anything.
        'mkfs.ext4() { echo "caro-e2e guard: mkfs.ext4 blocked"; return 1; }',
        'kubectl() { echo "caro-e2e guard: kubectl blocked"; return 1; }',
        '',
      ].join('\n'),
    );

    writeFileSync(d('home/.zshrc'), ["PS1='%~ $ '", 'HISTFILE=/dev/null', 'unsetopt BEEP', ''].join('\n'));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${runtime.nodeBinDir}:${process.env['PATH'] ?? ''}`,
      HOME: d('home'),
      SHELL: '/bin/bash',
      CARO_HISTORY_TEST_HOOKS: '1',
      CARO_HISTORY_TEST_STATE: d('test-state.json'),
      CARO_HISTORY_HOME: d('store'),
      ...opts.env,
    };
    // Variables of the surrounding test run must not leak into the extension host.
    delete env['NODE_OPTIONS'];
    delete env['TSX_TSCONFIG_PATH'];
    delete env['VSCODE_IPC_HOOK_CLI'];
    const common = ['--config', runtime.config, '--user-data-dir', d('user-data'), '--extensions-dir', d('extensions')];

    if (!opts.reuseDir && opts.vsix) {
      const r = spawnSync(runtime.node, [runtime.codeServer, ...common, '--install-extension', opts.vsix], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
        throw new Error(`installing ${opts.vsix} into code-server failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      }
    }

    // Same device again (reuseDir): same port and browser profile, so origin-scoped browser storage survives.
    const portFile = d('port');
    const port = opts.reuseDir && existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : await freePort();
    writeFileSync(portFile, String(port));
    const server = ProcessGroup.start(
      `code-server (${opts.name})`,
      runtime.node,
      [
        runtime.codeServer,
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--ignore-last-opened',
        d('workspace'),
      ],
      { env, cwd: d('workspace') },
    );
    let context: BrowserContext | undefined;
    try {
      await server.waitForOutput('HTTP server listening on', 60_000);
      context = await chromium.launchPersistentContext(d('browser-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 860 },
        colorScheme: 'dark',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
      const browser = context;
      const page = context.pages()[0] ?? (await context.newPage());
      const instance = new VsCodeInstance(opts.name, dir, port, runtime, server, browser, page);
      page.on('console', (m) => instance.onConsole(m));
      await instance.open();
      return instance;
    } catch (e) {
      await context?.close().catch(() => undefined);
      await server.stop();
      throw e;
    }
  }

  private onConsole(m: ConsoleMessage): void {
    if (m.type() !== 'error') return;
    const text = m.text();
    // Only errors raised by this extension fail a test; offline VS Code prints unrelated noise.
    if (/caro-history|caroHistory|Caro History/.test(text)) this.extensionErrors.push(text.slice(0, 2000));
  }

  private async open(): Promise<void> {
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded' });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('#workbench\\.parts\\.statusbar', { timeout: 60_000 });
  }

  /** Reloads the window (like "Developer: Reload Window") and waits for the workbench. */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'domcontentloaded' });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  }

  // ---------- observable extension state (test hook file) ----------

  state(): TestHookState | undefined {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8')) as TestHookState;
    } catch {
      return undefined;
    }
  }

  waitForState(what: string, pred: (s: TestHookState) => boolean, timeoutMs = 20_000): Promise<TestHookState> {
    return waitFor(
      `${this.name}: ${what}`,
      () => {
        const s = this.state();
        return s && pred(s) ? s : undefined;
      },
      { timeoutMs, describe: () => this.state() },
    );
  }

  async waitForActivation(timeoutMs = 60_000): Promise<TestHookState> {
    return this.waitForState('the extension to activate', (s) => s.activated, timeoutMs);
  }

  // ---------- workbench helpers ----------

  /** Runs a command from the palette by its exact title (F1, type, pick the row with that label). */
  async runCommand(title: string): Promise<void> {
    const page = this.page;
    // Close an open quick input first; never send a stray Escape to a focused terminal (readline would take ESC+key
    // as a Meta chord and mangle the next insert).
    await this.closeFocusedQuickInput();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: title }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
  }

  /**
   * Presses Escape only when a quick input actually has the keyboard focus. A quick input that is already closing
   * must not get it: the Escape would land in the terminal, and readline would read ESC + the next key as a Meta chord.
   */
  private async closeFocusedQuickInput(): Promise<void> {
    const focused = await this.page.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
      return Boolean(d.activeElement?.closest('.quick-input-widget'));
    });
    if (!focused) return;
    // A busy workbench can miss one Escape (e.g. a file dialog still listing a folder): try again, a bounded number
    // of times, and only while the quick input still has the focus.
    const widget = this.page.locator('.quick-input-widget');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      try {
        await widget.waitFor({ state: 'hidden', timeout: 5000 });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  /** Titles of the rows currently shown by an open quick pick/input. */
  async quickPickItems(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()),
    );
  }

  /**
   * Picks a file in VS Code's simple file dialog (what code-server shows for showOpenDialog) by typing its path.
   * Under load the dialog rewrites its own input while it lists the folder (the typed path is replaced by the folder
   * it is reading), and Enter may only complete the path: so the path is typed again until it stays, and the dialog's
   * accept button (`acceptLabel`, e.g. the openLabel "Import") is pressed while the dialog is still open.
   */
  async pickFileInDialog(path: string, acceptLabel = 'Import'): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await waitFor('the file dialog to accept the path', async () => {
      if ((await input.inputValue().catch(() => '')) === path) return true;
      await input.fill(path).catch(() => undefined);
      await this.page.waitForTimeout(200);
      return (await input.inputValue().catch(() => '')) === path;
    }, { timeoutMs: 30_000, describe: () => input.inputValue().catch(() => '') });
    await this.page.keyboard.press('Enter');
    const dialog = this.page.locator('.quick-input-widget:not(.quick-input-widget-closing)', { has: this.page.locator('input[placeholder="Folder path"]') });
    const accept = dialog.locator('.monaco-button', { hasText: acceptLabel }).first();
    await waitFor('the file dialog to close', async () => {
      if (!(await dialog.isVisible().catch(() => false))) return true;
      const value = await input.inputValue().catch(() => '');
      if (value !== path) await input.fill(path).catch(() => undefined);
      if (await accept.isVisible().catch(() => false)) await accept.click({ timeout: 1_000 }).catch(() => undefined);
      return false;
    }, { timeoutMs: 30_000, intervalMs: 500, describe: () => input.inputValue().catch(() => '') });
  }

  /** Resident memory (MB) of this window's extension host, from /proc. */
  extensionHostRssMb(): number | undefined {
    const pid = this.extensionHostPid();
    if (!pid) return undefined;
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  }

  /** Waits until the open quick input's title contains `title` (so typing goes to it, not to the closing palette). */
  async waitForQuickInput(title: string): Promise<void> {
    // A closing widget (inert, animating out) keeps its old title: it is not the input we wait for.
    const t = this.page.locator('.quick-input-widget:not(.quick-input-widget-closing) .quick-input-title');
    await waitFor(`the "${title}" input`, async () => (await t.isVisible().catch(() => false)) && ((await t.textContent()) ?? '').includes(title), {
      timeoutMs: 20_000,
      describe: () => t.textContent().catch(() => ''),
    });
  }

  /** The visible quick input (palette, input box, quick pick). */
  quickInput() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /**
   * Opens a new integrated terminal and waits until its prompt is visible: the default profile (bash), or the named
   * terminal profile (e.g. "zsh", picked from "Create New Terminal (With Profile)").
   */
  async newTerminal(profile?: string): Promise<void> {
    if (profile) {
      await this.runCommand('Create New Terminal (With Profile)');
      // The profile picker lists configured profiles first ("zsh  zsh"), then detected ones ("zsh (2) /usr/bin/zsh"):
      // filter by the name and take the first row.
      await this.quickInput().fill(profile);
      const first = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
      await waitFor(`the "${profile}" profile to be listed first`, async () =>
        ((await first.locator('.label-name').textContent().catch(() => null)) ?? '').trim().startsWith(profile),
      );
      await this.page.keyboard.press('Enter');
    } else {
      await this.runCommand('Terminal: Create New Terminal');
    }
    await this.page.locator('.terminal-wrapper.active .xterm').waitFor({ state: 'visible', timeout: 20_000 });
    await waitFor('the shell prompt', async () => /\$\s*$/m.test(await this.readTerminal()), {
      timeoutMs: 20_000,
      describe: () => this.readTerminal(),
    });
  }

  /** Focuses the active terminal and waits until its input element has the keyboard focus (no lost keystrokes). */
  async focusTerminal(): Promise<void> {
    await this.closeFocusedQuickInput();
    await this.page.locator('.terminal-wrapper.active .xterm').click();
    await waitFor('the terminal to have keyboard focus', () =>
      this.page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { className?: string } | null } }).document.activeElement;
        return String(el?.className ?? '').includes('xterm-helper-textarea');
      }),
    );
  }

  /** Types into the active terminal; presses Enter unless `enter` is false. */
  async typeInTerminal(text: string, opts: { enter?: boolean } = {}): Promise<void> {
    await this.focusTerminal();
    await this.page.keyboard.type(text, { delay: 2 });
    if (opts.enter !== false) await this.page.keyboard.press('Enter');
  }

  /** The text of the active terminal's visible rows (DOM renderer), trailing blanks trimmed. */
  async readTerminal(): Promise<string> {
    return this.page
      .locator('.terminal-wrapper.active .xterm-rows')
      .evaluate((rows) =>
        Array.from((rows as unknown as { children: ArrayLike<{ textContent: string | null }> }).children)
          .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
          .join('\n')
          .trimEnd(),
      )
      .catch(() => '');
  }

  /** Empties the prompt line without running it (readline Ctrl+U; Ctrl+C would be reported as an execution). */
  async clearPromptLine(): Promise<void> {
    await this.focusTerminal();
    await this.page.keyboard.press('Control+u');
    await waitFor('an empty prompt line', async () => /\$$/.test(await this.terminalPromptLine()), {
      describe: () => this.terminalPromptLine(),
    });
  }

  private markers = 0;

  /**
   * Proves that no command ran since the extension had seen `capturedBefore` executions: empties the prompt, runs a
   * marker command and waits until it is captured. Executions are reported in order, so anything that ran earlier
   * would have been counted first. Returns the state after the marker.
   */
  async proveNothingRanSince(capturedBefore: number): Promise<TestHookState> {
    await this.clearPromptLine();
    this.markers += 1;
    const cmd = `echo caro-marker-${this.markers}`;
    await this.typeInTerminal(cmd);
    const s = await this.waitForState(`marker ${this.markers} captured`, (x) => x.lastCaptured?.command === cmd);
    if (s.capturedCount !== capturedBefore + 1) {
      throw new Error(`expected only the marker to run, but ${s.capturedCount - capturedBefore - 1} other command(s) ran`);
    }
    return s;
  }

  /** The last non-empty line of the terminal (the prompt line while nothing runs). */
  async terminalPromptLine(): Promise<string> {
    const lines = (await this.readTerminal()).split('\n').filter((l) => l.trim() !== '');
    return lines[lines.length - 1] ?? '';
  }

  /** Opens the Caro History activity-bar container. */
  async openHistoryView(): Promise<void> {
    const item = this.page.locator('.activitybar .action-item a[aria-label^="Caro History"], .activitybar .action-item[aria-label^="Caro History"]').first();
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    const container = this.page.locator('.sidebar .composite.title h2[title^="Caro History"], .sidebar .composite.title h2:has-text("Caro History")');
    if (!(await container.first().isVisible().catch(() => false))) await item.click();
    await this.page.locator('.sidebar .pane-header').first().waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** Rows of a tree view in the side bar, by its pane title (default: the first pane). */
  async treeItems(paneTitle?: string): Promise<TreeItem[]> {
    const panes = this.page.locator('.sidebar .split-view-view .pane');
    const pane = paneTitle ? panes.filter({ has: this.page.locator('.pane-header', { hasText: paneTitle }) }).first() : panes.first();
    return pane
      .locator('.pane-body .monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((r) => ({
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: (r.getAttribute('aria-label') ?? '').trim(),
          level: Number(r.getAttribute('aria-level') ?? '0'),
          icon: /(?:^|\s)codicon-([\w-]+)/.exec(r.querySelector('.custom-view-tree-node-item-icon')?.className ?? '')?.[1] ?? '',
        })),
      )
      .catch(() => []);
  }

  /**
   * Runs `action` on the tree row labelled `label`: its inline action button when the row has one (hover, click),
   * otherwise the row's context menu. Waits until the menu has closed, so the next step starts from a settled UI.
   */
  async treeRowAction(label: string, action: string): Promise<void> {
    const row = this.page.locator('.sidebar .pane-body .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: label }) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    // The tree reuses row elements when it refreshes: pin the element and check it still shows `label` before acting.
    const handle = await row.elementHandle();
    if (!handle) throw new Error(`tree row "${label}" disappeared`);
    await handle.hover();
    const inline = await handle.$(`.actions .action-label[aria-label^="${action}"]`);
    const still = ((await handle.$eval('.label-name', (e) => e.textContent ?? '').catch(() => '')) ?? '').trim();
    if (still !== label) throw new Error(`the tree refreshed under the pointer (row now shows "${still}", wanted "${label}")`);
    if (inline) {
      await inline.click();
      return;
    }
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu.locator('.action-item', { hasText: action }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await item.hover();
    await item.click();
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Text of the open (custom-style) dialog, or undefined when none is open. */
  async dialogText(): Promise<string | undefined> {
    const box = this.page.locator('.monaco-dialog-box');
    if (!(await box.isVisible().catch(() => false))) return undefined;
    return ((await box.textContent()) ?? '').trim();
  }

  async clickDialogButton(label: string): Promise<void> {
    const button = this.page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button', { hasText: label }).first();
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await button.click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Text of the empty-state ("viewsWelcome") content of a side-bar pane. */
  async welcomeText(paneTitle?: string): Promise<string> {
    const panes = this.page.locator('.sidebar .split-view-view .pane');
    const pane = paneTitle ? panes.filter({ has: this.page.locator('.pane-header', { hasText: paneTitle }) }).first() : panes.first();
    return ((await pane.locator('.welcome-view-content').textContent({ timeout: 2000 }).catch(() => '')) ?? '').trim();
  }

  /** Text of this extension's status-bar items (ids start with the extension id). */
  async statusBarText(): Promise<string> {
    return this.page
      .locator(`#workbench\\.parts\\.statusbar .statusbar-item[id^="${EXTENSION_ID}"]`)
      .evaluateAll((items) =>
        items
          .map((i) => `${(i.textContent ?? '').trim()} ${i.querySelector('a')?.getAttribute('aria-label') ?? ''}`.trim())
          .join(' | '),
      )
      .catch(() => '');
  }

  /** Notification toasts currently shown (message text). */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** The content frame of this extension's webview that contains `selector` (panel or view). */
  async webviewFrame(selector: string, timeoutMs = 20_000): Promise<Frame> {
    return waitFor(`a webview containing ${selector}`, async () => {
      for (const f of this.page.frames()) {
        const parent = f.parentFrame();
        if (!parent || !parent.url().includes(`extensionId=${EXTENSION_ID}`)) continue;
        if (await f.locator(selector).count().catch(() => 0)) return f;
      }
      return undefined;
    }, { timeoutMs });
  }

  /** Saves a PNG of the whole window into test-results/e2e/ and returns its path. */
  async screenshot(step: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    this.shots += 1;
    const file = join(RESULTS_DIR, `${this.name}-${String(this.shots).padStart(2, '0')}-${step.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Process id of this window's extension host (for memory readings). */
  extensionHostPid(): number | undefined {
    const r = spawnSync('pgrep', ['-n', '-g', String(this.serverPid), '-f', 'type=extensionHost'], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  }

  get serverPid(): number {
    return this.server.pid;
  }

  /** Stops the browser and code-server (whole process group). Keeps the folders when `keep` or CARO_E2E_KEEP=1. */
  async stop(opts: { keep?: boolean } = {}): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    if (!opts.keep && process.env['CARO_E2E_KEEP'] !== '1') rmSync(this.dir, { recursive: true, force: true });
  }
}
