import type * as vscode from 'vscode';
import type { ConfigService } from '../config';
import type { OutputChannelLogger } from '../logging';
import type { Notifier } from '../notifier';
import type { Services } from '../services';
import type { PhraseFlow } from '../sync/phraseFlow';
import type { TerminalInsert } from '../terminal/terminalInsert';
import type { HistoryNode, HistoryTreeProvider } from '../views/historyTree';
import type { SearchQuickPick } from '../views/searchQuickPick';
import type { CommandId } from './commandIds';

/** Everything a command handler may use. Built once in extension.ts. */
export interface CommandContext {
  services: Services;
  config: ConfigService;
  notifier: Notifier;
  logger: OutputChannelLogger;
  tree: HistoryTreeProvider;
  treeView: vscode.TreeView<HistoryNode>;
  terminals: TerminalInsert;
  search: SearchQuickPick;
  phrases: PhraseFlow;
  /** Opens the history webview panel (provided by the webview host). */
  openHistoryPanel: () => unknown;
}

export interface CommandDef {
  id: CommandId;
  /** "could not <doing>" in the error message shown when the handler throws. */
  doing: string;
  run(ctx: CommandContext, ...args: unknown[]): unknown;
}
