import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/entry';
import { exitStatusWords, formatDuration } from '../views/historyFormat';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entryOrPick } from './entryArgs';

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

/** Opens a read-only markdown document with every detail of the entry. */
export const showDetailsCommand: CommandDef = {
  id: CommandId.showDetails,
  doing: 'show the command details',
  async run(ctx, ...args) {
    const entry = await entryOrPick(ctx, args, 'Show Command Details');
    if (!entry) return;
    const device = entry.deviceId === ctx.services.deviceId ? 'this device' : entry.deviceId;
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: detailsMarkdown(entry, device) });
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
  },
};
