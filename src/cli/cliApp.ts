/**
 * `caro-history`: the history from scripts and headless machines. Exit codes: 0 ok, 1 runtime error (the CaroError
 * message and what to do), 2 usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RISK_LEVELS, type DeviceInfo, type HistoryEntry, type HistoryFilter, type Platform, type RiskLevel } from '../core/model/entry';
import { CaroError, isCaroError } from '../core/model/errors';
import { openHistory, type HistoryService } from '../core/history/historyService';
import type { StoreReplacement } from '../core/store/storeRecovery';
import { redactForLog } from '../core/safety/logRedaction';
import { buildExport } from '../core/transfer/exportFormat';
import type { Logger } from '../core/util/logger';
import { UsageError, flagInt, flagString, parseArgs, type ParsedArgs } from './cliArgs';
import type { CliContext, CliIo } from './cliContext';
import { importCommand, sizeLimitNote } from './importCommand';
import { cliWording } from './cliWording';
import { snapshotHome } from './homeRollback';
import { terminalSafeIo } from './terminalText';
import { ensureCliHome, loadCliSettings, loadOrCreateDeviceId, resolveCliHome } from './cliHome';
import { FileKeyVault } from './fileKeyVault';

export type SyncCliRunner = (args: string[], ctx: CliContext) => Promise<number>;

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  io?: CliIo;
  /** `caro-history sync …` handler (src/cli/syncCli.ts). */
  sync?: SyncCliRunner;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

const HELP = `caro-history: your terminal command history, encrypted on this machine.

Usage:
  caro-history search <text> [--limit N] [--json]   Find commands containing <text> (newest first)
        [--fuzzy] [--failed] [--min-risk moderate|high|critical] [--dir PATH] [--since 7d|12h|2026-01-31]
  caro-history export [--out FILE]                  Write all history as JSON (to FILE, or to the screen)
  caro-history import <FILE> [--format F]           Add commands from a Caro export or a shell history file
                                                    F = json | bash | zsh | fish | auto (default: auto)
  caro-history stats [--json]                       Counts by risk, failures and activity
  caro-history doctor [--json]                      Check the store: location, schema, rows, integrity
  caro-history sync <command>                       End-to-end encrypted sync (run "caro-history sync help")
  caro-history help                                 This text

Files live in $CARO_HISTORY_HOME (default ~/.caro-history): history.db (encrypted), keys.json (its key, mode 600),
device.json, and an optional settings.json with the same keys as the VS Code settings (e.g. "excludePatterns").

Exit codes: 0 ok, 1 something went wrong (the message says what to do), 2 wrong usage.
`;

export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const io = terminalSafeIo(
    options.io ?? {
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
      outIsTerminal: process.stdout.isTTY === true,
      errIsTerminal: process.stderr.isTTY === true,
      ...(process.stderr.isTTY ? { progress: (line: string) => void process.stderr.write(`\r${line}\u001b[K`) } : {}),
    },
  );
  const [command, ...rest] = argv;
  let history: HistoryService | undefined;
  // A failed join must leave no trace: no history.db, keys.json or device.json created for nothing.
  const joining = command === 'sync' && rest[0] === 'join' ? snapshotHome(resolveCliHome(env)) : undefined;
  let code: number = EXIT_ERROR;
  try {
    code = await runCommand(command, rest, env, io, options, (h) => {
      history = h;
    });
    return code;
  } catch (e) {
    code = reportError(e, io, env.CARO_HISTORY_DEBUG === '1');
    return code;
  } finally {
    try {
      history?.close();
    } catch {
      // closing after a failure: nothing more to do
    }
    if (joining && code !== EXIT_OK) joining.removeCreated();
  }
}

