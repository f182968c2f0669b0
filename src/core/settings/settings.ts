/**
 * The one definition of Caro History's settings. VS Code ids are `caroHistory.<key>`; package.json's
 * `contributes.configuration` is generated from SETTINGS (configurationContribution) and tested against it.
 */
import { SAFETY_MODES, type SafetyMode } from '../model/entry';
import { compileExcludePattern, type ExcludeMatcher } from './excludePattern';

export interface Settings {
  captureEnabled: boolean;
  ignoreLeadingSpace: boolean;
  excludePatterns: string[];
  safetyMode: SafetyMode;
  retentionDays: number;
  maxCommands: number;
  syncEnabled: boolean;
  syncServerUrl: string;
  deviceName: string;
  shareMetrics: boolean;
  lowConfidenceCommands: 'flag' | 'skip';
}

export type SettingKey = keyof Settings;

export const SETTINGS_SECTION = 'caroHistory';

interface SettingBase<K extends SettingKey> {
  key: K;
  /** Markdown shown in the Settings UI. */
  description: string;
  default: Settings[K];
  /** VS Code scope; machine-specific values must not roam with Settings Sync. */
  scope: 'application' | 'machine' | 'window';
  order: number;
}

export type SettingDefinition =
  | (SettingBase<'captureEnabled' | 'ignoreLeadingSpace' | 'syncEnabled' | 'shareMetrics'> & { type: 'boolean' })
  | (SettingBase<'retentionDays' | 'maxCommands'> & { type: 'integer'; minimum: number; maximum: number })
  | (SettingBase<'excludePatterns'> & { type: 'array'; items: 'string'; maxItems: number })
  | (SettingBase<'safetyMode'> & { type: 'string'; enum: readonly SafetyMode[]; enumDescriptions: readonly string[] })
  | (SettingBase<'lowConfidenceCommands'> & { type: 'string'; enum: readonly ('flag' | 'skip')[]; enumDescriptions: readonly string[] })
  | (SettingBase<'syncServerUrl'> & { type: 'string'; format: 'uri'; pattern: string })
  | (SettingBase<'deviceName'> & { type: 'string'; maxLength: number });

export const RETENTION_MIN_DAYS = 30;
export const RETENTION_MAX_DAYS = 365;
export const MAX_COMMANDS_MIN = 100;
export const MAX_COMMANDS_MAX = 1_000_000;
export const MAX_EXCLUDE_PATTERNS = 200;
export const MAX_DEVICE_NAME = 64;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  captureEnabled: true,
  ignoreLeadingSpace: true,
  // Frozen too: callers copy it (validateSettings does) instead of sharing it.
  excludePatterns: Object.freeze([]) as unknown as string[],
  safetyMode: 'moderate',
  retentionDays: 90,
  maxCommands: 10_000,
  syncEnabled: false,
  syncServerUrl: 'ws://127.0.0.1:4200',
  deviceName: '',
  shareMetrics: false,
  lowConfidenceCommands: 'flag',
});

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'captureEnabled',
    type: 'boolean',
    default: true,
    scope: 'window',
    order: 0,
    description: 'Record commands run in VS Code terminals. Turn off to stop recording (the history stays).',
  },
  {
    key: 'ignoreLeadingSpace',
    type: 'boolean',
    default: true,
    scope: 'window',
    order: 1,
    description: 'Do not record commands that start with a space, like `HISTCONTROL=ignorespace` in bash.',
  },
  {
    key: 'excludePatterns',
    type: 'array',
    items: 'string',
    maxItems: MAX_EXCLUDE_PATTERNS,
    default: [],
    scope: 'application',
    order: 2,
    description:
      'Regular expressions (JavaScript syntax). A command that matches any of them is never recorded, e.g. `^vault ` or `--password`.',
  },
  {
    key: 'safetyMode',
    type: 'string',
    enum: SAFETY_MODES,
    enumDescriptions: [
      'Ask before re-running moderate commands; ask with a modal dialog for high and critical ones.',
      'Ask before re-running high-risk commands; ask with a modal dialog for critical ones.',
      'Only ask (modal) before re-running critical commands.',
    ],
    default: 'moderate',
    scope: 'application',
    order: 3,
    description: 'How careful Caro History is when you re-run a command from history. It never blocks: it asks first.',
  },
  {
    key: 'retentionDays',
    type: 'integer',
    minimum: RETENTION_MIN_DAYS,
    maximum: RETENTION_MAX_DAYS,
    default: 90,
    scope: 'application',
    order: 4,
    description: `Delete commands older than this many days (${RETENTION_MIN_DAYS}–${RETENTION_MAX_DAYS}).`,
  },
  {
    key: 'maxCommands',
    type: 'integer',
    minimum: MAX_COMMANDS_MIN,
    maximum: MAX_COMMANDS_MAX,
    default: 10_000,
    scope: 'application',
    order: 5,
    description: 'Keep at most this many commands; the oldest are deleted first.',
  },
  {
    key: 'syncEnabled',
    type: 'boolean',
    default: false,
    scope: 'application',
    order: 6,
    description:
      'Sync history end-to-end encrypted across your devices. While this is off, Caro History makes no network requests at all.',
  },
  {
    key: 'syncServerUrl',
    type: 'string',
    format: 'uri',
    pattern: '^wss?://',
    default: 'ws://127.0.0.1:4200',
    scope: 'application',
    order: 7,
    description: 'Sync relay address (`ws://` or `wss://`). The relay only ever sees encrypted data.',
  },
  {
    key: 'deviceName',
    type: 'string',
    maxLength: MAX_DEVICE_NAME,
    default: '',
    scope: 'machine',
    order: 8,
    description: 'Name of this device in the device list. Empty = the computer’s host name.',
  },
  {
    key: 'shareMetrics',
    type: 'boolean',
    default: false,
    scope: 'application',
    order: 9,
    description: 'Sync anonymous usage counts (never commands) with your other devices.',
  },
  {
    key: 'lowConfidenceCommands',
    type: 'string',
    enum: ['flag', 'skip'],
    enumDescriptions: [
      'Record commands VS Code could not read reliably and mark them as uncertain.',
      'Do not record commands VS Code could not read reliably.',
    ],
    default: 'flag',
    scope: 'window',
    order: 10,
    description: 'What to do with commands whose text VS Code’s shell integration reports with low confidence.',
  },
];

