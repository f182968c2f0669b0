/** `caro-history import <FILE> [--format F]`: a Caro export (JSON) or a bash/zsh/fish history file. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportProgress, ImportResult } from '../core/history/historyApi';
import { MAX_DATABASE_BYTES, type HistoryService } from '../core/history/historyService';
import { CaroError } from '../core/model/errors';
import { redactForLog } from '../core/safety/logRedaction';
import { IMPORT_FORMATS, parseImportBytes, type ImportFormat } from '../core/transfer/importFile';
import { UsageError, flagString, type ParsedArgs } from './cliArgs';
import type { CliContext } from './cliContext';

export async function importCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('import needs exactly one file, e.g. caro-history import ~/.zsh_history.');
  const file = path.resolve(args.positionals[0] as string);
  const requested = flagString(args, 'format') ?? 'auto';
  if (requested !== 'auto' && !(IMPORT_FORMATS as readonly string[]).includes(requested)) {
    throw new UsageError(`--format must be json, bash, zsh, fish or auto (not "${requested}").`);
  }
  let bytes: Uint8Array;
  let mtimeMs: number;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CaroError(
      'invalidInput',
      code === 'ENOENT' ? `There is no file ${file}.` : code === 'EISDIR' ? `${file} is a folder, not a file.` : `Cannot read ${file} (${code ?? 'error'}).`,
      'Check the path and try again. Nothing was imported.',
    );
  }

  // Parse and validate everything BEFORE opening the store: a bad file imports nothing.
  const parsed = parseImportBytes(bytes, requested as ImportFormat | 'auto', { now: mtimeMs, fileName: file });
  if (parsed.format === 'json') {
    const history = await ctx.openHistory();
    const r = await history.importEntries(parsed.entries, progressLine(ctx));
    ctx.io.progress?.('');
    reportImport(ctx, file, 'Caro export', r);
    await noteCountLimit(ctx, history, r.imported);
    return 0;
  }
  noteInvalidLines(ctx, parsed.invalidLines);
  if (parsed.captured.length === 0) {
    ctx.io.err(`${file} contains no commands; nothing was imported.\n`);
    return 0;
  }
  const history = await ctx.openHistory();
  const r = await history.importCaptured(parsed.captured, progressLine(ctx));
  ctx.io.progress?.('');
  reportImport(ctx, file, `${parsed.format} history`, r);
  await noteCountLimit(ctx, history, r.imported);
  return 0;
}

/** "Importing… 12000 of 370000 commands (3%)" on stderr while it runs, when stderr is a terminal. */
function progressLine(ctx: CliContext): ImportProgress {
  const show = ctx.io.progress;
  if (!show) return {};
  return { onProgress: (done, total) => show(`Importing… ${done} of ${total} commands (${Math.floor((done / total) * 100)}%)`) };
}

export function sizeLimitNote(removed: number): string {
  return `Note: the history reached its size limit (${Math.round(MAX_DATABASE_BYTES / 1048576)} MB), so the oldest ${removed} command${removed === 1 ? ' was' : 's were'} removed. ` +
    'To keep a copy of older commands, export your history now and then ("caro-history export --out FILE").';
}

function noteInvalidLines(ctx: CliContext, n: number): void {
  if (n === 0) return;
  ctx.io.err(
    `Note: ${n} line${n === 1 ? ' was' : 's were'} not valid UTF-8 text and ${n === 1 ? 'was' : 'were'} left out. ` +
      'To import them, convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import it again.\n',
  );
}

function reportImport(ctx: CliContext, file: string, kind: string, r: ImportResult): void {
  const parts = [`Imported ${r.imported} command${r.imported === 1 ? '' : 's'} from ${kind} ${file}.`];
  if (r.skippedDuplicates) parts.push(`${r.skippedDuplicates} already in your history.`);
  if (r.skippedExcluded) parts.push(`${r.skippedExcluded} left out by your exclude patterns.`);
  if (r.skippedInvalid) parts.push(`${r.skippedInvalid} could not be stored.`);
  ctx.io.out(`${parts.join(' ')}\n`);
  for (const p of r.problems ?? []) ctx.io.err(`  ${redactForLog(p)}\n`);
  if (r.skippedOld) {
    ctx.io.err(
      `Note: ${r.skippedOld} command${r.skippedOld === 1 ? ' was' : 's were'} not imported because your history keeps only the last ` +
        `${ctx.settings.retentionDays} days and at most ${ctx.settings.maxCommands} commands. ` +
        `To keep them, raise "retentionDays" (up to 365) or "maxCommands" in ${ctx.home.settingsFile} and import again.\n`,
    );
  }
}

/** Retention also prunes by count (decision 17): say so instead of letting imported commands vanish silently. */
async function noteCountLimit(ctx: CliContext, history: HistoryService, imported: number): Promise<void> {
  if (imported === 0) return;
  const bySize = await history.applySizeLimit();
  if (bySize > 0) ctx.io.err(`${sizeLimitNote(bySize)}\n`);
  const { total } = await history.stats();
  const max = ctx.settings.maxCommands;
  if (total > max) {
    ctx.io.err(
      `Note: your history now has ${total} commands but keeps at most ${max}; the oldest ${total - max} will be removed the next time it is opened. ` +
        `To keep them, raise "maxCommands" in ${ctx.home.settingsFile}.\n`,
    );
  }
}
