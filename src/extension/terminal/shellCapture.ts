import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { CaptureOutcome, CapturedCommand } from '../../core/model/entry';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../lifecycle';
import type { Notifier } from '../notifier';
import { currentPlatform, type Services } from '../services';

const NOTICE_KEY = 'caroHistory.shellIntegrationNotice.dismissed';
export const SHELL_INTEGRATION_SETTING = 'terminal.integrated.shellIntegration.enabled';

export interface ShellCaptureOptions {
  /** How long a new terminal may take to report shell integration before the user is told (ms). */
  integrationTimeoutMs?: number;
  globalState: vscode.Memento;
  /** Called after every capture attempt (status bar, test hooks). */
  onCaptured?: (command: CapturedCommand, outcome: CaptureOutcome | undefined, facts: ExecutionFacts) => void;
}

/** What VS Code reported about one execution, without its text (test hooks, diagnostics). */
export interface ExecutionFacts {
  shell: string;
  exitCode?: number;
  confidence: 'low' | 'medium' | 'high';
  durationMs: number;
  leadingSpace: boolean;
  endsWithCtrlC: boolean;
  cancelled: boolean;
}

/**
 * A line typed at the prompt and cancelled with Ctrl+C. Observed in VS Code 1.139 (bash): the end event carries the
 * line with readline's "^C" echo appended (`echo x^C`), no exit code, no output. A command that really ran and was
 * interrupted has an exit code (130) and keeps its line; a genuine command whose exit code the shell did not report
 * has no trailing "^C" and is kept (shown with an unknown exit status). An empty line is skipped by the core anyway.
 */
export function isCancelledLine(facts: Pick<ExecutionFacts, 'exitCode' | 'endsWithCtrlC'>): boolean {
  return facts.exitCode === undefined && facts.endsWithCtrlC;
}

/** The shell a terminal runs, best effort: VS Code's own state (1.96+), the creation options, the name. */
export function shellOf(terminal: vscode.Terminal): string {
  const state = terminal.state as vscode.TerminalState & { shell?: string };
  if (typeof state.shell === 'string' && state.shell !== '') return state.shell;
  const options = terminal.creationOptions as vscode.TerminalOptions;
  if (typeof options.shellPath === 'string' && options.shellPath !== '') {
    return basename(options.shellPath).replace(/\.exe$/i, '');
  }
  return terminal.name.toLowerCase().split(/\s+/)[0] ?? 'unknown';
}

function confidenceOf(c: vscode.TerminalShellExecutionCommandLineConfidence): 'low' | 'medium' | 'high' {
  switch (c) {
    case vscode.TerminalShellExecutionCommandLineConfidence.Low:
      return 'low';
    case vscode.TerminalShellExecutionCommandLineConfidence.Medium:
      return 'medium';
    default:
      return 'high';
  }
}

interface Running {
  startedAt: number;
}

/**
 * Records every command run in an integrated terminal through shell integration.
 *
 * - Low-confidence command lines (VS Code guessed them from the screen) are passed on with `confidence: 'low'`;
 *   the core flags or skips them per the `caroHistory.lowConfidenceCommands` setting (default: flag).
 * - Workspace Trust: capture also runs in untrusted workspaces. It only reads what the user typed into their own
 *   terminal and stores it locally; it executes nothing from the workspace. Workspace-level values of the sync
 *   settings are ignored there (package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`).
 * - When a terminal has no shell integration ~10 s after it opened, the user is told once per shell kind, with the
 *   setting that fixes it.
 */
export class ShellCapture extends Disposable {
  private readonly started = new WeakMap<vscode.TerminalShellExecution, Running>();
  private readonly sessionIds = new WeakMap<vscode.Terminal, string>();
  private readonly pendingChecks = new Map<vscode.Terminal, ReturnType<typeof setTimeout>>();
  private readonly noticedKinds = new Set<string>();
  private nextSession = 1;
  private tooLargeNoticed = false;

