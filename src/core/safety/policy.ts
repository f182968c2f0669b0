/**
 * What the extension does before re-running a history entry, per safety mode (decisions 16, C-58 by analogy).
 * Caro History never silently blocks: the strongest answer is a modal confirmation that names the risk.
 *
 * | mode        | safe | moderate | high    | critical |
 * |-------------|------|----------|---------|----------|
 * | strict      | none | confirm  | modal   | modal    |
 * | moderate    | none | none     | confirm | modal    |
 * | permissive  | none | none     | none    | modal    |
 */
import type { RiskLevel, SafetyMode } from '../model/entry';
import { assertNever } from '../util/assertNever';

export type Confirmation = 'none' | 'confirm' | 'modal';

export function confirmationFor(mode: SafetyMode, level: RiskLevel): Confirmation {
  if (level === 'safe') return 'none';
  switch (mode) {
    case 'strict':
      return level === 'moderate' ? 'confirm' : 'modal';
    case 'moderate':
      return level === 'critical' ? 'modal' : level === 'high' ? 'confirm' : 'none';
    case 'permissive':
      return level === 'critical' ? 'modal' : 'none';
    default:
      return assertNever(mode);
  }
}
