/**
 * The spec's JSON export format (caro-data-model.md "Export Format", exportVersion "1.0") plus Caro History's own
 * fields on each command. parseExport validates the whole file before returning anything: on any problem it throws
 * one CaroError('badImportFile') naming the place (line/column for JSON syntax, `commands[3].command` for fields), so
 * a bad file imports nothing. Messages never quote command text (it may hold secrets).
 */
import { RISK_LEVELS, SAFETY_MODES, type DeviceInfo, type HistoryEntry, type RiskLevel, type SafetyMode } from '../model/entry';
import { CaroError } from '../model/errors';
import { redactSecrets } from '../safety/redact';
import { classifyRisk } from '../safety/risk';

export const EXPORT_VERSION = '1.0';
/** Decision 17: commands over 10 KB are never stored. */
export const MAX_COMMAND_BYTES = 10 * 1024;
export const MAX_TEXT_BYTES = 64 * 1024;
export const MAX_IMPORT_COMMANDS = 1_000_000;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The spec's `preferences` object (synced preference values; all optional). */
export interface ExportPreferences {
  safetyLevel?: SafetyMode;
  defaultShell?: string;
  retentionDays?: number;
  maxCommands?: number;
  syncEnabled?: boolean;
  shareMetrics?: boolean;
  excludePatterns?: string[];
}

export interface ExportCommand {
  id: string;
  prompt: string;
  command: string;
  explanation?: string;
  executed: boolean;
  success?: boolean;
  createdAt: string;
  updatedAt?: string;
  exitCode?: number;
  durationMs?: number;
  workingDir?: string;
  shell?: string;
  platform?: string;
  riskLevel?: RiskLevel;
  warnings?: string[];
  deviceId?: string;
  sessionId?: string;
  workspace?: string;
  tags?: string[];
  lowConfidence?: boolean;
  schemaVersion?: number;
}

export interface ExportDevice {
  name: string;
  platform: string;
  lastSeen: string;
  deviceId?: string;
  firstSeen?: string;
  schemaVersion?: number;
}

export interface ExportDocument {
  exportVersion: string;
  exportedAt: string;
  profile: { displayName: string; deviceCount: number };
  commands: ExportCommand[];
  preferences: ExportPreferences;
  devices: ExportDevice[];
}

