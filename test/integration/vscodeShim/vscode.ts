/**
 * A faithful minimal `vscode` module for extension integration tests in plain Node: the API surface Caro History
 * uses, with real event semantics, plus a `shim` control object that records what the extension registered and lets
 * tests drive terminals, dialogs, quick picks and configuration. Not a mock of the core: the core runs for real.
 */
import { join } from 'node:path';

// ---------------------------------------------------------------------------------------------------------------
// Basic types

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly fn: () => unknown) {}
  dispose(): void {
    this.fn();
  }
}

export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs ? listener.bind(thisArgs) : listener;
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(.*)$/i.exec(s);
    return m ? new Uri(m[1] ?? 'file', m[2] ?? '') : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}`;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum TerminalShellExecutionCommandLineConfidence {
  Low = 0,
  Medium = 1,
  High = 2,
}
export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}
export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}
export enum LogLevel {
  Off = 0,
  Trace = 1,
  Debug = 2,
  Info = 3,
  Warning = 4,
  Error = 5,
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  value = '';
  isTrusted = false;
  supportThemeIcons = false;
  supportHtml = false;
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
    return this;
  }
  appendMarkdown(md: string): this {
    this.value += md;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon | Uri;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  accessibilityInformation?: { label: string; role?: string };
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

// ---------------------------------------------------------------------------------------------------------------
// Recorded objects

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  text: string;
  modal: boolean;
  detail?: string;
  items: string[];
}

export interface TerminalOptions {
  name?: string;
  shellPath?: string;
  cwd?: string | Uri;
  hideFromUser?: boolean;
  /** Present for extension pseudoterminals (ExtensionTerminalOptions). */
  pty?: unknown;
}

export class FakeTerminal {
  readonly sent: { text: string; addNewLine: boolean }[] = [];
  shellIntegration: { cwd: Uri | undefined } | undefined;
  exitStatus: { code: number | undefined } | undefined;
  readonly state = { isInteractedWith: false };
  shown = 0;
  readonly processId = Promise.resolve(4242);
  constructor(
    readonly name: string,
    readonly creationOptions: TerminalOptions = {},
  ) {}
  sendText(text: string, addNewLine = true): void {
    this.sent.push({ text, addNewLine });
  }
  show(_preserveFocus?: boolean): void {
    this.shown++;
  }
  hide(): void {}
  dispose(): void {
    shim.closeTerminal(this);
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | MarkdownString | undefined;
  command: string | undefined;
  name: string | undefined;
  backgroundColor: ThemeColor | undefined;
  accessibilityInformation: { label: string } | undefined;
  visible = false;
  constructor(
    readonly id: string,
    readonly alignment: StatusBarAlignment,
    readonly priority: number,
  ) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

export interface TreeDataProviderLike<T> {
  getTreeItem(e: T): TreeItem | Promise<TreeItem>;
  getChildren(e?: T): T[] | undefined | Promise<T[] | undefined>;
  onDidChangeTreeData?: Event<T | undefined | null | void>;
}

export class FakeTreeView<T> {
  selection: T[] = [];
  description: string | undefined;
  message: string | undefined;
  title: string | undefined;
  visible = true;
  changes = 0;
  private readonly sub: Disposable | undefined;
  constructor(
    readonly id: string,
    readonly provider: TreeDataProviderLike<T>,
  ) {
    this.sub = provider.onDidChangeTreeData?.(() => {
      this.changes++;
    });
  }
  reveal(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.sub?.dispose();
  }
}

class FakeQuickInput {
  title: string | undefined;
  busy = false;
  enabled = true;
  ignoreFocusOut = false;
  placeholder: string | undefined;
  buttons: unknown[] = [];
  visible = false;
  protected readonly valueEmitter = new EventEmitter<string>();
  protected readonly acceptEmitter = new EventEmitter<void>();
  protected readonly hideEmitter = new EventEmitter<void>();
  protected readonly buttonEmitter = new EventEmitter<unknown>();
  readonly onDidChangeValue = this.valueEmitter.event;
  readonly onDidAccept = this.acceptEmitter.event;
  readonly onDidHide = this.hideEmitter.event;
  readonly onDidTriggerButton = this.buttonEmitter.event;
  private _value = '';
  get value(): string {
    return this._value;
  }
  set value(v: string) {
    this._value = v;
  }
  /** What a user typing does: set the value and fire onDidChangeValue. */
  type(v: string): void {
    this._value = v;
    this.valueEmitter.fire(v);
  }
  accept(): void {
    this.acceptEmitter.fire();
  }
  triggerButton(b: unknown): void {
    this.buttonEmitter.fire(b);
  }
  show(): void {
    this.visible = true;
    shim.quickInputs.push(this);
  }
  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.hideEmitter.fire();
  }
  dispose(): void {
    this.hide();
  }
}

export interface QuickPickItemLike {
  label: string;
  description?: string;
  kind?: QuickPickItemKind;
}

export class FakeQuickPick<T extends QuickPickItemLike> extends FakeQuickInput {
  items: T[] = [];
  activeItems: T[] = [];
  selectedItems: T[] = [];
  matchOnDescription = false;
  matchOnDetail = false;
  canSelectMany = false;
  private readonly itemButtonEmitter = new EventEmitter<{ item: T; button: unknown }>();
  readonly onDidTriggerItemButton = this.itemButtonEmitter.event;
  readonly onDidChangeActive = new EventEmitter<T[]>().event;
  readonly onDidChangeSelection = new EventEmitter<T[]>().event;
  /** Selects an item and presses Enter. */
  pick(item: T): void {
    this.activeItems = [item];
    this.selectedItems = [item];
    this.accept();
  }
  triggerItemButton(item: T, button: unknown): void {
    this.itemButtonEmitter.fire({ item, button });
  }
}

export class FakeInputBox extends FakeQuickInput {
  password = false;
  prompt: string | undefined;
  validationMessage: string | undefined;
}

export class FakeWebview {
  html = '';
  options: Record<string, unknown> = {};
  readonly cspSource = 'https://shim.vscode-cdn.net';
  readonly posted: unknown[] = [];
  private readonly messageEmitter = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.messageEmitter.event;
  asWebviewUri(uri: Uri): Uri {
    return uri.with({ scheme: 'https' });
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  /** Simulates the webview script calling acquireVsCodeApi().postMessage(message). */
  receive(message: unknown): void {
    this.messageEmitter.fire(message);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  visible = true;
  active = true;
  disposed = false;
  iconPath: unknown;
  private readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = new EventEmitter<unknown>().event;
  constructor(
    readonly viewType: string,
    public title: string,
    readonly viewColumn: unknown,
    readonly options: Record<string, unknown>,
  ) {
    this.webview.options = options;
  }
  reveal(): void {
    this.visible = true;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

class FakeLogChannel {
  readonly lines: string[] = [];
  logLevel = LogLevel.Trace;
  readonly onDidChangeLogLevel = new EventEmitter<LogLevel>().event;
  shown = 0;
  constructor(readonly name: string) {}
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string | Error): void {
    this.lines.push(`error ${m instanceof Error ? m.message : m}`);
  }
  append(v: string): void {
    this.lines.push(v);
  }
  appendLine(v: string): void {
    this.lines.push(v);
  }
  replace(v: string): void {
    this.lines.splice(0, this.lines.length, v);
  }
  clear(): void {
    this.lines.length = 0;
  }
  show(): void {
    this.shown++;
  }
  hide(): void {}
  dispose(): void {}
}

export class MemoryMemento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    return Promise.resolve();
  }
  setKeysForSync(): void {}
}

export class MemorySecretStorage {
  readonly values = new Map<string, string>();
  private readonly emitter = new EventEmitter<{ key: string }>();
  readonly onDidChange = this.emitter.event;
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.emitter.fire({ key });
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    this.emitter.fire({ key });
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The control object

type Answer = string | undefined;

class ShimControl {
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly context = new Map<string, unknown>();
  readonly messages: ShownMessage[] = [];
  readonly statusBarItems: FakeStatusBarItem[] = [];
  readonly statusMessages: string[] = [];
  readonly treeViews = new Map<string, FakeTreeView<unknown>>();
  readonly webviewViewProviders = new Map<string, unknown>();
  readonly panelSerializers = new Map<string, unknown>();
  readonly panels: FakeWebviewPanel[] = [];
  readonly outputChannels: FakeLogChannel[] = [];
  readonly quickInputs: FakeQuickInput[] = [];
  readonly progressTitles: string[] = [];
  readonly openedDocuments: { language?: string; content?: string }[] = [];
  readonly contentProviders = new Map<string, { provideTextDocumentContent(uri: Uri): string | Promise<string> }>();
  readonly externalUris: string[] = [];
  terminals: FakeTerminal[] = [];
  activeTerminal: FakeTerminal | undefined;
  clipboard = '';
  /** Flat `section.key` → value (user settings). */
  readonly config = new Map<string, unknown>();
  isTrusted = true;
  workspaceName: string | undefined = 'demo';
  workspaceFolders: { uri: Uri; name: string; index: number }[] = [];
  /** Answers for showInformation/Warning/ErrorMessage; default: dismissed. */
  onMessage: (m: ShownMessage) => Answer = () => undefined;
  /** Answers for showInputBox, consumed in order; `undefined` = Escape. When empty, `onInputBox` answers. */
  inputAnswers: Answer[] = [];
  onInputBox: (options: InputBoxOptionsLike) => Answer = () => undefined;
  readonly inputPrompts: InputBoxOptionsLike[] = [];
  /** Chooses from showQuickPick items; default: dismissed. */
  onQuickPick: (items: QuickPickItemLike[]) => QuickPickItemLike | undefined = () => undefined;
  saveDialogAnswer: Uri | undefined;
  openDialogAnswer: Uri[] | undefined;

  readonly configEmitter = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  readonly openTerminalEmitter = new EventEmitter<FakeTerminal>();
  readonly closeTerminalEmitter = new EventEmitter<FakeTerminal>();
  readonly startExecEmitter = new EventEmitter<unknown>();
  readonly endExecEmitter = new EventEmitter<unknown>();
  readonly integrationEmitter = new EventEmitter<{ terminal: FakeTerminal; shellIntegration: unknown }>();
  readonly activeTerminalEmitter = new EventEmitter<FakeTerminal | undefined>();

  /** Sets a user setting the way the Settings UI does: value, then onDidChangeConfiguration. */
  setConfig(fullKey: string, value: unknown): void {
    if (value === undefined) this.config.delete(fullKey);
    else this.config.set(fullKey, value);
    this.configEmitter.fire({
      affectsConfiguration: (section: string) => fullKey === section || fullKey.startsWith(`${section}.`),
    });
  }

  openTerminal(name = 'bash', options: TerminalOptions = {}, withShellIntegration = true): FakeTerminal {
    const t = new FakeTerminal(name, options);
    this.terminals.push(t);
    this.activeTerminal = t;
    this.openTerminalEmitter.fire(t);
    this.activeTerminalEmitter.fire(t);
    if (withShellIntegration) this.activateShellIntegration(t);
    return t;
  }

  activateShellIntegration(t: FakeTerminal, cwd?: string): void {
    t.shellIntegration = { cwd: cwd ? Uri.file(cwd) : undefined };
    this.integrationEmitter.fire({ terminal: t, shellIntegration: t.shellIntegration });
  }

  closeTerminal(t: FakeTerminal): void {
    if (!this.terminals.includes(t)) return;
    t.exitStatus = { code: 0 };
    this.terminals = this.terminals.filter((x) => x !== t);
    if (this.activeTerminal === t) this.activeTerminal = this.terminals[this.terminals.length - 1];
    this.closeTerminalEmitter.fire(t);
  }

  /**
   * What VS Code does when a command runs in a terminal with shell integration: a start event, then an end event
   * with the exit code (which may be undefined).
   */
  runInTerminal(
    t: FakeTerminal,
    commandLine: string,
    opts: { exitCode?: number; cwd?: string; confidence?: TerminalShellExecutionCommandLineConfidence } = {},
  ): void {
    const execution = {
      commandLine: {
        value: commandLine,
        confidence: opts.confidence ?? TerminalShellExecutionCommandLineConfidence.High,
        isTrusted: true,
      },
      cwd: opts.cwd ? Uri.file(opts.cwd) : undefined,
      read: async function* () {},
    };
    const shellIntegration = t.shellIntegration ?? { cwd: undefined };
    this.startExecEmitter.fire({ terminal: t, shellIntegration, execution });
    this.endExecEmitter.fire({ terminal: t, shellIntegration, execution, exitCode: opts.exitCode });
  }

  statusBarItem(id: string): FakeStatusBarItem | undefined {
    return this.statusBarItems.find((s) => s.id === id);
  }

  async executeCommand<T>(id: string, ...args: unknown[]): Promise<T> {
    return commands.executeCommand<T>(id, ...args);
  }

  reset(): void {
    this.commands.clear();
    this.context.clear();
    this.messages.length = 0;
    this.statusBarItems.length = 0;
    this.statusMessages.length = 0;
    this.treeViews.clear();
    this.webviewViewProviders.clear();
    this.panelSerializers.clear();
    this.panels.length = 0;
    this.outputChannels.length = 0;
    this.quickInputs.length = 0;
    this.progressTitles.length = 0;
    this.openedDocuments.length = 0;
    this.contentProviders.clear();
    this.externalUris.length = 0;
    this.terminals = [];
    this.activeTerminal = undefined;
    this.clipboard = '';
    this.config.clear();
    this.isTrusted = true;
    this.workspaceName = 'demo';
    this.workspaceFolders = [];
    this.onMessage = () => undefined;
    this.inputAnswers = [];
    this.onInputBox = () => undefined;
    this.inputPrompts.length = 0;
    this.onQuickPick = () => undefined;
    this.saveDialogAnswer = undefined;
    this.openDialogAnswer = undefined;
  }

  createExtensionContext(extensionPath: string, globalStoragePath: string): ExtensionContextLike {
    return {
      subscriptions: [],
      extensionUri: Uri.file(extensionPath),
      extensionPath,
      globalStorageUri: Uri.file(globalStoragePath),
      globalState: new MemoryMemento(),
      workspaceState: new MemoryMemento(),
      secrets: new MemorySecretStorage(),
      extensionMode: ExtensionMode.Test,
      asAbsolutePath: (p: string) => join(extensionPath, p),
    };
  }
}

export interface InputBoxOptionsLike {
  title?: string;
  prompt?: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  validateInput?: (v: string) => unknown;
}

export interface ExtensionContextLike {
  subscriptions: { dispose(): unknown }[];
  extensionUri: Uri;
  extensionPath: string;
  globalStorageUri: Uri;
  globalState: MemoryMemento;
  workspaceState: MemoryMemento;
  secrets: MemorySecretStorage;
  extensionMode: ExtensionMode;
  asAbsolutePath(p: string): string;
}

export const shim = new ShimControl();

// ---------------------------------------------------------------------------------------------------------------
// Namespaces

function showMessage(severity: ShownMessage['severity'], text: string, rest: unknown[]): Promise<Answer> {
  let modal = false;
  let detail: string | undefined;
  const items: string[] = [];
  for (const r of rest) {
    if (typeof r === 'string') items.push(r);
    else if (r && typeof r === 'object' && 'title' in r) items.push(String((r as { title: string }).title));
    else if (r && typeof r === 'object') {
      modal = (r as { modal?: boolean }).modal === true;
      detail = (r as { detail?: string }).detail;
    }
  }
  const m: ShownMessage = { severity, text, modal, items, ...(detail !== undefined ? { detail } : {}) };
  shim.messages.push(m);
  const answer = shim.onMessage(m);
  return Promise.resolve(answer !== undefined && items.includes(answer) ? answer : undefined);
}

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    if (shim.commands.has(id)) throw new Error(`command '${id}' already exists`);
    shim.commands.set(id, fn);
    return new Disposable(() => shim.commands.delete(id));
  },
  async executeCommand<T>(id: string, ...args: unknown[]): Promise<T> {
    if (id === 'setContext') {
      shim.context.set(String(args[0]), args[1]);
      return undefined as T;
    }
    const fn = shim.commands.get(id);
    if (!fn) {
      // Built-in commands the extension may call (focus a view, open settings, new terminal): accepted, recorded.
      if (id.startsWith('workbench.') || id.endsWith('.focus')) {
        shim.statusMessages.push(`[builtin] ${id}`);
        return undefined as T;
      }
      throw new Error(`command '${id}' not found`);
    }
    return (await fn(...args)) as T;
  },
  getCommands(): Promise<string[]> {
    return Promise.resolve([...shim.commands.keys()]);
  },
};

export const window = {
  get terminals(): readonly FakeTerminal[] {
    return shim.terminals;
  },
  get activeTerminal(): FakeTerminal | undefined {
    return shim.activeTerminal;
  },
  onDidOpenTerminal: shim.openTerminalEmitter.event,
  onDidCloseTerminal: shim.closeTerminalEmitter.event,
  onDidChangeActiveTerminal: shim.activeTerminalEmitter.event,
  onDidStartTerminalShellExecution: shim.startExecEmitter.event,
  onDidEndTerminalShellExecution: shim.endExecEmitter.event,
  onDidChangeTerminalShellIntegration: shim.integrationEmitter.event,
  createTerminal(options?: TerminalOptions | string): FakeTerminal {
    const opts = typeof options === 'string' ? { name: options } : (options ?? {});
    return shim.openTerminal(opts.name ?? 'bash', opts, true);
  },
  showInformationMessage: (text: string, ...rest: unknown[]) => showMessage('info', text, rest),
  showWarningMessage: (text: string, ...rest: unknown[]) => showMessage('warning', text, rest),
  showErrorMessage: (text: string, ...rest: unknown[]) => showMessage('error', text, rest),
  setStatusBarMessage(text: string): Disposable {
    shim.statusMessages.push(text);
    return new Disposable(() => {});
  },
  createStatusBarItem(id: string, alignment = StatusBarAlignment.Left, priority = 0): FakeStatusBarItem {
    const item = new FakeStatusBarItem(id, alignment, priority);
    shim.statusBarItems.push(item);
    return item;
  },
  createOutputChannel(name: string, _options?: { log: true }): FakeLogChannel {
    const c = new FakeLogChannel(name);
    shim.outputChannels.push(c);
    return c;
  },
  createTreeView<T>(id: string, options: { treeDataProvider: TreeDataProviderLike<T> }): FakeTreeView<T> {
    const view = new FakeTreeView<T>(id, options.treeDataProvider);
    shim.treeViews.set(id, view as FakeTreeView<unknown>);
    return view;
  },
  registerTreeDataProvider<T>(id: string, provider: TreeDataProviderLike<T>): Disposable {
    shim.treeViews.set(id, new FakeTreeView<T>(id, provider) as FakeTreeView<unknown>);
    return new Disposable(() => shim.treeViews.delete(id));
  },
  registerWebviewViewProvider(id: string, provider: unknown): Disposable {
    shim.webviewViewProviders.set(id, provider);
    return new Disposable(() => shim.webviewViewProviders.delete(id));
  },
  registerWebviewPanelSerializer(viewType: string, serializer: unknown): Disposable {
    shim.panelSerializers.set(viewType, serializer);
    return new Disposable(() => shim.panelSerializers.delete(viewType));
  },
  createWebviewPanel(viewType: string, title: string, column: unknown, options: Record<string, unknown> = {}): FakeWebviewPanel {
    const panel = new FakeWebviewPanel(viewType, title, column, options);
    shim.panels.push(panel);
    return panel;
  },
  createQuickPick<T extends QuickPickItemLike>(): FakeQuickPick<T> {
    return new FakeQuickPick<T>();
  },
  createInputBox(): FakeInputBox {
    return new FakeInputBox();
  },
  async showQuickPick<T extends QuickPickItemLike>(items: T[] | Promise<T[]>, _options?: unknown): Promise<T | undefined> {
    const list = await items;
    return shim.onQuickPick(list) as T | undefined;
  },
  async showInputBox(options: InputBoxOptionsLike = {}): Promise<string | undefined> {
    shim.inputPrompts.push(options);
    const answer = shim.inputAnswers.length > 0 ? shim.inputAnswers.shift() : shim.onInputBox(options);
    if (answer !== undefined && options.validateInput) {
      const problem = await options.validateInput(answer);
      if (problem) return undefined;
    }
    return answer;
  },
  showSaveDialog(): Promise<Uri | undefined> {
    return Promise.resolve(shim.saveDialogAnswer);
  },
  showOpenDialog(): Promise<Uri[] | undefined> {
    return Promise.resolve(shim.openDialogAnswer);
  },
  showTextDocument(doc: unknown): Promise<unknown> {
    return Promise.resolve(doc);
  },
  async withProgress<R>(
    options: { title?: string },
    task: (
      progress: { report(v: unknown): void },
      token: { isCancellationRequested: boolean; onCancellationRequested(cb: () => void): { dispose(): void } },
    ) => Thenable<R>,
  ): Promise<R> {
    shim.progressTitles.push(options.title ?? '');
    return task({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => {} }) });
  },
};

export const workspace = {
  get name(): string | undefined {
    return shim.workspaceName;
  },
  get isTrusted(): boolean {
    return shim.isTrusted;
  },
  get workspaceFolders(): { uri: Uri; name: string; index: number }[] | undefined {
    return shim.workspaceFolders.length > 0 ? shim.workspaceFolders : undefined;
  },
  getWorkspaceFolder(uri: Uri): { uri: Uri; name: string; index: number } | undefined {
    return shim.workspaceFolders.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(`${f.uri.fsPath}/`));
  },
  onDidChangeConfiguration: shim.configEmitter.event,
  onDidGrantWorkspaceTrust: new EventEmitter<void>().event,
  getConfiguration(section?: string) {
    const full = (key: string): string => (section ? `${section}.${key}` : key);
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        const k = full(key);
        return shim.config.has(k) ? (shim.config.get(k) as T) : defaultValue;
      },
      has(key: string): boolean {
        return shim.config.has(full(key));
      },
      inspect(key: string) {
        return { key: full(key), globalValue: shim.config.get(full(key)) };
      },
      update(key: string, value: unknown, _target?: ConfigurationTarget): Promise<void> {
        shim.setConfig(full(key), value);
        return Promise.resolve();
      },
    };
  },
  registerTextDocumentContentProvider(
    scheme: string,
    provider: { provideTextDocumentContent(uri: Uri): string | Promise<string> },
  ): Disposable {
    shim.contentProviders.set(scheme, provider);
    return new Disposable(() => shim.contentProviders.delete(scheme));
  },
  async openTextDocument(arg: Uri | { language?: string; content?: string }): Promise<unknown> {
    if (arg instanceof Uri) {
      const provider = shim.contentProviders.get(arg.scheme);
      if (!provider) throw new Error(`no content provider for ${arg.toString()}`);
      const content = await provider.provideTextDocumentContent(arg);
      const doc = { uri: arg, language: arg.path.endsWith('.md') ? 'markdown' : 'plaintext', content };
      shim.openedDocuments.push(doc);
      return doc;
    }
    shim.openedDocuments.push(arg);
    return { uri: Uri.parse('untitled:document'), ...arg };
  },
  fs: {},
};

export const env = {
  appName: 'Caro Shim',
  clipboard: {
    readText: (): Promise<string> => Promise.resolve(shim.clipboard),
    writeText: (v: string): Promise<void> => {
      shim.clipboard = v;
      return Promise.resolve();
    },
  },
  openExternal(uri: Uri): Promise<boolean> {
    shim.externalUris.push(uri.toString());
    return Promise.resolve(true);
  },
};

export const l10n = {
  t: (message: string): string => message,
};
