import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entryOrPick } from './entryArgs';

export const copyCommand: CommandDef = {
  id: CommandId.copy,
  doing: 'copy the command',
  async run(ctx, ...args) {
    const entry = await entryOrPick(ctx, args, 'Copy Command');
    if (!entry) return;
    await vscode.env.clipboard.writeText(entry.command);
    vscode.window.setStatusBarMessage('$(copy) Command copied', 2000);
  },
};