export interface BuildExportOptions {
  /** Unix ms; default Date.now(). */
  exportedAt?: number;
  displayName?: string;
  /** Pretty-print (default true: people read exports). */
  pretty?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Serialises live (not deleted) entries, newest last, in the spec's format. */
export function buildExport(
  entries: readonly HistoryEntry[],
  devices: readonly DeviceInfo[],
  prefs: ExportPreferences,
  options: BuildExportOptions = {},
): string {
  const live = entries.filter((e) => e.deletedAt === undefined).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const doc: ExportDocument = {
    exportVersion: EXPORT_VERSION,
    exportedAt: iso(options.exportedAt ?? Date.now()),
    profile: { displayName: options.displayName ?? 'Caro History', deviceCount: devices.length },
    commands: live.map(toExportCommand),
    preferences: { ...prefs },
    devices: devices.map((d) => ({
      name: d.name,
      platform: d.platform,
      lastSeen: iso(d.lastSeen),
      deviceId: d.deviceId,
      firstSeen: iso(d.firstSeen),
      schemaVersion: d.schemaVersion,
    })),
  };
  return options.pretty === false ? JSON.stringify(doc) : `${JSON.stringify(doc, null, 2)}\n`;
}

function toExportCommand(e: HistoryEntry): ExportCommand {
  const c: ExportCommand = {
    id: e.id,
    prompt: e.prompt,
    command: e.command,
    executed: e.executed,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    riskLevel: e.riskLevel,
    warnings: [...e.warnings],
    deviceId: e.deviceId,
    tags: [...e.tags],
    schemaVersion: e.schemaVersion,
  };
  if (e.explanation !== undefined) c.explanation = e.explanation;
  if (e.success !== undefined) c.success = e.success;
  if (e.exitCode !== undefined) c.exitCode = e.exitCode;
  if (e.durationMs !== undefined) c.durationMs = e.durationMs;
  if (e.workingDir !== undefined) c.workingDir = e.workingDir;
  if (e.shell !== undefined) c.shell = e.shell;
  if (e.platform !== undefined) c.platform = e.platform;
  if (e.sessionId !== undefined) c.sessionId = e.sessionId;
  if (e.workspace !== undefined) c.workspace = e.workspace;
  if (e.lowConfidence !== undefined) c.lowConfidence = e.lowConfidence;
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const ACTION = 'Check that the file is a Caro History export (exportVersion "1.0") and was not cut off or edited; nothing was imported.';

function bad(message: string, action = ACTION): CaroError {
  return new CaroError('badImportFile', message, action);
}

export interface ParsedExport {
  entries: HistoryEntry[];
  devices: ExportDevice[];
  preferences: ExportPreferences;
  exportedAt?: number;
}

/** Validates the whole file and returns its entries; throws CaroError('badImportFile') and returns nothing otherwise. */
export function parseExport(text: string): HistoryEntry[] {
  return parseExportDocument(text).entries;
}

export function parseExportDocument(text: string): ParsedExport {
  if (typeof text !== 'string') throw bad('The import file could not be read as text.');
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw bad('The import file is empty.');
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    throw bad(`The import file is not valid JSON ${jsonErrorLocation(body, e)}.`);
  }
  if (!isObject(raw)) throw bad('The import file does not contain a Caro History export (expected a JSON object at the top).');

  const version = raw.exportVersion;
  if (version === undefined) throw bad('The import file has no "exportVersion"; it does not look like a Caro History export.');
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw bad(
      `The import file has exportVersion ${JSON.stringify(version).slice(0, 20)}, but this version of Caro History reads version 1.x.`,
      typeof version === 'string' && /^\d+\.\d+$/.test(version)
        ? 'Update Caro History to import files from a newer version; nothing was imported.'
        : ACTION,
    );
  }

  let exportedAt: number | undefined;
  if (raw.exportedAt !== undefined) exportedAt = parseDate(raw.exportedAt, 'exportedAt');

  if (!Array.isArray(raw.commands)) {
    throw bad(raw.commands === undefined ? 'The import file has no "commands" list.' : '"commands" must be a list.');
  }
  if (raw.commands.length > MAX_IMPORT_COMMANDS) {
    throw bad(`The import file has ${raw.commands.length} commands; at most ${MAX_IMPORT_COMMANDS} can be imported at once.`, 'Split the file and import the parts one by one; nothing was imported.');
  }

  const seen = new Map<string, number>();
  const entries = raw.commands.map((c: unknown, i: number) => {
    const entry = parseCommand(c, `commands[${i}]`);
    const first = seen.get(entry.id);
    if (first !== undefined) throw bad(`commands[${i}].id is the same as commands[${first}].id; every command needs its own id.`);
    seen.set(entry.id, i);
    return entry;
  });

  const devices = raw.devices === undefined ? [] : parseDevices(raw.devices);
  const preferences = raw.preferences === undefined ? {} : parsePreferences(raw.preferences);
  if (raw.profile !== undefined && !isObject(raw.profile)) throw bad('"profile" must be an object.');

  return { entries, devices, preferences, ...(exportedAt !== undefined ? { exportedAt } : {}) };
}

