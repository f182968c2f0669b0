import * as vscode from 'vscode';
import { isCaroError } from '../core/model/errors';
import { redactForLog } from '../core/safety/logRedaction';
import type { Logger } from '../core/util/logger';
import type { TestHooks } from './testHooks';

/** User-facing messages. Every failure says what to do; nothing secret reaches a notification. */
export class Notifier {
  constructor(
    private readonly logger: Logger,
    private readonly hooks: TestHooks | undefined,
    private readonly showLogCommand: string,
  ) {}

  info(text: string, ...actions: string[]): Thenable<string | undefined> {
    this.hooks?.update({ lastMessage: { severity: 'info', text } });
    return vscode.window.showInformationMessage(text, ...actions);
  }

  warn(text: string, ...actions: string[]): Thenable<string | undefined> {
    this.hooks?.update({ lastMessage: { severity: 'warning', text } });
    return vscode.window.showWarningMessage(text, ...actions);
  }

  /** Plain-language text for any error: CaroError message + action, else a generic message pointing at the log. */
  static textFor(error: unknown, doing: string): string {
    if (isCaroError(error)) return redactForLog(error.userMessage);
    return `Caro History could not ${doing}. Open the log (Caro History: Show Log) for details, then try again.`;
  }

  private lastError = { text: '', at: 0 };

  /**
   * Logs the error and shows it with a "Show Log" action. The same message is shown at most once a minute (a store
   * that cannot open would otherwise raise one notification per terminal command); repeats go to the log only.
   */
  error(error: unknown, doing: string): void {
    const text = Notifier.textFor(error, doing);
    this.logger.error(`could not ${doing}`, error);
    const now = Date.now();
    if (text === this.lastError.text && now - this.lastError.at < 60_000) return;
    this.lastError = { text, at: now };
    this.hooks?.update({ lastMessage: { severity: 'error', text } });
    void vscode.window.showErrorMessage(text, 'Show Log').then((pick) => {
      if (pick) void vscode.commands.executeCommand(this.showLogCommand);
    });
  }
}
