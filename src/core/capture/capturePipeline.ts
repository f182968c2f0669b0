import type { CapturedCommand, RiskLevel, SkipReason } from '../model/entry';
import { classifyRisk } from '../safety/risk';
import { redactSecrets } from '../safety/redact';
import type { Settings } from '../settings/settings';
import { ExcludePatternCache } from './excludePatterns';
import { normaliseCommandLine, utf8Bytes } from './normaliseCommand';

/** Decision 17: commands over 10 KB are not stored (a truncated command would be unsafe to re-run). */
export const MAX_COMMAND_BYTES = 10 * 1024;

export type CaptureSettings = Pick<
  Settings,
  'captureEnabled' | 'ignoreLeadingSpace' | 'excludePatterns' | 'lowConfidenceCommands'
>;

/** A command that passed every rule: redacted and classified, ready to encrypt and insert. */
export interface PreparedCapture {
  command: string;
  prompt: string;
  explanation?: string;
  tags: string[];
  riskLevel: RiskLevel;
  warnings: string[];
  /** Kinds of secrets replaced by `[REDACTED:<kind>]` (command, prompt and explanation together). */
  redactions: string[];
  lowConfidence: boolean;
  source: CapturedCommand;
}

export type PrepareResult =
  | { ok: true; prepared: PreparedCapture }
  | { ok: false; reason: SkipReason; detail?: string };

export interface PrepareOptions {
  paused: boolean;
  /**
   * 'live' = a terminal capture: every rule applies. 'import' = the user imports a history file on purpose: the
   * pause/enabled switches, the leading-space rule and duplicate detection do not apply (exclude patterns, the size
   * limit, redaction and classification still do).
   */
  mode: 'live' | 'import';
}

const RECENT_KEYS = 64;

/**
 * normalise → skip rules → size limit → exclude patterns → redact → classify. Pure apart from two counters and a small window of recent
 * captures used to drop an event VS Code delivered twice (same terminal, same start time, same text).
 */
export class CapturePipeline {
  private readonly excludes = new ExcludePatternCache();
  private readonly recent: string[] = [];
  private tooLarge = 0;
  private lastProblems: readonly string[] = [];

  constructor(private readonly settings: () => CaptureSettings) {}

  /** Commands not stored because they were over 10 KB, since this pipeline was created. */
  get skippedTooLarge(): number {
    return this.tooLarge;
  }

  /** Problems with the exclude patterns currently configured (invalid regular expressions). */
  get settingsProblems(): readonly string[] {
    return this.lastProblems;
  }

  /** Forgets a capture remembered for duplicate detection (its insert failed, so a retry is not a duplicate). */
  forgetRecent(cmd: CapturedCommand): void {
    const norm = typeof cmd.commandLine === 'string' ? normaliseCommandLine(cmd.commandLine) : undefined;
    if (!norm?.ok || cmd.sessionId === undefined) return;
    const i = this.recent.indexOf(recentKey(cmd.sessionId, cmd.startedAt, norm.text));
    if (i >= 0) this.recent.splice(i, 1);
  }

  prepare(cmd: CapturedCommand, opts: PrepareOptions): PrepareResult {
    const s = this.settings();
    const live = opts.mode === 'live';
    if (live && !s.captureEnabled) return { ok: false, reason: 'disabled' };
    if (live && opts.paused) return { ok: false, reason: 'paused' };
    if (typeof cmd.commandLine !== 'string') {
      return { ok: false, reason: 'invalidText', detail: 'The command line is missing.' };
    }
    if (live && s.ignoreLeadingSpace && /^[ \t]/.test(cmd.commandLine) && cmd.commandLine.trim() !== '') {
      return { ok: false, reason: 'leadingSpace' };
    }
    const norm = normaliseCommandLine(cmd.commandLine);
    if (!norm.ok) return { ok: false, reason: norm.reason, detail: norm.detail };
    const commandText = norm.text;

    const prompt = optionalText(cmd.prompt, 'prompt');
    if (!prompt.ok) return prompt.result;
    const explanation = optionalText(cmd.explanation, 'explanation');
    if (!explanation.ok) return explanation.result;

    const bytes = utf8Bytes(commandText) + utf8Bytes(prompt.text ?? '') + utf8Bytes(explanation.text ?? '');
    if (bytes > MAX_COMMAND_BYTES) {
      this.tooLarge++;
      return {
        ok: false,
        reason: 'tooLarge',
        detail: `The command is ${(bytes / 1024).toFixed(1)} KB; commands over 10 KB are not stored, because a cut-off copy would be unsafe to run again.`,
      };
    }

    // After the size check, so user patterns only ever see at most 10 KB (and run in linear time on RE2).
    const compiled = this.excludes.get(s.excludePatterns);
    this.lastProblems = compiled.problems;
    for (const matcher of compiled.matchers) {
      if (matcher.test(commandText)) return { ok: false, reason: 'excluded', detail: `Matches exclude pattern ${matcher.source}` };
    }

    if (cmd.confidence === 'low' && s.lowConfidenceCommands === 'skip') {
      return { ok: false, reason: 'lowConfidence' };
    }

    if (live && cmd.sessionId !== undefined) {
      const key = recentKey(cmd.sessionId, cmd.startedAt, commandText);
      if (this.recent.includes(key)) return { ok: false, reason: 'duplicate' };
      this.recent.push(key);
      if (this.recent.length > RECENT_KEYS) this.recent.shift();
    }

    const red = redactSecrets(commandText);
    const redPrompt = prompt.text ? redactSecrets(prompt.text) : undefined;
    const redExplanation = explanation.text ? redactSecrets(explanation.text) : undefined;
    const kinds = new Set([...red.kinds, ...(redPrompt?.kinds ?? []), ...(redExplanation?.kinds ?? [])]);
    const risk = classifyRisk(red.text);
    const tags = (cmd.tags ?? []).filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());

    return {
      ok: true,
      prepared: {
        command: red.text,
        prompt: redPrompt?.text ?? '',
        ...(redExplanation ? { explanation: redExplanation.text } : {}),
        tags: [...new Set(tags)],
        riskLevel: risk.level,
        warnings: risk.warnings,
        redactions: [...kinds],
        lowConfidence: cmd.confidence === 'low',
        source: cmd,
      },
    };
  }
}

function optionalText(
  value: string | undefined,
  what: 'prompt' | 'explanation',
): { ok: true; text: string | undefined } | { ok: false; result: PrepareResult } {
  if (value === undefined || value === '') return { ok: true, text: undefined };
  const norm = normaliseCommandLine(value);
  if (norm.ok) return { ok: true, text: norm.text };
  if (norm.reason === 'empty') return { ok: true, text: undefined };
  return { ok: false, result: { ok: false, reason: 'invalidText', detail: `The ${what}: ${norm.detail.replace(/^The command/, 'it')}` } };
}

function recentKey(sessionId: string, startedAt: number, text: string): string {
  return `${sessionId}\u0000${startedAt}\u0000${text}`;
}
