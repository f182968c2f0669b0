import type * as vscode from 'vscode';
import { isCaroError } from '../core/model/errors';
import { redactForLog } from '../core/safety/logRedaction';
import type { Logger } from '../core/util/logger';

/** Plain text of an error for the log: CaroError code + message, else the message (never a stack with data). */
export function describeError(error: unknown): string {
  if (isCaroError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Logger over a LogOutputChannel (`{ log: true }`); every line goes through redactForLog first. */
export class OutputChannelLogger implements Logger {
  constructor(private readonly channel: vscode.LogOutputChannel) {}

  trace(message: string): void {
    this.channel.trace(redactForLog(message));
  }
  info(message: string): void {
    this.channel.info(redactForLog(message));
  }
  warn(message: string): void {
    this.channel.warn(redactForLog(message));
  }
  error(message: string, error?: unknown): void {
    const text = error === undefined ? message : `${message} (${describeError(error)})`;
    this.channel.error(redactForLog(text));
  }

  show(): void {
    this.channel.show(true);
  }
}
