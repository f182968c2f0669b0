import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export type PhrasePanelMessage = { type: 'copy' } | { type: 'saved' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTML for the phrase view: numbered words, Copy, and (for a new phrase) "I saved it". Strict CSP with a nonce. */
export function phraseHtml(phrase: string, opts: { title: string; intro: string; askSaved: boolean; fingerprint?: string }): string {
  const nonce = randomBytes(16).toString('base64');
  const words = phrase.split(' ');
  const items = words.map((w, i) => `<li><span class="n">${i + 1}</span> <span class="w">${escapeHtml(w)}</span></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1.5em; max-width: 48em; }
ol { display: grid; grid-template-columns: repeat(4, minmax(8em, 1fr)); gap: .5em 1.5em; list-style: none; padding: 0;
  font-family: var(--vscode-editor-font-family); font-size: 1.1em; }
.n { color: var(--vscode-descriptionForeground); display: inline-block; min-width: 1.8em; text-align: right; }
.w { font-weight: 600; }
.warn { border-left: 3px solid var(--vscode-editorWarning-foreground); padding: .4em .8em; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none;
  padding: .45em 1.1em; margin-right: .6em; cursor: pointer; }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button:focus { outline: 1px solid var(--vscode-focusBorder); }
</style></head>
<body>
<h1>${escapeHtml(opts.title)}</h1>
<p>${escapeHtml(opts.intro)}</p>
<ol aria-label="Recovery phrase, 24 words">${items}</ol>
${opts.fingerprint ? `<p>Key fingerprint: <code>${escapeHtml(opts.fingerprint)}</code> (the same on every device that shares this history).</p>` : ''}
<p class="warn">Anyone with these words can read your synced history. Keep them somewhere safe and offline, like a password manager.
Without them, a new device cannot get your history back.</p>
<p>
<button id="copy" class="secondary">Copy Phrase</button>
${opts.askSaved ? '<button id="saved">I Saved It</button>' : ''}
</p>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('copy').addEventListener('click', () => vscode.postMessage({ type: 'copy' }));
const saved = document.getElementById('saved');
if (saved) saved.addEventListener('click', () => vscode.postMessage({ type: 'saved' }));
</script>
</body></html>`;
}

/**
 * HTML shown in place of the phrase while the user types 3 of its words back: the words are not in the page at all,
 * so the check proves the user saved them somewhere else.
 */
export function phraseCheckingHtml(title: string): string {
  const nonce = randomBytes(16).toString('base64');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1.5em; max-width: 48em; }
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="checking">The phrase is hidden while you type 3 of its words back from where you saved it.
Press Escape in the word box to see the phrase again.</p>
</body></html>`;
}

export function isPhrasePanelMessage(u: unknown): u is PhrasePanelMessage {
  return typeof u === 'object' && u !== null && ((u as PhrasePanelMessage).type === 'copy' || (u as PhrasePanelMessage).type === 'saved');
}

export const PHRASE_PANEL_VIEW_TYPE = 'caroHistory.recoveryPhrase';

/** A dedicated, script-light webview panel for showing the phrase (not retained when hidden). */
export function openPhrasePanel(html: string, title: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(PHRASE_PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [],
    retainContextWhenHidden: false,
  });
  panel.webview.html = html;
  return panel;
}
