/**
 * Text from the history, from sync or from an import is data. Printed to a terminal, a raw control character could
 * act on it (`ESC ] 52 ;` writes the clipboard, `ESC [ 2 J` clears the screen, `\r` hides what came before), so on a
 * terminal every control character except tab and line feed is shown as a visible escape (`\x1b`). Output to a file
 * or a pipe is never changed (an export stays byte-exact).
 */
import type { CliIo } from './cliContext';

// C0 controls except \t and \n, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The io with each stream that is a terminal escaped; streams going to files or pipes are passed through. */
export function terminalSafeIo(io: CliIo): CliIo {
  const out = io.outIsTerminal ? (t: string) => io.out(escapeForTerminal(t)) : (t: string) => io.out(t);
  const err = io.errIsTerminal ? (t: string) => io.err(escapeForTerminal(t)) : (t: string) => io.err(t);
  return { ...io, out, err };
}
