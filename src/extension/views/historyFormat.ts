import type { HistoryEntry, RiskLevel } from '../../core/model/entry';

/** Presentation helpers shared by the tree and the quick pick. vscode-free so they are trivially testable. */

export function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return d === 1 ? 'yesterday' : `${d} days ago`;
  const mo = Math.round(d / 30);
  if (mo < 12) return `${mo} mo ago`;
  return `${Math.round(mo / 12)} y ago`;
}

/** "✓", "✗ exit 2", or "" when the shell did not report an exit code. */
export function exitStatus(entry: Pick<HistoryEntry, 'exitCode' | 'success'>): string {
  if (entry.exitCode === undefined) return entry.success === false ? '✗ failed' : '';
  return entry.exitCode === 0 ? '✓' : `✗ exit ${entry.exitCode}`;
}

export function exitStatusWords(entry: Pick<HistoryEntry, 'exitCode' | 'success'>): string {
  if (entry.exitCode === undefined) return entry.success === false ? 'failed' : 'exit status unknown';
  return entry.exitCode === 0 ? 'succeeded' : `failed with exit code ${entry.exitCode}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One line, at most `max` characters (the tree shows the first line of multi-line commands). */
export function commandLabel(command: string, max = 160): string {
  const lines = visibleControls(command).split('\n');
  let first = (lines[0] ?? '').trim();
  if (lines.length > 1) first += ' …';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

export const RISK_BADGE: Record<RiskLevel, { icon: string; color: string }> = {
  safe: { icon: 'pass', color: 'charts.green' },
  moderate: { icon: 'info', color: 'charts.yellow' },
  high: { icon: 'warning', color: 'charts.orange' },
  critical: { icon: 'error', color: 'errorForeground' },
};

/**
 * The tree item's icon: the exit status only (risk is shown as text). Success = check in the test-pass colour,
 * failure = error in the test-fail colour, unknown (the shell reported no exit code) = an empty circle.
 */
export function exitIcon(entry: Pick<HistoryEntry, 'exitCode' | 'success'>): { icon: string; color?: string } {
  const failed = entry.exitCode !== undefined ? entry.exitCode !== 0 : entry.success === false;
  const passed = entry.exitCode !== undefined ? entry.exitCode === 0 : entry.success === true;
  if (passed) return { icon: 'pass', color: 'testing.iconPassed' };
  if (failed) return { icon: 'error', color: 'testing.iconFailed' };
  return { icon: 'circle-outline' };
}

/** "⚠ moderate" / "⚠ high" / "⚠ critical" for the tree description; "" for safe commands (no noise). */
export function riskText(level: RiskLevel): string {
  return level === 'safe' ? '' : `⚠ ${level}`;
}

/** Local midnight of the day containing `now`, and of the day before. */
export function dayStarts(now: number): { today: number; yesterday: number } {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  const today = d.getTime();
  d.setDate(d.getDate() - 1);
  return { today, yesterday: d.getTime() };
}

// ---------------------------------------------------------------------------------------------------------------
// Text from history (synced from other devices, imported, typed) is data: it must never become Markdown, a link, an
// image, HTML or a command link in a tooltip, and control characters are shown, never passed on.

const C0_OR_DEL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const C1 = /[\u0080-\u009f]/g;
/** Every ASCII punctuation character: CommonMark lets each be backslash-escaped to stand for itself. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Control characters (except tab and line feed) as visible symbols: U+0001 → ␁, CR → ␍, DEL → ␡, C1 → �. */
export function visibleControls(text: string): string {
  return text
    .replace(C0_OR_DEL, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)))
    .replace(C1, '\ufffd');
}

/**
 * History text for a Markdown tooltip, on one line: every ASCII punctuation character is backslash-escaped (so no
 * emphasis, heading, list, link, image, HTML, entity or autolink can form: `https\:\/\/…`, `www\.…`, `a\@b`),
 * control characters are shown as symbols and line breaks as " ↵ ".
 */
export function markdownText(text: string): string {
  return visibleControls(text).replace(ASCII_PUNCTUATION, '\\$&').replace(/\n/g, ' ↵ ');
}

/**
 * A fenced code block that nothing inside `code` can close: the fence is one backtick longer than the longest run of
 * backticks anywhere in the text (at least three), so even an indented "   ````" line stays code. Control characters
 * are shown as symbols (a bare CR would otherwise end a Markdown line).
 */
export function markdownCodeBlock(code: string, language: 'shellscript' | 'powershell'): string {
  const shown = visibleControls(code);
  let longest = 0;
  for (const run of shown.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${shown}\n${fence}\n`;
}
