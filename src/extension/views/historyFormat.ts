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
  const lines = command.split('\n');
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
