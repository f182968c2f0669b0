/**
 * The sole list of command ids (code-style §2.8). package.json `contributes.commands` is tested against
 * COMMANDS (id, title, category), so add a command here first, then to package.json.
 */
export const CommandId = {
  search: 'caroHistory.search',
  searchFromTerminal: 'caroHistory.searchFromTerminal',
  insert: 'caroHistory.insert',
  run: 'caroHistory.run',
  copy: 'caroHistory.copy',
  delete: 'caroHistory.delete',
  showDetails: 'caroHistory.showDetails',
  filterDirectory: 'caroHistory.filterDirectory',
  filterWorkspace: 'caroHistory.filterWorkspace',
  clearFilter: 'caroHistory.clearFilter',
  groupBy: 'caroHistory.groupBy',
  refresh: 'caroHistory.refresh',
  loadMore: 'caroHistory.loadMore',
  clearHistory: 'caroHistory.clearHistory',
  pauseRecording: 'caroHistory.pauseRecording',
  resumeRecording: 'caroHistory.resumeRecording',
  setupSync: 'caroHistory.setupSync',
  joinSync: 'caroHistory.joinSync',
  showRecoveryPhrase: 'caroHistory.showRecoveryPhrase',
  syncNow: 'caroHistory.syncNow',
  syncStatus: 'caroHistory.syncStatus',
  pauseSync: 'caroHistory.pauseSync',
  resumeSync: 'caroHistory.resumeSync',
  manageDevices: 'caroHistory.manageDevices',
  renameDevice: 'caroHistory.renameDevice',
  removeDevice: 'caroHistory.removeDevice',
  rotateKey: 'caroHistory.rotateKey',
  resetSync: 'caroHistory.resetSync',
  turnOffSync: 'caroHistory.turnOffSync',
  exportHistory: 'caroHistory.export',
  importHistory: 'caroHistory.import',
  showLog: 'caroHistory.showLog',
  openHistoryPanel: 'caroHistory.openHistoryPanel',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const COMMAND_CATEGORY = 'Caro History';

export interface CommandInfo {
  id: CommandId;
  title: string;
  /** Codicon for view toolbars / inline actions. */
  icon?: string;
  /** false = only from views/menus (needs an argument), hidden from the command palette. */
  palette: boolean;
}

export const COMMANDS: readonly CommandInfo[] = [
  { id: CommandId.search, title: 'Search History', icon: 'search', palette: true },
  { id: CommandId.searchFromTerminal, title: 'Search History and Insert into Terminal', palette: true },
  { id: CommandId.insert, title: 'Insert Command into Terminal', icon: 'insert', palette: true },
  { id: CommandId.run, title: 'Run Command in Terminal', icon: 'play', palette: true },
  { id: CommandId.copy, title: 'Copy Command', icon: 'copy', palette: true },
  { id: CommandId.delete, title: 'Delete from History', icon: 'trash', palette: true },
  { id: CommandId.showDetails, title: 'Show Command Details', icon: 'info', palette: true },
  { id: CommandId.filterDirectory, title: 'Show Only This Directory', icon: 'folder', palette: false },
  { id: CommandId.filterWorkspace, title: 'Show Only This Workspace', icon: 'root-folder', palette: false },
  { id: CommandId.clearFilter, title: 'Clear History Filter', icon: 'clear-all', palette: true },
  { id: CommandId.groupBy, title: 'Group History By…', icon: 'list-tree', palette: true },
  { id: CommandId.refresh, title: 'Refresh History', icon: 'refresh', palette: true },
  { id: CommandId.loadMore, title: 'Load More History', palette: false },
  { id: CommandId.clearHistory, title: 'Clear History…', icon: 'clear-all', palette: true },
  { id: CommandId.pauseRecording, title: 'Pause Recording', icon: 'debug-pause', palette: true },
  { id: CommandId.resumeRecording, title: 'Resume Recording', icon: 'record', palette: true },
  { id: CommandId.setupSync, title: 'Set Up Sync (New Recovery Phrase)', icon: 'cloud-upload', palette: true },
  { id: CommandId.joinSync, title: 'Join Sync (Existing Recovery Phrase)', icon: 'cloud-download', palette: true },
  { id: CommandId.showRecoveryPhrase, title: 'Show Recovery Phrase…', icon: 'key', palette: true },
  { id: CommandId.syncNow, title: 'Sync Now', icon: 'sync', palette: true },
  { id: CommandId.syncStatus, title: 'Sync Status', icon: 'cloud', palette: true },
  { id: CommandId.pauseSync, title: 'Pause Sync', icon: 'debug-pause', palette: true },
  { id: CommandId.resumeSync, title: 'Resume Sync', icon: 'debug-continue', palette: true },
  { id: CommandId.manageDevices, title: 'Manage Devices', icon: 'device-desktop', palette: true },
  { id: CommandId.renameDevice, title: 'Rename This Device…', icon: 'edit', palette: true },
  { id: CommandId.removeDevice, title: 'Remove Device…', icon: 'trash', palette: true },
  { id: CommandId.rotateKey, title: 'Rotate Recovery Phrase…', icon: 'key', palette: true },
  { id: CommandId.resetSync, title: 'Reset Sync Everywhere…', icon: 'warning', palette: true },
  { id: CommandId.turnOffSync, title: 'Turn Off Sync on This Device…', icon: 'cloud', palette: true },
  { id: CommandId.exportHistory, title: 'Export History…', icon: 'export', palette: true },
  { id: CommandId.importHistory, title: 'Import History…', icon: 'cloud-download', palette: true },
  { id: CommandId.showLog, title: 'Show Log', icon: 'output', palette: true },
  { id: CommandId.openHistoryPanel, title: 'Open History Panel', icon: 'window', palette: true },
];
