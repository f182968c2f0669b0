import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/entry';
import type { Services } from '../services';
import { exitStatusWords, formatDuration } from '../views/historyFormat';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entryOrPick } from './entryArgs';

export const DETAILS_SCHEME = 'caro-history-details';

export function detailsMarkdown(e: HistoryEntry, deviceLabel: string): string {
  const fence = e.command.includes('```') ? '~~~~' : '```';
  const lines = [
    '# Command details',
    '',
    `${fence}shellscript`,
    e.command,
    fence,
    '',
    `- **Risk:** ${e.riskLevel}${e.warnings.length > 0 ? ` — ${e.warnings.join('; ')}` : ''}`,
    `- **Result:** ${exitStatusWords(e)}`,
    `- **When:** ${new Date(e.createdAt).toISOString()}`,
  ];
  if (e.durationMs !== undefined) lines.push(`- **Duration:** ${formatDuration(e.durationMs)}`);
  if (e.workingDir) lines.push(`- **Directory:** \`${e.workingDir}\``);
  if (e.workspace) lines.push(`- **Workspace:** ${e.workspace}`);
  if (e.shell) lines.push(`- **Shell:** ${e.shell}`);
  lines.push(`- **Device:** ${deviceLabel}`);
  if (e.prompt) lines.push(`- **Prompt:** ${e.prompt}`);
  if (e.explanation) lines.push(`- **Explanation:** ${e.explanation}`);
  if (e.lowConfidence) lines.push('- **Note:** VS Code was unsure of this command line.');
  return lines.join('\n') + '\n';
}

/**
 * Read-only virtual documents `caro-history-details:/<id>.md` (never "unsaved" untitled files, nothing on disk).
 * Content is produced on demand from the store.
 */
export class DetailsDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly services: Services) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const history = await this.services.history();
    const entry = await history.get(id);
    if (!entry) return '# Command details\n\nThis command is no longer in your history (it was deleted or expired).\n';
    const device = entry.deviceId === this.services.deviceId ? 'this device' : entry.deviceId;
    return detailsMarkdown(entry, device);
  }
}

/** Opens a read-only markdown document with every detail of the entry. */
export const showDetailsCommand: CommandDef = {
  id: CommandId.showDetails,
  doing: 'show the command details',
  async run(ctx, ...args) {
    const entry = await entryOrPick(ctx, args, 'Show Command Details');
    if (!entry) return;
    const uri = vscode.Uri.parse(`${DETAILS_SCHEME}:/${entry.id}.md`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
  },
};
