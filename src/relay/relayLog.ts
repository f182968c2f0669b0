/**
 * What the relay process writes about what it receives: counts only. cojson's own warnings (which carry message
 * contents as attributes, e.g. a rejected header) are reduced to their fixed text, stripped of control characters,
 * cut short and limited per report period, so attacker bytes cannot grow the log.
 */
import type { logger } from 'cojson';
import type { RelayStats } from './relayStats';

type LogSystem = Parameters<typeof logger.setLogSystem>[0];

const MAX_LINE = 160;

/** Control characters (terminal escapes included) become spaces. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').slice(0, MAX_LINE);
}

export class RelayLogSystem implements LogSystem {
  private lines = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly maxLinesPerPeriod = 20,
  ) {}

  debug(): void {}
  info(): void {}
  warn(message: string): void {
    this.line('warning', message);
  }
  error(message: string): void {
    this.line('error', message);
  }

  private line(level: string, message: string): void {
    if (this.lines >= this.maxLinesPerPeriod) {
      this.suppressed += 1;
      return;
    }
    this.lines += 1;
    this.write(`cojson ${level}: ${printable(String(message))}`);
  }

  /** Starts a new period; returns a line about the messages left out, if any. */
  endPeriod(): string | undefined {
    const out = this.suppressed > 0 ? `cojson: ${this.suppressed} more warnings not shown` : undefined;
    this.lines = 0;
    this.suppressed = 0;
    return out;
  }
}

/** Writes `stats.summary()` when it changed since the last report. Returns a function that reports now. */
export function statsReporter(stats: RelayStats, write: (line: string) => void): () => void {
  let last = '';
  return () => {
    const summary = stats.summary();
    if (summary !== '' && summary !== last) write(`Caro relay: since start ${summary}`);
    last = summary;
  };
}
