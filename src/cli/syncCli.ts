/**
 * `caro-history sync init|join|status|pause|resume|now|devices|rename|remove|reset|rotate|leave` on the same engine as
 * the extension, so a headless machine can be a device (and tests can run devices as separate processes).
 *
 * The phrase for `join` comes from the CARO_PHRASE environment variable or standard input; it is never a command-line
 * argument (shell history and `ps` would keep it).
 */
import { hostname, platform as osPlatform } from 'node:os';
import { CaroError, isCaroError } from '../core/model/errors';
import type { Settings } from '../core/settings/settings';
import { createSyncEngine, type SyncEngine } from '../core/sync/syncEngine';
import type { SyncStatus } from '../core/sync/syncApi';
import type { WebSocketConstructor } from '../core/sync/relayConnection';
import { parseArgs, flagString, UsageError, type FlagSpec } from './cliArgs';
import type { CliContext } from './cliContext';
import { cliWording } from './cliWording';

export const SYNC_USAGE = `usage: caro-history sync <command> [--server URL]

  init                 create a recovery phrase and start syncing this device
  join                 join with the phrase from another device (reads CARO_PHRASE or standard input)
  status [--json]      connection state, device, key fingerprint, pending uploads
  now                  sync immediately and wait until done
  pause | resume       stop / restart syncing on this device (commands are still kept and queued)
  devices [--json]     list synced devices
  rename <id|this> <name>
  remove <id>          unlink another device
  reset --yes [--clear-local]   wipe the synced history everywhere (local history kept unless --clear-local)
  rotate --yes         move the history to a new recovery phrase
  leave                stop syncing on this device and forget its keys (local history kept)`;

const FLAGS: readonly FlagSpec[] = [
  { name: 'server', takesValue: true },
  { name: 'json', takesValue: false },
  { name: 'yes', short: 'y', takesValue: false },
  { name: 'clear-local', takesValue: false },
  { name: 'help', short: 'h', takesValue: false },
];

export interface SyncCliOptions {
  /** Reads all of standard input (for `join`); main.ts passes process.stdin. */
  readStdin?: () => Promise<string>;
  /** Test hook: wraps the WebSocket constructor. */
  webSocket?: WebSocketConstructor;
}

function platformName(): string {
  const p = osPlatform();
  return p === 'darwin' ? 'macos' : p === 'win32' ? 'windows' : p === 'linux' ? 'linux' : 'other';
}

function formatTime(ms: number | undefined): string {
  return ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'never';
}

