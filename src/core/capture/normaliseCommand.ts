/**
 * First step of the capture pipeline: turn what a terminal reported into text that can be stored and re-run as is.
 *
 * - Trailing line breaks are trimmed (shells report the Enter key); CRLF inside a multi-line command becomes LF.
 * - Terminal escape sequences (colour codes, OSC titles/prompts) are artefacts of the terminal, never part of a command:
 *   they are removed, and `cleaned` says so.
 * - Any other control character (NUL, BEL, backspace, DEL, C1 controls…) or a lone UTF-16 surrogate (broken Unicode)
 *   makes the command unsafe to store faithfully: it is rejected with a reason that names the character position.
 *   Tabs and line breaks inside the command are kept.
 */
import { CONTROL_CHARACTER, codePointName } from '../safety/controlChars';

export type NormaliseResult =
  | { ok: true; text: string; cleaned: readonly ('escapeSequences' | 'lineEndings')[] }
  | { ok: false; reason: 'empty' | 'invalidText'; detail: string };

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), and two-byte ESC sequences.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function normaliseCommandLine(raw: string): NormaliseResult {
  const cleaned: ('escapeSequences' | 'lineEndings')[] = [];
  let text = raw;
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) {
    return {
      ok: false,
      reason: 'invalidText',
      detail: `The command contains broken Unicode text at character ${surrogate.index + 1}, so it cannot be stored exactly as typed.`,
    };
  }
  const withoutEscapes = text.replace(ESCAPES, '');
  if (withoutEscapes !== text) {
    cleaned.push('escapeSequences');
    text = withoutEscapes;
  }
  if (text.includes('\r')) {
    const lf = text.replace(/\r\n?/g, '\n');
    if (lf !== text) cleaned.push('lineEndings');
    text = lf;
  }
  text = text.replace(/\n+$/, '');
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    return {
      ok: false,
      reason: 'invalidText',
      detail: `The command contains an invisible control character (${codePointName(control[0])}) at character ${control.index + 1}, so it was not stored.`,
    };
  }
  if (text.trim().length === 0) {
    return { ok: false, reason: 'empty', detail: 'The command is empty.' };
  }
  return { ok: true, text, cleaned };
}

/** UTF-8 size, without allocating a buffer. */
export function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