export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** package.json `contributes.configuration`, generated from SETTINGS. */
export function configurationContribution(): {
  title: string;
  properties: Record<string, Record<string, unknown>>;
} {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS) {
    const common = { default: s.default, markdownDescription: s.description, scope: s.scope, order: s.order };
    let schema: Record<string, unknown>;
    switch (s.type) {
      case 'boolean':
        schema = { type: 'boolean', ...common };
        break;
      case 'integer':
        schema = { type: 'integer', minimum: s.minimum, maximum: s.maximum, ...common };
        break;
      case 'array':
        schema = { type: 'array', items: { type: 'string' }, maxItems: s.maxItems, ...common };
        break;
      case 'string':
        if ('enum' in s) schema = { type: 'string', enum: [...s.enum], enumDescriptions: [...s.enumDescriptions], ...common };
        else if ('pattern' in s) schema = { type: 'string', format: s.format, pattern: s.pattern, ...common };
        else schema = { type: 'string', maxLength: s.maxLength, ...common };
        break;
    }
    properties[settingId(s.key)] = schema;
  }
  return { title: 'Caro History', properties };
}

export interface ValidatedSettings {
  settings: Settings;
  /** Plain-language descriptions of every value that was ignored or corrected. */
  problems: string[];
}

/**
 * Turns raw configuration values (keys with or without the `caroHistory.` prefix) into Settings. Never throws: bad
 * values fall back to the default or are clamped, and each correction is described in `problems`.
 */
