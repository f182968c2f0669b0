import * as vscode from 'vscode';
import type { HistoryEntry, RiskLevel } from '../../core/model/entry';
import { confirmationFor } from '../../core/safety/policy';
import { classifyRisk } from '../../core/safety/risk';
import type { Logger } from '../../core/util/logger';
import type { ConfigService } from '../config';
import type { Notifier } from '../notifier';
import { escapeIcons } from '../views/searchQuickPick';
import { shellOf } from './shellCapture';
import {
  bracketedPaste,
  clearLineKeys,
  firstControlCharacter,
  lineCount,
  normalizeNewlines,
  takesBracketedPaste,
} from './terminalText';

export type TerminalTarget = 'active' | 'pick' | 'new';

const RISK_ORDER: readonly RiskLevel[] = ['safe', 'moderate', 'high', 'critical'];
const REDACTED = /\[REDACTED:[^\]]*\]/;
const NEW_TERMINAL = '$(add) New Terminal';

function higher(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/** The risk and warnings to show before running: the stored verdict merged with today's rules. */
export function riskFor(entry: Pick<HistoryEntry, 'command' | 'riskLevel' | 'warnings'>): {
  level: RiskLevel;
  warnings: string[];
} {
  const now = classifyRisk(entry.command);
  const warnings = [...new Set([...entry.warnings, ...now.warnings])];
  return { level: higher(entry.riskLevel, now.level), warnings };
}

/** Plain text for a modal's `detail`: the command as stored, then why it was flagged. */
function runDetail(command: string, reasons: string): string {
  return `Command:\n${command}\n\n${reasons}`;
}

const DONT_RUN = "Don't Run";
const RUN = 'Run';
const RUN_ANYWAY = 'Run Anyway';

/**
 * Puts a past command into a terminal, and only that command: the prompt line is emptied first, text with control
 * characters is refused, and a multi-line Insert goes in as a bracketed paste (or is not typed at all) so that no line
 * runs. Run = the same, then Enter, after the confirmation `safetyMode` asks for. Command text is never put into a
 * notification (VS Code renders `[label](command:…)` there as a link): only into a modal's plain-text `detail`.
 */
export class TerminalInsert {
  constructor(
    private readonly config: ConfigService,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Returns the terminal used, or undefined when the user cancelled or the text was refused. */
  async insert(command: string, target: TerminalTarget = 'active'): Promise<vscode.Terminal | undefined> {
    if (!(await this.acceptable(command))) return undefined;
    const terminal = await this.pickTerminal(target);
    if (!terminal) return undefined;
    const shell = shellOf(terminal);
    const multiLine = lineCount(command) > 1;
    if (multiLine && !takesBracketedPaste(shell, this.platform)) {
      const pick = await vscode.window.showWarningMessage(
        'This command has several lines. Typing it into this terminal could run the first lines at once.',
        {
          modal: true,
          detail: `Command:\n${command}\n\nCopy it, then paste it into the terminal: VS Code asks before it pastes several lines.`,
        },
        'Copy to Clipboard',
      );
      if (pick === 'Copy to Clipboard') await vscode.env.clipboard.writeText(command);
      return undefined;
    }
    terminal.show(false);
    terminal.sendText(clearLineKeys(shell, this.platform), false);
    terminal.sendText(multiLine ? bracketedPaste(command) : command, false);
    this.logger.trace(`inserted a command into a terminal (${multiLine ? 'bracketed paste' : 'one line'})`);
    return terminal;
  }

  /** Asks for confirmation per safetyMode, then runs. Returns true when the command was sent. */
  async run(
    entry: Pick<HistoryEntry, 'command' | 'riskLevel' | 'warnings'>,
    target: TerminalTarget = 'active',
  ): Promise<boolean> {
    if (!(await this.acceptable(entry.command))) return false;
    if (REDACTED.test(entry.command)) {
      const choice = await this.notifier.warn(
        'This command had secrets removed before it was saved, so it cannot run as is. ' +
          'Insert it instead and type the secret back in.',
        'Insert',
      );
      if (choice === 'Insert') await this.insert(entry.command, target);
      return false;
    }
    const { level, warnings } = riskFor(entry);
    const mode = this.config.settings.safetyMode;
    let needed = confirmationFor(mode, level);
    if (needed === 'none' && !vscode.workspace.isTrusted && level !== 'safe') needed = 'confirm';
    const reasons = warnings.length > 0 ? warnings.join('\n') : `This command is rated ${level} risk.`;
    if (needed !== 'none') {
      // Both are modal so the command can be named in plain text. Critical: "Don't Run" comes first, so it is the
      // default button and Enter does not run the command.
      const items = needed === 'modal' ? [DONT_RUN, RUN_ANYWAY] : [RUN];
      const pick = await vscode.window.showWarningMessage(
        `Run this ${level}-risk command?`,
        { modal: true, detail: runDetail(entry.command, reasons) },
        ...items,
      );
      if (pick !== RUN && pick !== RUN_ANYWAY) return false;
    }
    const terminal = await this.pickTerminal(target);
    if (!terminal) return false;
    terminal.show(false);
    terminal.sendText(clearLineKeys(shellOf(terminal), this.platform), false);
    terminal.sendText(normalizeNewlines(entry.command), true);
    this.logger.info(`ran a ${level}-risk command from history (confirmation: ${needed})`);
    return true;
  }

  /** Refuses text with control characters (they act as keystrokes), telling the user what to do instead. */
  private async acceptable(command: string): Promise<boolean> {
    const found = firstControlCharacter(command);
    if (found === undefined) return true;
    this.logger.warn('refused to type a history entry with control characters into a terminal');
    await this.notifier.warn(
      `This command contains ${found}, which a terminal would treat as a key press, so Caro History will not type ` +
        'it. Open the entry in the history panel and type the command yourself.',
    );
    return false;
  }

  private async pickTerminal(target: TerminalTarget): Promise<vscode.Terminal | undefined> {
    if (target === 'new') return vscode.window.createTerminal({ name: 'Caro History' });
    if (target === 'active' && vscode.window.activeTerminal) return vscode.window.activeTerminal;
    const terminals = vscode.window.terminals;
    if (terminals.length === 0) return vscode.window.createTerminal({ name: 'Caro History' });
    if (target === 'active' && terminals.length === 1) return terminals[0];
    const items = [
      // Terminal titles come from the running program: `$(name)` in them must not turn into an icon.
      ...terminals.map((t) => ({ label: escapeIcons(t.name), terminal: t as vscode.Terminal | undefined })),
      { label: NEW_TERMINAL, terminal: undefined },
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Which terminal?' });
    if (!pick) return undefined;
    return pick.terminal ?? vscode.window.createTerminal({ name: 'Caro History' });
  }
}