async function runCommand(
  command: string | undefined,
  rest: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  options: RunCliOptions,
  onOpen: (h: HistoryService) => void,
): Promise<number> {
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (command === '--version' || command === 'version') {
    io.out('caro-history 0.1.0\n');
    return EXIT_OK;
  }
  if (!['search', 'export', 'import', 'stats', 'doctor', 'sync'].includes(command)) {
    throw new UsageError(`Unknown command "${command}".`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    if (command !== 'sync') {
      io.out(HELP);
      return EXIT_OK;
    }
  }
  const ctx = createContext(env, io, onOpen);
  switch (command) {
    case 'search':
      return await searchCommand(parseArgs(rest, SEARCH_FLAGS, command), ctx);
    case 'export':
      return await exportCommand(parseArgs(rest, [{ name: 'out', short: 'o', takesValue: true }], command), ctx);
    case 'import':
      return await importCommand(parseArgs(rest, [{ name: 'format', short: 'f', takesValue: true }], command), ctx);
    case 'stats':
      return await statsCommand(parseArgs(rest, [{ name: 'json', takesValue: false }], command), ctx);
    case 'doctor':
      return await doctorCommand(parseArgs(rest, [{ name: 'json', takesValue: false }], command), ctx);
    case 'sync':
      if (!options.sync) {
        io.err('Sync commands are not available in this build of caro-history.\n');
        return EXIT_USAGE;
      }
      return await options.sync([...rest], ctx);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

function reportError(e: unknown, io: CliIo, debug: boolean): number {
  if (e instanceof UsageError) {
    io.err(`${e.message}\nRun "caro-history help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (isCaroError(e)) {
    io.err(`Error: ${redactForLog(cliWording(e.message))}\n${e.action ? `${redactForLog(cliWording(e.action))}\n` : ''}`);
    return EXIT_ERROR;
  }
  const what = e instanceof Error ? (debug && e.stack ? e.stack : `${e.name}: ${e.message}`) : String(e);
  io.err(`Unexpected error: ${redactForLog(what)}\nRun the command again with CARO_HISTORY_DEBUG=1 for details, and report the problem with that output.\n`);
  return EXIT_ERROR;
}

function createContext(env: NodeJS.ProcessEnv, io: CliIo, onOpen: (h: HistoryService) => void): CliContext {
  const home = resolveCliHome(env);
  ensureCliHome(home);
  const verbose = env.CARO_HISTORY_DEBUG === '1';
  const logger = stderrLogger(io, verbose);
  const { settings, problems } = loadCliSettings(home);
  for (const p of problems) io.err(`Warning: ${p}\n`);
  const vault = new FileKeyVault(home.keyFile);
  const deviceId = loadOrCreateDeviceId(home);
  let opened: Promise<HistoryService> | undefined;
  return {
    home,
    io,
    env,
    vault,
    logger,
    settings,
    deviceId,
    openHistory: () => {
      opened ??= openHistory({ dbPath: home.dbPath, vault, deviceId, settings: () => settings, logger }).then((h) => {
        onOpen(h);
        const r = h.db.replacement;
        if (r) io.err(`Warning: ${describeReplacement(home.dbPath, r)}\n`);
        if (h.sizeLimitRemoved > 0) io.err(`${sizeLimitNote(h.sizeLimitRemoved)}\n`);
        return h;
      });
      return opened;
    },
  };
}

function stderrLogger(io: CliIo, verbose: boolean): Logger {
  const line = (level: string, m: string): void => io.err(`[${level}] ${redactForLog(m)}\n`);
  return {
    trace: (m) => verbose && line('trace', m),
    info: (m) => verbose && line('info', m),
    warn: (m) => verbose && line('warn', m),
    error: (m, e) => verbose && line('error', e instanceof Error ? `${m}: ${e.message}` : m),
  };
}

// --- search -------------------------------------------------------------------------------------------------------

const SEARCH_FLAGS = [
  { name: 'limit', short: 'n', takesValue: true },
  { name: 'json', takesValue: false },
  { name: 'fuzzy', takesValue: false },
  { name: 'failed', takesValue: false },
  { name: 'min-risk', takesValue: true },
  { name: 'dir', takesValue: true },
  { name: 'since', takesValue: true },
] as const;

/** "7d", "12h", "30m" or an ISO date → Unix ms. */
function parseSince(v: string, now: number): number {
  const rel = /^(\d{1,6})([dhm])$/.exec(v);
  if (rel) return now - Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm'];
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(`--since must look like 7d, 12h, 30m or 2026-01-31 (not "${v}").`);
  return t;
}

async function searchCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('search needs the text to look for, e.g. caro-history search "git push".');
  const text = args.positionals.join(' ');
  const limit = flagInt(args, 'limit', 1, 100_000) ?? 20;
  const filter: HistoryFilter = { text, mode: args.flags.has('fuzzy') ? 'fuzzy' : 'substring' };
  if (args.flags.has('failed')) filter.status = 'failed';
  const minRisk = flagString(args, 'min-risk');
  if (minRisk !== undefined) {
    if (!(RISK_LEVELS as readonly string[]).includes(minRisk)) throw new UsageError(`--min-risk must be one of ${RISK_LEVELS.join(', ')}.`);
    filter.minRisk = minRisk as RiskLevel;
  }
  const dir = flagString(args, 'dir');
  if (dir !== undefined) filter.directory = path.resolve(dir);
  const since = flagString(args, 'since');
  if (since !== undefined) filter.since = parseSince(since, Date.now());
  const history = await ctx.openHistory();
  const page = await history.search(filter, 0, limit);
  if (args.flags.has('json')) {
    ctx.io.out(`${JSON.stringify(page.items.map(publicEntry), null, 2)}\n`);
    return EXIT_OK;
  }
  if (page.items.length === 0) {
    ctx.io.err(`No commands contain "${text}".\n`);
    return EXIT_OK;
  }
  for (const e of page.items) ctx.io.out(`${formatLine(e)}\n`);
  if (page.total > page.items.length) ctx.io.err(`(${page.total - page.items.length} more; use --limit to see them)\n`);
  return EXIT_OK;
}

function publicEntry(e: HistoryEntry): Record<string, unknown> {
  return { ...e, createdAt: new Date(e.createdAt).toISOString(), updatedAt: new Date(e.updatedAt).toISOString() };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function formatLine(e: HistoryEntry): string {
  const d = new Date(e.createdAt);
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const status = e.exitCode === undefined ? (e.success === false ? 'failed' : '') : e.exitCode === 0 ? 'ok' : `exit ${e.exitCode}`;
  const risk = e.riskLevel === 'safe' ? '' : ` [${e.riskLevel}]`;
  const command = e.command.includes('\n') ? e.command.replace(/\n/g, '\n                         ') : e.command;
  return `${when}  ${status.padEnd(7)}${risk} ${command}`;
}

// --- export -------------------------------------------------------------------------------------------------------

function platformName(): Platform {
  return process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : process.platform === 'linux' ? 'linux' : 'other';
}

async function exportCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('export takes no file name; use --out FILE.');
  const out = flagString(args, 'out');
  const history = await ctx.openHistory();
  const entries = await history.exportAll();
  const { total } = await history.stats();
  if (total > entries.length) {
    ctx.io.err(
      `Warning: ${total - entries.length} stored command${total - entries.length === 1 ? '' : 's'} could not be decrypted with this machine's key and ${total - entries.length === 1 ? 'is' : 'are'} not in the export. Run "caro-history doctor" for details.\n`,
    );
  }
  const now = Date.now();
  const device: DeviceInfo = {
    deviceId: ctx.deviceId,
    name: ctx.settings.deviceName || os.hostname(),
    platform: platformName(),
    schemaVersion: 1,
    firstSeen: entries[0]?.createdAt ?? now,
    lastSeen: now,
    isCurrent: true,
  };
  const text = buildExport(
    entries,
    [device],
    { safetyLevel: ctx.settings.safetyMode, retentionDays: ctx.settings.retentionDays, maxCommands: ctx.settings.maxCommands },
    { exportedAt: now },
  );
  if (out === undefined || out === '-') {
    ctx.io.out(text);
    return EXIT_OK;
  }
  writePrivateFileAtomically(path.resolve(out), text);
  ctx.io.err(`Exported ${entries.length} command${entries.length === 1 ? '' : 's'} to ${path.resolve(out)}.\n`);
  return EXIT_OK;
}

/** The export holds decrypted history: it is written 0600, atomically (never a half-written file). */
function writePrivateFileAtomically(target: string, text: string): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) {
    throw new CaroError('invalidInput', `The folder ${dir} does not exist.`, 'Create it first or choose another --out path.');
  }
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new CaroError('invalidInput', `${target} is a folder.`, 'Give a file name to --out, e.g. --out history.json.');
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (isCaroError(e)) throw e;
    throw new CaroError('invalidInput', `Cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Check that the folder exists and that you can write to it.');
  }
}

// --- stats / doctor ---------------------------------------------------------------------------------------------

async function statsCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('stats takes no arguments.');
  const history = await ctx.openHistory();
  const s = await history.stats();
  if (args.flags.has('json')) {
    ctx.io.out(`${JSON.stringify(s, null, 2)}\n`);
    return EXIT_OK;
  }
  const risk = ['safe', 'moderate', 'high', 'critical'].map((k) => `${k} ${s.byRisk[k] ?? 0}`).join(', ');
  const days = Object.entries(s.perDay).sort((a, b) => b[1] - a[1]);
  const busiestHour = s.perHour.reduce((best, n, h, all) => (n > (all[best] ?? 0) ? h : best), 0);
  const lines = [
    `Commands:      ${s.total}${s.deleted ? ` (plus ${s.deleted} deleted)` : ''}`,
    `Failed:        ${s.failed}`,
    `By risk:       ${risk}`,
    `Active days:   ${days.length}${days[0] ? ` (busiest ${days[0][0]}: ${days[0][1]})` : ''}`,
    `Busiest hour:  ${s.total ? `${pad(busiestHour)}:00` : '-'}`,
  ];
  if (s.skippedTooLarge) lines.push(`Not stored (over 10 KB): ${s.skippedTooLarge}`);
  ctx.io.out(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

async function doctorCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('doctor takes no arguments.');
  const history = await ctx.openHistory();
  const d = await history.doctor();
  const movedAsideTo = history.db.movedAsideTo;
  const keyMode = process.platform === 'win32' ? undefined : (fs.statSync(ctx.home.keyFile).mode & 0o777).toString(8);
  const intact = d.integrity === 'ok';
  // A store that had to be replaced is not "healthy" even when the new file is intact: commands may be missing.
  const healthy = intact && !d.replacedStore;
  if (args.flags.has('json')) {
    ctx.io.out(`${JSON.stringify({ ...d, home: ctx.home.dir, keyFile: ctx.home.keyFile, keyFileMode: keyMode, movedAsideTo: movedAsideTo ?? null, healthy }, null, 2)}\n`);
    return intact ? EXIT_OK : EXIT_ERROR;
  }
  const lines = [
    `Store:           ${d.path}`,
    `Schema version:  ${d.schemaVersion}`,
    `Commands:        ${d.rows} (${d.deleted} deleted)`,
    `Pending sync:    ${d.pendingUploads}`,
    `Size:            ${formatBytes(d.bytes)}`,
    `Integrity:       ${d.integrity}`,
    `Key file:        ${ctx.home.keyFile}${keyMode ? ` (mode ${keyMode})` : ''}`,
  ];
  if (d.replacedStore) {
    lines.push(`Replaced:        ${new Date(d.replacedStore.at).toISOString().slice(0, 16).replace('T', ' ')} UTC; ${d.replacedStore.recovered} commands recovered; the old file is ${d.replacedStore.movedTo}`);
  }
  ctx.io.out(`${lines.join('\n')}\n`);
  if (d.replacedStore) {
    ctx.io.err(`Note: ${describeReplacement(d.path, d.replacedStore)}\n`);
  }
  if (!intact) {
    ctx.io.err('The integrity check found problems. Export what you can with "caro-history export --out backup.json", then move history.db aside.\n');
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

function describeReplacement(dbPath: string, r: StoreReplacement): string {
  const why = r.reason === 'empty' ? 'was empty (0 bytes)' : r.reason === 'notSqlite' ? 'was not a Caro History database' : 'was damaged';
  const recovered = r.reason === 'damaged'
    ? ` ${r.recovered} command${r.recovered === 1 ? ' was' : 's were'} recovered from it into the new history.`
    : ' A new, empty history was started.';
  return `the history file ${dbPath} ${why}. It was moved to ${r.movedTo} (kept, not deleted).${recovered}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
