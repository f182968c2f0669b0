import * as vscode from 'vscode';
import { GROUP_BY_MODES, type GroupBy } from '../views/historyTree';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

const LABELS: Record<GroupBy, string> = {
  date: 'Date (today, yesterday, earlier)',
  workspace: 'Workspace',
  device: 'Device',
  directory: 'Directory',
};

/** Switches the tree grouping. Takes the mode as an argument, or asks. */
export const groupByCommand: CommandDef = {
  id: CommandId.groupBy,
  doing: 'change the grouping',
  async run(ctx, ...args) {
    let mode = args[0] as GroupBy | undefined;
    if (!mode || !GROUP_BY_MODES.includes(mode)) {
      const pick = await vscode.window.showQuickPick(
        GROUP_BY_MODES.map((m) => ({
          label: LABELS[m],
          mode: m,
          ...(m === ctx.tree.currentGroupBy ? { description: 'current' } : {}),
        })),
        { placeHolder: 'Group history by' },
      );
      if (!pick) return;
      mode = pick.mode;
    }
    await ctx.tree.setGroupBy(mode);
  },
};
