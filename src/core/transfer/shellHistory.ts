/**
 * Readers for existing shell history files, so people can bring their history along:
 * - bash: one command per line; with HISTTIMEFORMAT, `#<epoch>` lines carry timestamps and also delimit multi-line
 *   commands (everything up to the next `#<epoch>` line belongs to one command).
 * - zsh: plain lines, or EXTENDED_HISTORY `: <epoch>:<duration>;<command>`; a line ending in a backslash continues on
 *   the next line; "metafied" bytes (0x83 followed by byte ^ 0x20) are decoded when given raw bytes.
 * - fish: `- cmd: …` / `  when: <epoch>` YAML-ish records with `\\` and `\n` escapes.
 * Commands without a timestamp keep the file's order: they get times just after the previous known timestamp (or,
 * with none at all, consecutive milliseconds ending at `now`).
 */
import type { CapturedCommand } from '../model/entry';
import { CaroError } from '../model/errors';
import { decodeHistoryLines } from './historyText';

export type ShellHistoryFormat = 'bash' | 'zsh' | 'fish';
export const SHELL_HISTORY_FORMATS: readonly ShellHistoryFormat[] = ['bash', 'zsh', 'fish'];

export interface ShellHistoryOptions {
  /** Unix ms used for commands without any timestamp (default Date.now()). */
  now?: number;
}

interface Raw {
  command: string;
  /** Unix ms. */
  at?: number;
  durationMs?: number;
}

const ZSH_META = 0x83;

/** Undoes zsh's metafication: 0x83 marks that the next byte was XOR-ed with 0x20. */
export function unmetafyZsh(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(ZSH_META)) return bytes;
  const out = new Uint8Array(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === ZSH_META && i + 1 < bytes.length) {
      out[j++] = (bytes[i + 1] as number) ^ 0x20;
      i += 1;
    } else out[j++] = b;
  }
  return out.subarray(0, j);
}

/**
 * Bytes of a history file → text (UTF-8, after zsh unmetafication). Lines that are not valid UTF-8 are left out and
 * counted; a file that is not text throws CaroError('badImportFile').
 */
export function decodeShellHistory(bytes: Uint8Array, format: ShellHistoryFormat): { text: string; invalidLines: number } {
  return decodeHistoryLines(format === 'zsh' ? unmetafyZsh(bytes) : bytes);
}

export interface ShellHistoryRead {
  commands: CapturedCommand[];
  /** Lines left out because they were not valid UTF-8 text. */
  invalidLines: number;
}

/** Reads a history file's bytes: the commands, and how many lines were left out as not being text. */
export function readShellHistory(bytes: Uint8Array, format: ShellHistoryFormat, options: ShellHistoryOptions = {}): ShellHistoryRead {
  const { text, invalidLines } = decodeShellHistory(bytes, format);
  return { commands: parseShellText(text, format, options), invalidLines };
}

/** Guesses the format from the content: fish records, zsh extended lines, otherwise bash. */
export function detectShellHistoryFormat(text: string | Uint8Array): ShellHistoryFormat {
  const sample = (typeof text === 'string' ? text : new TextDecoder('latin1').decode(text.subarray(0, 65_536))).slice(0, 65_536);
  if (/^- cmd: /m.test(sample) && /^ {2}when: \d+/m.test(sample)) return 'fish';
  if (/^: \d{9,11}:\d+;/m.test(sample)) return 'zsh';
  return 'bash';
}

export function parseShellHistory(
  input: string | Uint8Array,
  format: ShellHistoryFormat,
  options: ShellHistoryOptions = {},
): CapturedCommand[] {
  if (typeof input !== 'string') return readShellHistory(input, format, options).commands;
  // A zsh file read as latin1/binary still carries metafied bytes: decode them properly.
  if (format === 'zsh' && input.includes('\u0083') && isByteString(input)) {
    return readShellHistory(Uint8Array.from(input, (ch) => ch.charCodeAt(0)), 'zsh', options).commands;
  }
  return parseShellText(input, format, options);
}

