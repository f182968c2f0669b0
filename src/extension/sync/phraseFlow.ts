import { randomInt } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import * as vscode from 'vscode';
import { checkPhrase, normalisePhrase } from '../../core/crypto/phrase';
import type { Logger } from '../../core/util/logger';
import type { Notifier } from '../notifier';
import { phraseProblemText, typingFeedback } from './phraseMessages';
import { isPhrasePanelMessage, openPhrasePanel, phraseCheckingHtml, phraseHtml } from './phrasePanel';

const KNOWN = new Set(wordlist);
/** How long Join waits after Enter for VS Code to deliver the final value of the phrase box. */
const ACCEPT_SETTLE_MS = 50;

/** Three distinct random positions (1-based, ascending) for the "type back 3 words" check (decision 5). */
export function checkPositions(count = 24): number[] {
  const picked = new Set<number>();
  while (picked.size < 3) picked.add(randomInt(1, count + 1));
  return [...picked].sort((a, b) => a - b);
}

/**
 * The recovery-phrase UX: show a new phrase (copy, "I saved it", type back 3 words), show it again, and ask for it
 * (masked, with per-word validation). Phrases never go to the log.
 */
export class PhraseFlow {
  /** The open phrase panel, for tests. */
  static currentPanel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {}

  /**
   * Shows a new phrase and waits until the user proved they saved it (true) or closed the panel (false). While the
   * 3-word check runs the phrase is taken out of the panel; cancelling the check shows it again.
   * `closedWarning` is shown when the user closes the panel before the check passed.
   */
  async showNew(
    phrase: string,
    opts: { title: string; intro: string; fingerprint?: string; closedWarning: string },
  ): Promise<boolean> {
    const html = phraseHtml(phrase, { ...opts, askSaved: true });
    const panel = openPhrasePanel(html, opts.title);
    PhraseFlow.currentPanel = panel;
    return new Promise<boolean>((resolve) => {
      let done = false;
      let checking = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        sub.dispose();
        closed.dispose();
        if (PhraseFlow.currentPanel === panel) PhraseFlow.currentPanel = undefined;
        resolve(ok);
      };
      const sub = panel.webview.onDidReceiveMessage(async (msg: unknown) => {
        if (!isPhrasePanelMessage(msg)) return;
        if (msg.type === 'copy') {
          await vscode.env.clipboard.writeText(phrase);
          vscode.window.setStatusBarMessage('$(copy) Recovery phrase copied. Paste it somewhere safe, then clear your clipboard.', 5000);
          return;
        }
        if (checking) return;
        checking = true;
        panel.webview.html = phraseCheckingHtml(opts.title);
        const ok = await this.verifySaved(phrase);
        checking = false;
        if (!ok && !done) panel.webview.html = html;
        if (ok) {
          this.logger.info('recovery phrase confirmed by the user');
          finish(true);
          panel.dispose();
        }
      });
      const closed = panel.onDidDispose(() => {
        if (!done) void this.notifier.warn(opts.closedWarning);
        finish(false);
      });
    });
  }

  /** Asks for 3 random words of the phrase; returns true when all three match. Cancel → false. */
  async verifySaved(phrase: string): Promise<boolean> {
    const words = normalisePhrase(phrase).split(' ');
    for (const position of checkPositions(words.length)) {
      const expected = words[position - 1];
      let prompt = `To make sure you saved your recovery phrase, type word #${position}.`;
      for (;;) {
        const typed = await vscode.window.showInputBox({
          title: 'Check your recovery phrase (3 words)',
          prompt,
          placeHolder: `word #${position}`,
          ignoreFocusOut: true,
        });
        if (typed === undefined) return false;
        if (normalisePhrase(typed) === expected) break;
        prompt = `That isn't word #${position}. Look at your saved phrase and try again.`;
      }
    }
    return true;
  }

  /** Shows an existing phrase again (after the caller's modal confirmation). */
  showExisting(phrase: string, fingerprint?: string): vscode.WebviewPanel {
    const title = 'Caro History Recovery Phrase';
    const panel = openPhrasePanel(
      phraseHtml(phrase, {
        title,
        intro: 'These 24 words unlock your synced history on any device. Close this tab when you are done.',
        askSaved: false,
        ...(fingerprint ? { fingerprint } : {}),
      }),
      title,
    );
    PhraseFlow.currentPanel = panel;
    const sub = panel.webview.onDidReceiveMessage(async (msg: unknown) => {
      if (isPhrasePanelMessage(msg) && msg.type === 'copy') await vscode.env.clipboard.writeText(phrase);
    });
    panel.onDidDispose(() => {
      sub.dispose();
      if (PhraseFlow.currentPanel === panel) PhraseFlow.currentPanel = undefined;
    });
    return panel;
  }

  /** Masked phrase input with per-word validation; resolves the normalised phrase, or undefined if cancelled. */
  askPhrase(): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = 'Join Sync: enter your 24-word recovery phrase';
    box.prompt = 'Type or paste the 24 words from your other device, separated by spaces. They stay on this device.';
    box.password = true;
    box.ignoreFocusOut = true;
    return new Promise((resolve) => {
      let result: string | undefined;
      let hidden = false;
      const subs = [
        box.onDidChangeValue((v) => {
          const count = normalisePhrase(v) === '' ? 0 : normalisePhrase(v).split(' ').length;
          box.validationMessage = typingFeedback(v, (w) => KNOWN.has(w));
          box.prompt = `${count} of 24 words entered.`;
        }),
        box.onDidAccept(() => {
          // VS Code may deliver the last value change just after the accept (seen in code-server when text is
          // pasted and Enter follows at once): judge the value after pending events have arrived.
          setTimeout(() => accept(), ACCEPT_SETTLE_MS);
        }),
        box.onDidHide(() => {
          hidden = true;
          for (const s of subs) s.dispose();
          box.dispose();
          resolve(result);
        }),
      ];
      const accept = (): void => {
        if (result !== undefined || hidden) return;
        const check = checkPhrase(box.value);
        if (!check.ok) {
          const count = normalisePhrase(box.value) === '' ? 0 : normalisePhrase(box.value).split(' ').length;
          box.validationMessage = phraseProblemText(check.problems, count);
          return;
        }
        result = check.phrase;
        box.hide();
      };
      box.show();
    });
  }
}
