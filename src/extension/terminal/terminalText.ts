/**
 * What may be typed into a terminal, and how, per shell. No `vscode` import: pure functions over strings.
 *
 * A history entry is data from the store, sync or an import. A terminal treats control characters as keystrokes
 * (Escape starts a sequence, Ctrl+C interrupts, carriage return executes), so Insert and Run send only printable
 * text, tabs and newlines.
 */

/** C0 controls except tab and newline, DEL, and C1 controls. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  0x00: 'a null character',
  0x03: 'Ctrl+C',
  0x04: 'Ctrl+D',
  0x07: 'a bell character',
  0x08: 'a backspace',
  0x0d: 'a carriage return',
  0x15: 'Ctrl+U',
  0x1b: 'an Escape character',
  0x7f: 'a delete character',
};

/** Windows line ends become newlines; everything else is kept as is. */
export function normalizeNewlines(command: string): string {
  return command.replace(/\r\n/g, '\n');
}

/** A plain-language name of the first control character a terminal would act on, or undefined when there is none. */
export function firstControlCharacter(command: string): string | undefined {
  const m = CONTROL.exec(normalizeNewlines(command));
  if (!m) return undefined;
  const code = m[0].codePointAt(0) ?? 0;
  return CONTROL_NAMES[code] ?? `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function lineCount(command: string): number {
  return normalizeNewlines(command).replace(/\n+$/, '').split('\n').length;
}

/** The shell name as VS Code or the terminal reports it, lower-cased, without path or `.exe`. */
function shellKind(shell: string): string {
  const base = shell.trim().toLowerCase().split(/[\\/]/).pop() ?? '';
  return base.replace(/\.exe$/, '');
}

/**
 * Keys that empty the prompt line before we type: Escape (RevertLine) for cmd and for PowerShell on Windows;
 * elsewhere Ctrl+E (end of line) then Ctrl+U (delete to the start of the line), which bash, zsh, fish, sh, ksh and
 * PowerShell's Emacs mode all understand.
 */
export function clearLineKeys(shell: string, platform: NodeJS.Platform): string {
  const kind = shellKind(shell);
  if (kind === 'cmd') return '\x1b';
  if ((kind === 'pwsh' || kind === 'powershell') && platform === 'win32') return '\x1b';
  return '\x05\x15';
}

/**
 * Whether the shell's line editor takes bracketed paste (text between ESC[200~ and ESC[201~ is inserted, newlines
 * included, without running anything): zsh >= 5.1, fish >= 2.3 and bash with readline >= 7 (bash 4.4+, which binds
 * the paste prefix even when `enable-bracketed-paste` is off). macOS ships bash 3.2 as /bin/bash, so bash on macOS
 * is not trusted with it.
 */
export function takesBracketedPaste(shell: string, platform: NodeJS.Platform): boolean {
  const kind = shellKind(shell);
  if (kind === 'zsh' || kind === 'fish') return true;
  return kind === 'bash' && platform !== 'darwin';
}

/** The text wrapped in bracketed-paste markers. Only for text that passed `firstControlCharacter` (no ESC inside). */
export function bracketedPaste(command: string): string {
  return `\x1b[200~${normalizeNewlines(command)}\x1b[201~`;
}