export function validateSettings(raw: Record<string, unknown>): ValidatedSettings {
  const problems: string[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, excludePatterns: [] };
  const value = (key: SettingKey): unknown => {
    const v = raw[settingId(key)];
    return v !== undefined ? v : raw[key];
  };
  const name = (key: SettingKey): string => `"${settingId(key)}"`;

  for (const key of ['captureEnabled', 'ignoreLeadingSpace', 'syncEnabled', 'shareMetrics'] as const) {
    const v = value(key);
    if (v === undefined || v === null) continue;
    if (typeof v === 'boolean') settings[key] = v;
    else problems.push(`${name(key)} must be true or false; using ${String(DEFAULT_SETTINGS[key])}.`);
  }

  for (const def of SETTINGS) {
    if (def.type !== 'integer') continue;
    const key = def.key;
    const v = value(key);
    if (v === undefined || v === null) continue;
    const num = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof num !== 'number' || !Number.isFinite(num)) {
      problems.push(`${name(key)} must be a whole number between ${def.minimum} and ${def.maximum}; using ${def.default}.`);
      continue;
    }
    const rounded = Math.round(num);
    const clamped = Math.min(def.maximum, Math.max(def.minimum, rounded));
    if (clamped !== num) {
      problems.push(`${name(key)} must be a whole number between ${def.minimum} and ${def.maximum}; using ${clamped}.`);
    }
    settings[key] = clamped;
  }

  const mode = value('safetyMode');
  if (mode !== undefined && mode !== null) {
    if (typeof mode === 'string' && (SAFETY_MODES as readonly string[]).includes(mode)) settings.safetyMode = mode as SafetyMode;
    else problems.push(`${name('safetyMode')} must be one of ${SAFETY_MODES.join(', ')}; using moderate.`);
  }

  const low = value('lowConfidenceCommands');
  if (low !== undefined && low !== null) {
    if (low === 'flag' || low === 'skip') settings.lowConfidenceCommands = low;
    else problems.push(`${name('lowConfidenceCommands')} must be "flag" or "skip"; using flag.`);
  }

  const patterns = value('excludePatterns');
  if (patterns !== undefined && patterns !== null) {
    if (!Array.isArray(patterns)) {
      problems.push(`${name('excludePatterns')} must be a list of regular expressions; ignoring it.`);
    } else {
      patterns.forEach((p: unknown, i: number) => {
        if (i >= MAX_EXCLUDE_PATTERNS) {
          if (i === MAX_EXCLUDE_PATTERNS) problems.push(`${name('excludePatterns')} has more than ${MAX_EXCLUDE_PATTERNS} entries; the rest are ignored.`);
          return;
        }
        if (typeof p !== 'string' || p.trim() === '') {
          problems.push(`${name('excludePatterns')} entry ${i + 1} is not a non-empty text pattern; it is ignored.`);
          return;
        }
        const compiled = compileExcludePattern(p);
        if (compiled.ok) settings.excludePatterns.push(p);
        else problems.push(`${name('excludePatterns')} entry ${i + 1} ${compiled.what}; it is ignored. ${compiled.fix}.`);
      });
    }
  }

  const url = value('syncServerUrl');
  if (url !== undefined && url !== null) {
    const checked = typeof url === 'string' ? checkRelayUrl(url) : 'it is not text';
    if (checked === null && typeof url === 'string') settings.syncServerUrl = url.trim();
    else problems.push(`${name('syncServerUrl')} must be a ws:// or wss:// address (${checked}); using ${DEFAULT_SETTINGS.syncServerUrl}.`);
  }

  const device = value('deviceName');
  if (device !== undefined && device !== null) {
    if (typeof device !== 'string') problems.push(`${name('deviceName')} must be text; using the host name.`);
    else {
      const cleaned = device.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
      if (cleaned.length > MAX_DEVICE_NAME) problems.push(`${name('deviceName')} is longer than ${MAX_DEVICE_NAME} characters; it was shortened.`);
      else if (cleaned !== device) problems.push(`${name('deviceName')} contained control characters or extra spaces; they were removed.`);
      settings.deviceName = cleaned.slice(0, MAX_DEVICE_NAME);
    }
  }

  const known = new Set<string>(SETTINGS.flatMap((s) => [s.key, settingId(s.key)]));
  for (const k of Object.keys(raw)) {
    if (!known.has(k) && (k.startsWith(`${SETTINGS_SECTION}.`) || !k.includes('.'))) {
      problems.push(`"${k.startsWith(`${SETTINGS_SECTION}.`) ? k : settingId(k as SettingKey)}" is not a Caro History setting; it is ignored.`);
    }
  }

  return { settings, problems };
}

/** null when fine, otherwise a short reason. */
export function checkRelayUrl(url: string): string | null {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return 'it is not a valid address';
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return `it starts with ${parsed.protocol}//`;
  if (!parsed.hostname) return 'it has no host name';
  if (parsed.username || parsed.password) return 'it must not contain a user name or password';
  return null;
}

/**
 * Compiles validated exclude patterns for the linear-time engine. Invalid ones (already reported by validateSettings)
 * are skipped, so this never throws.
 */
export function compileExcludePatterns(patterns: readonly string[]): ExcludeMatcher[] {
  const out: ExcludeMatcher[] = [];
  for (const p of patterns) {
    const compiled = compileExcludePattern(p);
    if (compiled.ok) out.push(compiled.matcher);
  }
  return out;
}
