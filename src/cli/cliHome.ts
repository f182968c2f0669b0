import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CaroError } from '../core/model/errors';
import { DEFAULT_SETTINGS, validateSettings, type Settings } from '../core/settings/settings';

/** Where the CLI keeps its files: `$CARO_HISTORY_HOME`, default `~/.caro-history`. */
export interface CliHome {
  dir: string;
  dbPath: string;
  keyFile: string;
  deviceFile: string;
  settingsFile: string;
}

export function resolveCliHome(env: NodeJS.ProcessEnv = process.env): CliHome {
  const configured = env.CARO_HISTORY_HOME?.trim();
  const dir = path.resolve(configured ? expandTilde(configured) : path.join(os.homedir(), '.caro-history'));
  return {
    dir,
    dbPath: path.join(dir, 'history.db'),
    keyFile: path.join(dir, 'keys.json'),
    deviceFile: path.join(dir, 'device.json'),
    settingsFile: path.join(dir, 'settings.json'),
  };
}

function expandTilde(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** Creates the home directory (mode 0700) if needed. */
export function ensureCliHome(home: CliHome): void {
  try {
    fs.mkdirSync(home.dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CaroError(
      'invalidInput',
      `Cannot create the Caro History folder ${home.dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Set CARO_HISTORY_HOME to a folder you can write to.',
    );
  }
  if (!fs.statSync(home.dir).isDirectory()) {
    throw new CaroError('invalidInput', `${home.dir} is not a folder.`, 'Set CARO_HISTORY_HOME to a folder.');
  }
}

/** This machine's pseudonymous device id, created on first use and kept in device.json. */
export function loadOrCreateDeviceId(home: CliHome): string {
  try {
    const raw = JSON.parse(fs.readFileSync(home.deviceFile, 'utf8')) as { deviceId?: unknown };
    if (typeof raw.deviceId === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw.deviceId)) return raw.deviceId;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  const deviceId = randomUUID();
  const tmp = `${home.deviceFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ deviceId }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, home.deviceFile);
  // If another process won the race, use its id.
  const back = JSON.parse(fs.readFileSync(home.deviceFile, 'utf8')) as { deviceId?: string };
  return back.deviceId ?? deviceId;
}

/** settings.json (optional) in the home folder, validated like the extension's settings. */
export function loadCliSettings(home: CliHome): { settings: Settings; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(home.settingsFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: { ...DEFAULT_SETTINGS, excludePatterns: [] }, problems: [] };
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {
      settings: { ...DEFAULT_SETTINGS, excludePatterns: [] },
      problems: [`${home.settingsFile} is not valid JSON; using the default settings.`],
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      settings: { ...DEFAULT_SETTINGS, excludePatterns: [] },
      problems: [`${home.settingsFile} must contain a JSON object; using the default settings.`],
    };
  }
  return validateSettings(raw as Record<string, unknown>);
}