function parseShellText(input: string, format: ShellHistoryFormat, options: ShellHistoryOptions): CapturedCommand[] {
  let text = input;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n/g, '\n');

  let raws: Raw[];
  switch (format) {
    case 'bash':
      raws = parseBash(text);
      break;
    case 'zsh':
      raws = parseZsh(text);
      break;
    case 'fish':
      raws = parseFish(text);
      break;
    default:
      throw new CaroError('invalidInput', `Unknown shell history format "${String(format)}".`, 'Use bash, zsh or fish.');
  }
  return assignTimes(raws.filter((r) => r.command.trim() !== ''), format, options.now ?? Date.now());
}

function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

function parseBash(text: string): Raw[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const stamped = lines.some((l) => /^#\d{9,11}$/.test(l));
  const out: Raw[] = [];
  if (!stamped) {
    for (const l of lines) out.push({ command: l });
    return out;
  }
  let current: Raw | undefined;
  for (const l of lines) {
    const m = /^#(\d{9,11})$/.exec(l);
    if (m) {
      if (current) out.push(current);
      current = { command: '', at: Number(m[1]) * 1000 };
      continue;
    }
    if (!current) {
      // Lines before the first timestamp (history written before HISTTIMEFORMAT was set).
      out.push({ command: l });
      continue;
    }
    current.command = current.command === '' ? l : `${current.command}\n${l}`;
  }
  if (current) out.push(current);
  return out;
}

function parseZsh(text: string): Raw[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: Raw[] = [];
  let current: Raw | undefined;
  let continuing = false;
  for (const l of lines) {
    if (continuing && current) {
      const cont = l.endsWith('\\');
      current.command += `\n${cont ? l.slice(0, -1) : l}`;
      continuing = cont;
      if (!continuing) {
        out.push(current);
        current = undefined;
      }
      continue;
    }
    const m = /^: (\d{9,11}):(\d+);([\s\S]*)$/.exec(l);
    const raw: Raw = m ? { command: m[3] ?? '', at: Number(m[1]) * 1000, durationMs: Number(m[2]) * 1000 } : { command: l };
    if (raw.command.endsWith('\\')) {
      raw.command = raw.command.slice(0, -1);
      current = raw;
      continuing = true;
    } else out.push(raw);
  }
  if (current) out.push(current);
  return out;
}

function unescapeFish(s: string): string {
  return s.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseFish(text: string): Raw[] {
  const out: Raw[] = [];
  let current: Raw | undefined;
  for (const l of text.split('\n')) {
    const cmd = /^- cmd: ?(.*)$/.exec(l);
    if (cmd) {
      if (current) out.push(current);
      current = { command: unescapeFish(cmd[1] ?? '') };
      continue;
    }
    const when = /^ {2}when: (\d+)\s*$/.exec(l);
    if (when && current) {
      current.at = Number(when[1]) * 1000;
      continue;
    }
    // `  paths:` and `    - /dir` lines, or anything else: ignored.
  }
  if (current) out.push(current);
  return out;
}

function assignTimes(raws: Raw[], shell: ShellHistoryFormat, now: number): CapturedCommand[] {
  const n = raws.length;
  const times: number[] = new Array<number>(n);
  const anyKnown = raws.some((r) => r.at !== undefined);
  if (!anyKnown) {
    for (let i = 0; i < n; i++) times[i] = now - (n - 1 - i);
  } else {
    let lastKnown: number | undefined;
    let steps = 0;
    for (let i = 0; i < n; i++) {
      const at = raws[i]?.at;
      if (at !== undefined) {
        lastKnown = at;
        steps = 0;
        times[i] = at;
      } else if (lastKnown !== undefined) {
        steps += 1;
        times[i] = lastKnown + steps;
      }
    }
    // Leading commands before the first timestamp: just before it.
    const firstKnown = raws.findIndex((r) => r.at !== undefined);
    const first = raws[firstKnown]?.at ?? now;
    for (let i = 0; i < firstKnown; i++) times[i] = first - (firstKnown - i);
  }
  return raws.map((r, i) => {
    const startedAt = times[i] ?? now;
    const c: CapturedCommand = { commandLine: r.command, startedAt, shell };
    if (r.durationMs !== undefined && r.at !== undefined) c.endedAt = startedAt + r.durationMs;
    return c;
  });
}
