/**
 * One entry point for "import this file", shared by the CLI and the VS Code command: picks the format (or uses the
 * one asked for), refuses files that are not text, and parses everything before anything is stored.
 */
import type { CapturedCommand, HistoryEntry } from '../model/entry';
import { parseExport } from './exportFormat';
import { decodeWholeText } from './historyText';
import { SHELL_HISTORY_FORMATS, detectShellHistoryFormat, readShellHistory, type ShellHistoryFormat } from './shellHistory';

export type ImportFormat = 'json' | ShellHistoryFormat;
export const IMPORT_FORMATS: readonly ImportFormat[] = ['json', ...SHELL_HISTORY_FORMATS];

export type ParsedImport =
  | { format: 'json'; entries: HistoryEntry[]; invalidLines: 0 }
  | { format: ShellHistoryFormat; captured: CapturedCommand[]; invalidLines: number };

export interface ParseImportOptions {
  /** Unix ms for shell-history commands without a timestamp (the file's modification time is a good choice). */
  now?: number;
  /** A file name ending in .json is read as a Caro export when the format is 'auto'. */
  fileName?: string;
}

/** Format from the content: a JSON object → Caro export; otherwise the shell history format it looks like. */
export function detectImportFormat(bytes: Uint8Array, fileName?: string): ImportFormat {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* { */) return 'json';
  if (fileName?.toLowerCase().endsWith('.json')) return 'json';
  return detectShellHistoryFormat(bytes);
}

/**
 * Parses a whole import file. Throws CaroError('badImportFile') (a message that names the fix; nothing imported) for a
 * file that is not text, a broken export, or an unknown format.
 */
export function parseImportBytes(bytes: Uint8Array, requested: ImportFormat | 'auto', options: ParseImportOptions = {}): ParsedImport {
  const format = requested === 'auto' ? detectImportFormat(bytes, options.fileName) : requested;
  if (format === 'json') return { format, entries: parseExport(decodeWholeText(bytes)), invalidLines: 0 };
  const read = readShellHistory(bytes, format, options.now !== undefined ? { now: options.now } : {});
  return { format, captured: read.commands, invalidLines: read.invalidLines };
}
