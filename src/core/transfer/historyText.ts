/**
 * Bytes of an import file → text, refusing what is not text. History files are UTF-8 text: a file with NUL bytes, or
 * where most lines are not valid UTF-8, is not a history file (an image, an archive, a database) and imports nothing.
 * In a text file, single lines that are not valid UTF-8 are left out and counted, never stored with U+FFFD in them.
 */
import { CaroError } from '../model/errors';

export interface HistoryText {
  text: string;
  /** Lines left out because they were not valid UTF-8. */
  invalidLines: number;
}

const NOT_TEXT_ACTION =
  'Choose a Caro History export (.json) or a shell history file such as ~/.bash_history, ~/.zsh_history or fish_history; nothing was imported.';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function notTextError(what: string): CaroError {
  return new CaroError('badImportFile', `${what} is not a text file, so it is not a shell history or a Caro export.`, NOT_TEXT_ACTION);
}

/**
 * Decodes a whole file that must be valid UTF-8 (a JSON export). Throws CaroError('badImportFile') naming the line
 * of the first invalid byte.
 */
export function decodeWholeText(bytes: Uint8Array, what = 'The file'): string {
  if (bytes.includes(0)) throw notTextError(what);
  try {
    return strict.decode(bytes);
  } catch {
    const line = lineOfFirstInvalid(bytes);
    throw new CaroError(
      'badImportFile',
      `${what} is not valid UTF-8 text (line ${line} has bytes that are not characters).`,
      'Save the file as UTF-8 and import it again; nothing was imported.',
    );
  }
}

/**
 * Decodes a line-oriented history file: valid lines are kept in order, invalid ones dropped and counted. Throws
 * CaroError('badImportFile') when the file is not text (a NUL byte, or more than half of its non-empty lines invalid).
 */
export function decodeHistoryLines(bytes: Uint8Array, what = 'The file'): HistoryText {
  if (bytes.includes(0)) throw notTextError(what);
  try {
    return { text: strict.decode(bytes), invalidLines: 0 };
  } catch {
    // Some line is not UTF-8: decode line by line.
  }
  const kept: string[] = [];
  let invalid = 0;
  let nonEmpty = 0;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    if (end > start) {
      nonEmpty++;
      try {
        kept.push(strict.decode(bytes.subarray(start, end)));
      } catch {
        invalid++;
      }
    } else kept.push('');
    if (nl < 0) break;
    start = nl + 1;
  }
  if (invalid * 2 > nonEmpty) throw notTextError(what);
  return { text: kept.join('\n'), invalidLines: invalid };
}

function lineOfFirstInvalid(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    try {
      strict.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (nl < 0) return line;
    line++;
    start = nl + 1;
  }
}
