/** Display formatting shared by both apps (local time zone, plain language). */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function relativeTime(ms: number, now = Date.now()): string {
  const d = now - ms;
  if (d < 45_000) return 'just now';
  if (d < HOUR) return `${Math.round(d / MINUTE)} min ago`;
  if (d < DAY) return `${Math.round(d / HOUR)} h ago`;
  if (d < 7 * DAY) return `${Math.round(d / DAY)} d ago`;
  return new Date(ms).toLocaleDateString();
}

/** Compact time for a list row: time today, else date + time. */
export function shortTime(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (sameDay) return time;
  const sameYear = date.getFullYear() === today.getFullYear();
  const day = date.toLocaleDateString([], sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
  return `${day} ${time}`;
}

export function fullTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} m ${Math.round((ms % MINUTE) / 1_000)} s`;
  return `${Math.floor(ms / HOUR)} h ${Math.round((ms % HOUR) / MINUTE)} m`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** Last path segment, for narrow columns (full path goes into the title). */
export function baseName(path: string | undefined): string {
  if (!path) return '';
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) || trimmed : trimmed;
}

export function platformIcon(platform: string): string {
  switch (platform) {
    case 'macos':
    case 'darwin':
      return 'codicon-device-desktop';
    case 'windows':
    case 'win32':
      return 'codicon-window';
    case 'linux':
      return 'codicon-terminal-linux';
    default:
      return 'codicon-device-desktop';
  }
}

export function platformName(platform: string): string {
  switch (platform) {
    case 'macos':
    case 'darwin':
      return 'macOS';
    case 'windows':
    case 'win32':
      return 'Windows';
    case 'linux':
      return 'Linux';
    default:
      return platform || 'Unknown';
  }
}
