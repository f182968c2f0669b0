/** Logging port. Implementations must pass every message through safety's log redaction. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

/** Collects messages; used by tests to assert that nothing secret is logged. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace(m: string): void { this.lines.push(`trace ${m}`); }
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string, e?: unknown): void { this.lines.push(`error ${m}${e instanceof Error ? `: ${e.message}` : ''}`); }
}