function parseCommand(c: unknown, at: string): HistoryEntry {
  if (!isObject(c)) throw bad(`${at} must be an object.`);
  const id = requireString(c, 'id', at);
  if (!ID_PATTERN.test(id)) throw bad(`${at}.id must be 1–128 letters, digits, ".", "_", ":" or "-".`);
  const commandRaw = requireString(c, 'command', at);
  if (commandRaw.trim() === '') throw bad(`${at}.command is empty.`);
  checkText(commandRaw, `${at}.command`, MAX_COMMAND_BYTES);
  const createdAt = parseDate(c.createdAt, `${at}.createdAt`);
  const updatedAt = c.updatedAt === undefined ? createdAt : parseDate(c.updatedAt, `${at}.updatedAt`);

  const prompt = optionalString(c, 'prompt', at) ?? '';
  checkText(prompt, `${at}.prompt`, MAX_TEXT_BYTES);
  const explanation = optionalString(c, 'explanation', at);
  if (explanation !== undefined) checkText(explanation, `${at}.explanation`, MAX_TEXT_BYTES);

  const executed = optionalBoolean(c, 'executed', at) ?? true;
  const success = c.success === null ? undefined : optionalBoolean(c, 'success', at);
  const exitCode = optionalInteger(c, 'exitCode', at, -2_147_483_648, 2_147_483_647);
  const durationMs = optionalInteger(c, 'durationMs', at, 0, Number.MAX_SAFE_INTEGER);
  const schemaVersion = optionalInteger(c, 'schemaVersion', at, 1, 1_000_000) ?? 1;

  const command = redactSecrets(commandRaw).text;
  // The file's own riskLevel/warnings are checked for shape but never trusted: a hand-edited "safe" on `rm -rf /`
  // must not survive. Risk is always recomputed from the (redacted) command.
  if (c.riskLevel !== undefined && (typeof c.riskLevel !== 'string' || !(RISK_LEVELS as readonly string[]).includes(c.riskLevel))) {
    throw bad(`${at}.riskLevel must be one of ${RISK_LEVELS.join(', ')}.`);
  }
  optionalStringList(c, 'warnings', at);
  const { level: riskLevel, warnings } = classifyRisk(command);
  const tags = (optionalStringList(c, 'tags', at) ?? []).map((t, i) => {
    checkText(t, `${at}.tags[${i}]`, 4096);
    return redacted(t);
  });

  const entry: HistoryEntry = {
    id,
    command,
    prompt: redacted(prompt),
    tags,
    executed,
    riskLevel,
    warnings,
    // Empty = "this device": the history service fills in its own id.
    deviceId: redacted(optionalString(c, 'deviceId', at) ?? ''),
    createdAt,
    updatedAt,
    schemaVersion,
  };
  if (explanation !== undefined) entry.explanation = redacted(explanation);
  if (success !== undefined) entry.success = success;
  if (exitCode !== undefined) entry.exitCode = exitCode;
  if (durationMs !== undefined) entry.durationMs = durationMs;
  for (const key of ['workingDir', 'shell', 'platform', 'sessionId', 'workspace'] as const) {
    const v = optionalString(c, key, at);
    if (v !== undefined) {
      checkText(v, `${at}.${key}`, 4096);
      entry[key] = redacted(v);
    }
  }
  const low = optionalBoolean(c, 'lowConfidence', at);
  if (low !== undefined) entry.lowConfidence = low;
  return entry;
}

function parseDevices(v: unknown): ExportDevice[] {
  if (!Array.isArray(v)) throw bad('"devices" must be a list.');
  return v.map((d: unknown, i: number) => {
    const at = `devices[${i}]`;
    if (!isObject(d)) throw bad(`${at} must be an object.`);
    const dev: ExportDevice = {
      name: requireString(d, 'name', at),
      platform: optionalString(d, 'platform', at) ?? 'other',
      lastSeen: new Date(parseDate(d.lastSeen, `${at}.lastSeen`)).toISOString(),
    };
    const id = optionalString(d, 'deviceId', at);
    if (id !== undefined) dev.deviceId = id;
    if (d.firstSeen !== undefined) dev.firstSeen = new Date(parseDate(d.firstSeen, `${at}.firstSeen`)).toISOString();
    const sv = optionalInteger(d, 'schemaVersion', at, 1, 1_000_000);
    if (sv !== undefined) dev.schemaVersion = sv;
    return dev;
  });
}

