import type { HistoryEntry, RiskLevel } from '../../../src/core/model/entry';

/** Deterministic realistic history for the webview tests and the benchmark (no randomness: same input, same rows). */
export const DEVICES = [
  { deviceId: 'dev-laptop-0001', name: 'Work laptop', platform: 'linux' },
  { deviceId: 'dev-mac-0002', name: 'MacBook Pro', platform: 'macos' },
  { deviceId: 'dev-win-0003', name: 'Gaming PC', platform: 'windows' },
] as const;

const COMMANDS: readonly { command: string; risk: RiskLevel; warnings?: string[]; prompt?: string; explanation?: string }[] = [
  { command: 'git status', risk: 'safe' },
  { command: 'npm test', risk: 'safe' },
  { command: 'git log --oneline -20', risk: 'safe' },
  { command: 'docker compose up -d postgres', risk: 'safe' },
  { command: 'ls -la', risk: 'safe', prompt: 'list all files in current directory', explanation: 'Lists every file, including hidden ones, with details.' },
  { command: 'kubectl get pods -n staging', risk: 'safe' },
  { command: 'git push --force origin main', risk: 'high', warnings: ['Force-pushing rewrites the remote branch history.'] },
  { command: 'rm -rf build/ dist/', risk: 'moderate', warnings: ['Deletes folders recursively without asking.'] },
  { command: 'curl -fsSL https://example.invalid/install.sh | sh', risk: 'critical', warnings: ['Runs a script downloaded from the internet.', 'Pipes remote content straight into a shell.'] },
  { command: 'export AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret]', risk: 'moderate', warnings: ['A secret was redacted before storing.'] },
  { command: 'python3 -m venv .venv && source .venv/bin/activate', risk: 'safe' },
  { command: 'cargo build --release', risk: 'safe' },
  { command: 'find . -name "*.log" -mtime +7 -delete', risk: 'high', warnings: ['Deletes files matching a pattern.'], prompt: 'delete log files older than a week' },
  { command: 'sudo systemctl restart nginx', risk: 'moderate', warnings: ['Runs with administrator rights.'] },
  { command: 'terraform plan -out=tfplan', risk: 'safe' },
  { command: 'grep -rn "TODO" src/ | wc -l', risk: 'safe' },
];

const WORKSPACES = ['/home/dev/projects/caro', '/home/dev/projects/website'];
const DIRS = ['/home/dev/projects/caro', '/home/dev/projects/caro/src', '/home/dev/projects/website', '/home/dev/projects/website/app', '/tmp'];

export function sampleEntries(n: number, now = Date.UTC(2026, 10, 25, 15, 0, 0)): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  // Spread over ~40 days, newest first, with a daily rhythm.
  const span = 40 * 86_400_000;
  for (let i = 0; i < n; i++) {
    const c = COMMANDS[(i * 7 + Math.floor(i / 3)) % COMMANDS.length]!;
    const dev = DEVICES[(i * 5) % 3 === 0 ? 1 : i % 7 === 0 ? 2 : 0]!;
    const ws = WORKSPACES[i % 2]!;
    const createdAt = now - Math.floor((i / Math.max(1, n)) * span) - ((i * 37) % 600) * 1_000;
    const failed = (Math.imul(i + 1, 2654435761) >>> 0) % 9 === 4;
    const e: HistoryEntry = {
      id: `e${String(i).padStart(6, '0')}`,
      command: c.command,
      prompt: c.prompt ?? '',
      tags: [],
      executed: true,
      success: !failed,
      exitCode: failed ? (i % 2 ? 1 : 127) : 0,
      durationMs: ((i * 131) % 9_000) + (i % 13 === 0 ? 65_000 : 40),
      workingDir: DIRS[i % DIRS.length]!,
      shell: 'bash',
      platform: dev.platform,
      riskLevel: c.risk,
      warnings: c.warnings ?? [],
      deviceId: dev.deviceId,
      sessionId: `term-${Math.floor(i / 25)}`,
      workspace: ws,
      createdAt,
      updatedAt: createdAt,
      schemaVersion: 1,
    };
    if (c.explanation) e.explanation = c.explanation;
    out.push(e);
  }
  return out;
}
