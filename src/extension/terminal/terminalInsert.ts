import * as vscode from 'vscode';
import type { HistoryEntry, RiskLevel } from '../../core/model/entry';
import { confirmationFor } from '../../core/safety/policy';
import { classifyRisk } from '../../core/safety/risk';
import type { Logger } from '../../core/util/logger';
import type { ConfigService } from '../config';
import type { Notifier } from '../notifier';

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

/**
 * Puts a past command into a terminal. Insert = sendText(cmd, false): it lands on the prompt, not run.
 * Run = sendText(cmd, true) after the safety confirmation that `safetyMode` asks for.
 */
export class TerminalInsert {
  constructor(
    private readonly config: ConfigService,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {}

  /** Returns the terminal used, or undefined when the user cancelled. */
  async insert(command: string, target: TerminalTarget = 'active'): Promise<vscode.Terminal | undefined> {
    const terminal = await this.pickTerminal(target);
    if (!terminal) return undefined;
    terminal.show(false);
    terminal.sendText(command, false);
    this.logger.trace('inserted a command into a terminal');
    return terminal;
  }

  /** Asks for confirmation per safetyMode, then runs. Returns true when the command was sent. */
  async run(
    entry: Pick<HistoryEntry, 'command' | 'riskLevel' | 'warnings'>,
    target: TerminalTarget = 'active',
  ): Promise<boolean> {
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
    const reasons = warnings.length > 0 ? warnings.join(' ') : `This command is rated ${level} risk.`;
    if (needed === 'confirm') {
      const pick = await vscode.window.showWarningMessage(`Run this ${level}-risk command? ${reasons}`, 'Run');
      if (pick !== 'Run') return false;
    } else if (needed === 'modal') {
      const pick = await vscode.window.showWarningMessage(
        `Run this ${level}-risk command?`,
        { modal: true, detail: `${entry.command}\n\n${reasons}` },
        'Run',
      );
      if (pick !== 'Run') return false;
    }
    const terminal = await this.pickTerminal(target);
    if (!terminal) return false;
    terminal.show(false);
    terminal.sendText(entry.command, true);
    this.logger.info(`ran a ${level}-risk command from history (confirmation: ${needed})`);
    return true;
  }

  private async pickTerminal(target: TerminalTarget): Promise<vscode.Terminal | undefined> {
    if (target === 'new') return vscode.window.createTerminal({ name: 'Caro History' });
    if (target === 'active' && vscode.window.activeTerminal) return vscode.window.activeTerminal;
    const terminals = vscode.window.terminals;
    if (terminals.length === 0) return vscode.window.createTerminal({ name: 'Caro History' });
    if (target === 'active' && terminals.length === 1) return terminals[0];
    const items = [
      ...terminals.map((t) => ({ label: t.name, terminal: t as vscode.Terminal | undefined })),
      { label: NEW_TERMINAL, terminal: undefined },
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Which terminal?' });
    if (!pick) return undefined;
    return pick.terminal ?? vscode.window.createTerminal({ name: 'Caro History' });
  }
}