function describeState(s: SyncStatus): string {
  switch (s.state) {
    case 'uninitialised':
      return 'not set up';
    case 'initialising':
      return 'connecting';
    case 'online':
      return 'up to date';
    case 'offline':
      return 'offline (will retry)';
    case 'paused':
      return 'paused';
    case 'error':
      return 'stopped because of a problem';
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits until the engine has settled after start (connected, offline, paused or not set up). */
async function settle(engine: SyncEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (engine.status.state === 'initialising' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await engine.idle();
}

/**
 * Runs `caro-history sync …`. Returns the process exit code: 0 ok, 1 failed (a plain-language message was printed),
 * 2 usage error.
 */
export async function runSyncCli(args: string[], ctx: CliContext, options: SyncCliOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  // One call = one line: the CLI's io writes exactly what it is given.
  const out = (line: string): void => ctx.io.out(`${line}\n`);
  const err = (line: string): void => ctx.io.err(`${line}\n`);
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    out(SYNC_USAGE);
    return sub ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs(rest, FLAGS, `sync ${sub}`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${SYNC_USAGE}`);
      return 2;
    }
    throw e;
  }
  const known = ['init', 'join', 'status', 'now', 'pause', 'resume', 'devices', 'rename', 'remove', 'reset', 'rotate', 'leave'];
  if (!known.includes(sub)) {
    err(`Unknown sync command "${sub}".\n\n${SYNC_USAGE}`);
    return 2;
  }
  const json = parsed.flags.has('json');
  const serverFlag = flagString(parsed, 'server');

  const history = await ctx.openHistory();
  let engine: SyncEngine | undefined;
  try {
    const rememberedUrl = new SyncUrlMemory(history.db);
    const settings: Readonly<Settings> = {
      ...ctx.settings,
      // Running a sync command means the user wants sync on this machine; "pause" is the off switch.
      syncEnabled: true,
      syncServerUrl: serverFlag ?? ctx.env.CARO_SYNC_SERVER ?? rememberedUrl.get() ?? ctx.settings.syncServerUrl,
      deviceName: ctx.settings.deviceName || hostname(),
    };
    engine = await createSyncEngine({
      history,
      db: history.db,
      vault: ctx.vault,
      settings: () => settings,
      logger: ctx.logger,
      deviceName: settings.deviceName,
      platform: platformName(),
      deviceId: ctx.deviceId,
      ...(options.webSocket ? { webSocket: options.webSocket } : {}),
    });

    switch (sub) {
      case 'init': {
        const { phrase } = await engine.init();
        rememberedUrl.set(settings.syncServerUrl);
        await engine.idle();
        const words = phrase.split(' ');
        out('Sync is set up. Your recovery phrase (24 words) is below. Write it down and keep it somewhere safe:');
        out('');
        for (let i = 0; i < words.length; i += 6) {
          out(`  ${words.slice(i, i + 6).map((w, j) => `${String(i + j + 1).padStart(2)}. ${w}`).join('  ')}`);
        }
        out('');
        out(`Key fingerprint: ${engine.status.fingerprint ?? '?'} (every device using this phrase shows the same one).`);
        out('To add another device: caro-history sync join (it asks for these words).');
        out(`Uploaded history; ${engine.status.pendingUp} command(s) still waiting.`);
        return 0;
      }
      case 'join': {
        const phrase = ctx.env.CARO_PHRASE ?? (options.readStdin ? await options.readStdin() : await readAll(process.stdin));
        if (!phrase.trim()) {
          throw new CaroError(
            'invalidPhrase',
            'No recovery phrase was given.',
            'Pipe the 24 words into "caro-history sync join", or set CARO_PHRASE.',
          );
        }
        const { downloaded } = await engine.join(phrase);
        rememberedUrl.set(settings.syncServerUrl);
        await engine.idle();
        out(`Joined. ${downloaded} command(s) downloaded from your other devices.`);
        out(`Key fingerprint: ${engine.status.fingerprint ?? '?'} (compare it with your other devices).`);
        return 0;
      }
      case 'status': {
        await settle(engine, 10_000);
        const s = engine.status;
        if (json) {
          out(JSON.stringify(s, null, 2));
          return 0;
        }
        out(`Sync: ${describeState(s)}`);
        if (s.state !== 'uninitialised') {
          out(`Device: ${s.deviceName ?? '?'} (${s.deviceId ?? '?'})`);
          out(`Key fingerprint: ${s.fingerprint ?? '?'}`);
          out(`Server: ${s.relayUrl ?? settings.syncServerUrl}`);
          out(`Waiting to upload: ${s.pendingUp}`);
          out(`Last sync: ${formatTime(s.lastSyncAt)}`);
        }
        if (s.lastError) out(cliWording(`${s.lastError.message}${s.lastError.action ? ` ${s.lastError.action}` : ''}`));
        return s.state === 'error' ? 1 : 0;
      }
      case 'now': {
        await engine.syncNow();
        await engine.idle();
        const s = engine.status;
        out(`Synced. ${s.pendingUp} command(s) waiting to upload; last sync ${formatTime(s.lastSyncAt)}.`);
        return 0;
      }
      case 'pause':
        await engine.pause();
        out('Sync is paused on this device. Commands are still recorded and will upload after "caro-history sync resume".');
        return 0;
      case 'resume': {
        await engine.resume();
        await engine.idle();
        const s = engine.status;
        out(`Sync resumed: ${describeState(s)}.`);
        if (s.lastError) out(cliWording(`${s.lastError.message}${s.lastError.action ? ` ${s.lastError.action}` : ''}`));
        return 0;
      }
      case 'devices': {
        const devices = await engine.devices();
        if (json) {
          out(JSON.stringify(devices, null, 2));
          return 0;
        }
        for (const d of devices) {
          out(`${d.isCurrent ? '*' : ' '} ${d.name}  (${d.platform}, id ${d.deviceId}, last seen ${formatTime(d.lastSeen)})`);
        }
        return 0;
      }
      case 'rename': {
        const [id, ...nameParts] = parsed.positionals;
        const name = nameParts.join(' ');
        if (!id || !name) throw new UsageError('usage: caro-history sync rename <device id|this> <new name>');
        const target = id === 'this' ? engine.deviceId : id;
        await engine.renameDevice(target, name);
        out(`Renamed the device to "${name.trim()}".`);
        return 0;
      }
      case 'remove': {
        const [id] = parsed.positionals;
        if (!id) throw new UsageError('usage: caro-history sync remove <device id>   (see "caro-history sync devices")');
        await engine.removeDevice(id);
        out('The device was unlinked. It stops syncing the next time it connects; its local history stays on it.');
        return 0;
      }
      case 'reset': {
        if (!parsed.flags.has('yes')) {
          err('This deletes the synced history on the server and unlinks every device. Run again with --yes to confirm.');
          return 2;
        }
        await engine.resetEverywhere();
        if (parsed.flags.has('clear-local')) {
          const n = await history.clear();
          out(`Cleared ${n} command(s) from this device.`);
        }
        rememberedUrl.set(undefined);
        out('Synced history was wiped everywhere and sync is off on this device. Local history was kept unless you asked otherwise.');
        return 0;
      }
      case 'rotate': {
        if (!parsed.flags.has('yes')) {
          err('This moves your synced history to a new recovery phrase; other devices must join again. Run again with --yes.');
          return 2;
        }
        const { phrase } = await engine.rotateKey();
        out('Your history now uses a new recovery phrase. Write it down; the old phrase no longer works:');
        out('');
        out(`  ${phrase}`);
        out('');
        out(`New key fingerprint: ${engine.status.fingerprint ?? '?'}. On each other device run "caro-history sync join" with it.`);
        return 0;
      }
      case 'leave': {
        await engine.leave();
        rememberedUrl.set(undefined);
        out('This device no longer syncs and its sync keys were removed. Local history is kept.');
        return 0;
      }
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    if (isCaroError(e)) {
      err(cliWording(e.userMessage));
      return 1;
    }
    throw e;
  } finally {
    await engine?.dispose();
  }
}

/** Remembers the server chosen with --server at init/join so later commands need no flag (not a secret). */
class SyncUrlMemory {
  constructor(private readonly db: { run(sql: string, p?: readonly (string | number)[]): unknown; get<T>(sql: string, p?: readonly (string | number)[]): T | undefined }) {
    db.run(`CREATE TABLE IF NOT EXISTS sync_engine_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }
  get(): string | undefined {
    return this.db.get<{ value: string }>(`SELECT value FROM sync_engine_state WHERE key = 'cliServerUrl'`)?.value;
  }
  set(url: string | undefined): void {
    if (url === undefined) this.db.run(`DELETE FROM sync_engine_state WHERE key = 'cliServerUrl'`);
    else
      this.db.run(
        `INSERT INTO sync_engine_state (key, value) VALUES ('cliServerUrl', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        [url],
      );
  }
}
