/**
 * Control characters a terminal treats as key presses. A bare carriage return is Enter; the others (Ctrl-A, Ctrl-U,
 * ESC, DEL, C1 controls …) can move the cursor, erase or reorder what was typed. Tab and line feed are ordinary text.
 */

/** Any control character except tab and line feed (C0, DEL, C1). Carriage return included. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** "U+000D": how messages name a character the user cannot see. */
export function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function isControlCharacter(ch: string): boolean {
  return ch.length === 1 && CONTROL_CHARACTER.test(ch);
}

/**
 * Positions of control characters that act as key presses, in order, at most `limit`. A carriage return directly
 * followed by a line feed is a Windows line ending, not a key press, and is left out.
 */
export function keyPressPositions(text: string, limit: number): number[] {
  const out: number[] = [];
  const re = new RegExp(CONTROL_CHARACTER.source, 'g');
  let m: RegExpExecArray | null;
  while (out.length < limit && (m = re.exec(text)) !== null) {
    if (m[0] === '\r' && text[m.index + 1] === '\n') continue;
    out.push(m.index);
  }
  return out;
}