function parsePreferences(v: unknown): ExportPreferences {
  if (!isObject(v)) throw bad('"preferences" must be an object.');
  const p: ExportPreferences = {};
  if (v.safetyLevel !== undefined) {
    if (typeof v.safetyLevel !== 'string' || !(SAFETY_MODES as readonly string[]).includes(v.safetyLevel)) {
      throw bad(`preferences.safetyLevel must be one of ${SAFETY_MODES.join(', ')}.`);
    }
    p.safetyLevel = v.safetyLevel as SafetyMode;
  }
  const shell = optionalString(v, 'defaultShell', 'preferences');
  if (shell !== undefined) p.defaultShell = shell;
  const rd = optionalInteger(v, 'retentionDays', 'preferences', 1, 100_000);
  if (rd !== undefined) p.retentionDays = rd;
  const mc = optionalInteger(v, 'maxCommands', 'preferences', 1, 100_000_000);
  if (mc !== undefined) p.maxCommands = mc;
  const se = optionalBoolean(v, 'syncEnabled', 'preferences');
  if (se !== undefined) p.syncEnabled = se;
  const sm = optionalBoolean(v, 'shareMetrics', 'preferences');
  if (sm !== undefined) p.shareMetrics = sm;
  const ex = optionalStringList(v, 'excludePatterns', 'preferences');
  if (ex !== undefined) p.excludePatterns = ex;
  return p;
}

/** Every text field from a file goes through secret redaction, not only the command. */
function redacted(v: string): string {
  return v === '' ? v : redactSecrets(v).text;
}

// --- field helpers ------------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function requireString(o: Record<string, unknown>, key: string, at: string): string {
  const v = o[key];
  if (v === undefined) throw bad(`${at}.${key} is missing.`);
  if (typeof v !== 'string') throw bad(`${at}.${key} must be text, not ${typeName(v)}.`);
  return v;
}

function optionalString(o: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${at}.${key} must be text, not ${typeName(v)}.`);
  return v;
}

function optionalBoolean(o: Record<string, unknown>, key: string, at: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`${at}.${key} must be true or false, not ${typeName(v)}.`);
  return v;
}

function optionalInteger(o: Record<string, unknown>, key: string, at: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`${at}.${key} must be a whole number between ${min} and ${max}.`);
  }
  return v;
}

function optionalStringList(o: Record<string, unknown>, key: string, at: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${at}.${key} must be a list of text values.`);
  if (v.length > 1000) throw bad(`${at}.${key} has more than 1000 values.`);
  return v as string[];
}

function parseDate(v: unknown, at: string): number {
  if (v === undefined) throw bad(`${at} is missing.`);
  let ms: number;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(v)) ms = Date.parse(v);
  else if (typeof v === 'number' && Number.isInteger(v)) ms = v; // unix ms, tolerated for hand-made files
  else throw bad(`${at} must be a date like "2025-12-19T15:30:00Z".`);
  if (!Number.isFinite(ms) || ms < 0 || ms > Date.UTC(9999, 0, 1)) throw bad(`${at} is not a valid date.`);
  return ms;
}

const encoder = new TextEncoder();

function checkText(v: string, at: string, maxBytes: number): void {
  // Lone surrogates cannot be stored or encrypted faithfully.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)) {
    throw bad(`${at} contains broken (invalid UTF-16) characters.`);
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) throw bad(`${at} contains control characters.`);
  const bytes = v.length * 3 <= maxBytes ? v.length : encoder.encode(v).length;
  if (bytes > maxBytes) throw bad(`${at} is ${Math.ceil(bytes / 1024)} KB; the limit is ${Math.floor(maxBytes / 1024)} KB.`);
}

/** "at line 3, column 7" from a JSON.parse error (positions in V8 messages), or "" when unknown. */
function jsonErrorLocation(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : '';
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return `at line ${lc[1]}, column ${lc[2]}`;
  let pos: number | undefined;
  const p = /position (\d+)/.exec(msg);
  if (p) pos = Number(p[1]);
  else if (/end of (?:JSON )?input|Unterminated/i.test(msg)) pos = text.length;
  if (pos === undefined) return '(the error could not be located)';
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return `at line ${line}, column ${pos - lineStart + 1}`;
}
