/** Domain types shared by every layer (type-only imports from webviews are allowed). */

/** Per-entry risk (decision 16: SQL column `safety_level`). */
export type RiskLevel = 'safe' | 'moderate' | 'high' | 'critical';
export const RISK_LEVELS: readonly RiskLevel[] = ['safe', 'moderate', 'high', 'critical'];

/** User preference (decision 16). */
export type SafetyMode = 'strict' | 'moderate' | 'permissive';
export const SAFETY_MODES: readonly SafetyMode[] = ['strict', 'moderate', 'permissive'];

export type Platform = 'linux' | 'macos' | 'windows' | 'other';

/** A command as handed over by a capture source (VS Code shell integration, shell-history import, CLI). */
export interface CapturedCommand {
  commandLine: string;
  cwd?: string;
  exitCode?: number;
  /** Unix ms. */
  startedAt: number;
  /** Unix ms; absent when the command never reported an end. */
  endedAt?: number;
  shell?: string;
  platform?: Platform;
  /** Terminal / session identity (opaque). */
  sessionId?: string;
  workspace?: string;
  /** VS Code's confidence in the command line: 'low' lines are flagged, not dropped. */
  confidence?: 'low' | 'medium' | 'high';
  /** Optional natural-language prompt and explanation (decision 19). */
  prompt?: string;
  explanation?: string;
  tags?: readonly string[];
}

/** A decrypted history entry as the history service hands it to the UI. Commands are already redacted. */
export interface HistoryEntry {
  id: string;
  command: string;
  prompt: string;
  explanation?: string;
  tags: readonly string[];
  executed: boolean;
  success?: boolean;
  exitCode?: number;
  durationMs?: number;
  workingDir?: string;
  shell?: string;
  platform?: string;
  riskLevel: RiskLevel;
  warnings: readonly string[];
  deviceId: string;
  sessionId?: string;
  workspace?: string;
  lowConfidence?: boolean;
  /** Unix ms. */
  createdAt: number;
  updatedAt: number;
  syncedAt?: number;
  deletedAt?: number;
  schemaVersion: number;
}

export interface HistoryFilter {
  text?: string;
  /** 'substring' (default) or 'fuzzy'. */
  mode?: 'substring' | 'fuzzy';
  workspace?: string;
  directory?: string;
  deviceId?: string;
  sessionId?: string;
  status?: 'success' | 'failed' | 'any';
  minRisk?: RiskLevel;
  riskLevels?: readonly RiskLevel[];
  /** Unix ms, inclusive. */
  since?: number;
  until?: number;
}

export interface HistoryPage {
  items: HistoryEntry[];
  /** Total matching entries (for virtual lists). */
  total: number;
}

export interface DeviceInfo {
  deviceId: string;
  name: string;
  platform: string;
  schemaVersion: number;
  firstSeen: number;
  lastSeen: number;
  isCurrent: boolean;
  commandCount?: number;
}

/** Why a captured command was not stored (never silent: the UI may surface these). */
export type SkipReason =
  | 'empty'
  | 'leadingSpace'
  | 'excluded'
  | 'paused'
  | 'disabled'
  | 'tooLarge'
  | 'duplicate'
  /** Control characters or broken Unicode (lone UTF-16 surrogates) that cannot be stored faithfully. */
  | 'invalidText'
  /** VS Code was not sure of the command line and the setting says to skip such lines. */
  | 'lowConfidence'
  /** A line typed at the prompt and cancelled with Ctrl+C: it never ran. */
  | 'cancelled';

export type CaptureOutcome =
  | { stored: true; entry: HistoryEntry; redactions: readonly string[] }
  | { stored: false; reason: SkipReason; detail?: string };