  constructor(
    private readonly services: Services,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly options: ShellCaptureOptions,
  ) {
    super();
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => this.onStart(e.execution)));
    this._register(vscode.window.onDidEndTerminalShellExecution((e) => void this.onEnd(e)));
    this._register(vscode.window.onDidOpenTerminal((t) => this.watchIntegration(t)));
    this._register(vscode.window.onDidCloseTerminal((t) => this.cancelCheck(t)));
    this._register(vscode.window.onDidChangeTerminalShellIntegration((e) => this.cancelCheck(e.terminal)));
    for (const t of vscode.window.terminals) this.watchIntegration(t);
    this._register({ dispose: () => this.pendingChecks.forEach((timer) => clearTimeout(timer)) });
  }

  private sessionOf(terminal: vscode.Terminal): string {
    let id = this.sessionIds.get(terminal);
    if (!id) {
      id = `${terminal.name}#${this.nextSession++}`;
      this.sessionIds.set(terminal, id);
    }
    return id;
  }

  private onStart(execution: vscode.TerminalShellExecution): void {
    this.started.set(execution, { startedAt: Date.now() });
  }

  /** Maps the VS Code event to the core's CapturedCommand (pure glue, exported for tests). */
  toCaptured(e: vscode.TerminalShellExecutionEndEvent, endedAt: number): CapturedCommand {
    const { execution, terminal } = e;
    const startedAt = this.started.get(execution)?.startedAt ?? endedAt;
    const cwd = execution.cwd ?? e.shellIntegration.cwd;
    const folder = cwd ? vscode.workspace.getWorkspaceFolder(cwd) : undefined;
    const workspace = folder?.name ?? vscode.workspace.name;
    const captured: CapturedCommand = {
      commandLine: execution.commandLine.value,
      startedAt,
      endedAt,
      shell: shellOf(terminal),
      platform: currentPlatform(),
      sessionId: this.sessionOf(terminal),
      confidence: confidenceOf(execution.commandLine.confidence),
    };
    if (cwd) captured.cwd = cwd.fsPath;
    if (e.exitCode !== undefined) captured.exitCode = e.exitCode;
    if (workspace) captured.workspace = workspace;
    return captured;
  }

  private async onEnd(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const endedAt = Date.now();
    const captured = this.toCaptured(e, endedAt);
    const running = this.started.get(e.execution);
    this.started.delete(e.execution);
    const value = e.execution.commandLine.value;
    const facts: ExecutionFacts = {
      shell: captured.shell ?? 'unknown',
      confidence: captured.confidence ?? 'high',
      durationMs: endedAt - (running?.startedAt ?? endedAt),
      leadingSpace: /^\s/.test(value),
      endsWithCtrlC: /\^C\s*$/.test(value),
      cancelled: false,
    };
    if (e.exitCode !== undefined) facts.exitCode = e.exitCode;
    facts.cancelled = isCancelledLine(facts);
    let outcome: CaptureOutcome | undefined;
    try {
      if (facts.cancelled) {
        // Typed at the prompt and cancelled with Ctrl+C: VS Code reports it as an execution, but nothing ran.
        outcome = { stored: false, reason: 'cancelled' };
        this.logger.trace('not recorded: line cancelled at the prompt');
        return;
      }
      outcome = await this.services.record(captured);
      if (outcome.stored) {
        this.logger.trace(`recorded ${outcome.entry.id} (${outcome.entry.riskLevel})`);
      } else {
        this.logger.trace(`not recorded: ${outcome.reason}`);
        if (outcome.reason === 'tooLarge' && !this.tooLargeNoticed) {
          this.tooLargeNoticed = true;
          void this.notifier.info(
            'A command longer than 10 KB was not saved to Caro History (a cut-off copy would be unsafe to run again).',
          );
        }
      }
    } catch (err) {
      this.notifier.error(err, 'save the command you just ran');
    } finally {
      this.options.onCaptured?.(captured, outcome, facts);
    }
  }

  private watchIntegration(terminal: vscode.Terminal): void {
    if (terminal.shellIntegration || this.pendingChecks.has(terminal)) return;
    // Extension-driven pseudoterminals and hidden terminals have no shell to integrate with: nothing to tell.
    const options = terminal.creationOptions as Partial<vscode.ExtensionTerminalOptions & vscode.TerminalOptions>;
    if (options.pty !== undefined || options.hideFromUser === true) return;
    const timer = setTimeout(() => {
      this.pendingChecks.delete(terminal);
      if (!terminal.shellIntegration && terminal.exitStatus === undefined) void this.noticeNoIntegration(terminal);
    }, this.options.integrationTimeoutMs ?? 10_000);
    this.pendingChecks.set(terminal, timer);
  }

  private cancelCheck(terminal: vscode.Terminal): void {
    const timer = this.pendingChecks.get(terminal);
    if (timer) clearTimeout(timer);
    this.pendingChecks.delete(terminal);
  }

  private async noticeNoIntegration(terminal: vscode.Terminal): Promise<void> {
    const kind = shellOf(terminal);
    const dismissed = this.options.globalState.get<string[]>(NOTICE_KEY) ?? [];
    if (this.noticedKinds.has(kind) || dismissed.includes(kind)) return;
    this.noticedKinds.add(kind);
    const enabled = vscode.workspace.getConfiguration().get<boolean>(SHELL_INTEGRATION_SETTING) !== false;
    this.logger.warn(`no shell integration in a ${kind} terminal (setting enabled: ${enabled})`);
    const text = enabled
      ? `Caro History can't record commands in this ${kind} terminal because VS Code shell integration isn't active ` +
        'there. Use bash, zsh, fish or PowerShell, or see the shell integration guide to set it up manually.'
      : `Caro History can't record terminal commands because shell integration is turned off. ` +
        `Turn on "${SHELL_INTEGRATION_SETTING}" and open a new terminal.`;
    const openSetting = enabled ? 'Open Guide' : 'Turn On Shell Integration';
    const pick = await this.notifier.warn(text, openSetting, "Don't Show Again");
    if (pick === openSetting) {
      if (enabled) {
        await vscode.env.openExternal(
          vscode.Uri.parse('https://code.visualstudio.com/docs/terminal/shell-integration#_manual-installation'),
        );
      } else {
        await vscode.workspace
          .getConfiguration()
          .update(SHELL_INTEGRATION_SETTING, true, vscode.ConfigurationTarget.Global);
      }
    } else if (pick === "Don't Show Again") {
      await this.options.globalState.update(NOTICE_KEY, [...dismissed, kind]);
    }
  }
}
