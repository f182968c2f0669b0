import { readFile, stat, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/entry';
import { CaroError } from '../../core/model/errors';
import { buildExport } from '../../core/transfer/exportFormat';
import { parseImportBytes, type ParsedImport } from '../../core/transfer/importFile';
import type { Services } from '../services';

/** Largest file Import reads (a year of heavy use is a few MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Asks where, then writes the spec's export JSON. Resolves the path, or undefined when cancelled. */
export async function saveExport(services: Services, entries: HistoryEntry[]): Promise<string | undefined> {
  const stamp = new Date().toISOString().slice(0, 10);
  const defaultFolder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env['HOME'] ?? '/');
  const target = await vscode.window.showSaveDialog({
    title: 'Export Caro History',
    defaultUri: vscode.Uri.joinPath(defaultFolder, `caro-history-${stamp}.json`),
    filters: { 'Caro History export': ['json'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  const sync = services.syncEngine;
  const devices = sync && sync.status.state !== 'uninitialised' ? await sync.devices() : [];
  const s = services.config.settings;
  const text = buildExport(entries, devices, {
    safetyLevel: s.safetyMode,
    retentionDays: s.retentionDays,
    maxCommands: s.maxCommands,
    syncEnabled: s.syncEnabled,
    shareMetrics: s.shareMetrics,
  });
  await writeFile(target.fsPath, text, { encoding: 'utf8', mode: 0o600 });
  return target.fsPath;
}

/** Reads and parses a file completely before anything is imported (a bad file imports nothing). */
export async function parseImportFile(path: string): Promise<ParsedImport> {
  let buffer: Buffer;
  let mtimeMs: number;
  try {
    buffer = await readFile(path);
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (err) {
    throw new CaroError('badImportFile', `Caro History could not read ${path}.`, 'Check that the file exists and you can open it.', { cause: err });
  }
  if (buffer.byteLength > MAX_IMPORT_BYTES) {
    throw new CaroError('badImportFile', `${path} is larger than 64 MB.`, 'Split the file, or import a shell history file instead.');
  }
  // Raw bytes: zsh "metafied" characters are only recoverable before UTF-8 decoding.
  return parseImportBytes(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), 'auto', { now: mtimeMs, fileName: path });
}
