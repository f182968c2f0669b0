import type { KeyVault } from '../core/crypto/keyVault';
import type { HistoryService } from '../core/history/historyService';
import type { Settings } from '../core/settings/settings';
import type { Logger } from '../core/util/logger';
import type { CliHome } from './cliHome';

/** Where a CLI command writes. Tests capture these; main.ts binds them to process.stdout/stderr. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stdout / stderr is a terminal: control characters in what is printed are shown escaped (terminalText.ts). */
  outIsTerminal?: boolean;
  errIsTerminal?: boolean;
  /**
   * Replaces the progress line (only when stderr is a terminal; absent otherwise). Our own text only, never history
   * text. An empty line clears it.
   */
  progress?(line: string): void;
}

/**
 * What every CLI command (including `caro-history sync …` in syncCli.ts) gets: the home folder, the 0600 file vault,
 * validated settings and a lazily opened history (opened at most once, closed by the CLI on exit).
 */
export interface CliContext {
  home: CliHome;
  io: CliIo;
  env: NodeJS.ProcessEnv;
  vault: KeyVault;
  logger: Logger;
  settings: Settings;
  deviceId: string;
  /** Opens (once) the encrypted history in `home.dbPath`. */
  openHistory(): Promise<HistoryService>;
}
