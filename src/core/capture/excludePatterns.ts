/**
 * The user's `excludePatterns` setting: regular expressions; a command matching any of them is not recorded.
 * Patterns run on the linear-time RE2 engine (settings/excludePattern.ts). An unusable pattern is a settings problem
 * reported in plain words, never a crash: the other patterns still apply.
 */
import { compileExcludePattern, type ExcludeMatcher } from '../settings/excludePattern';

export interface CompiledExcludes {
  readonly matchers: readonly ExcludeMatcher[];
  /** One sentence per unusable pattern, e.g. for a notification or the settings view. */
  readonly problems: readonly string[];
}

export function compileExcludePatterns(patterns: readonly string[]): CompiledExcludes {
  const matchers: ExcludeMatcher[] = [];
  const problems: string[] = [];
  patterns.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') return;
    const compiled = compileExcludePattern(p);
    if (compiled.ok) matchers.push(compiled.matcher);
    else problems.push(`Exclude pattern ${i + 1} ${compiled.what}; it is ignored. ${compiled.fix} in the caroHistory.excludePatterns setting.`);
  });
  return { matchers, problems };
}

/** Caches the compiled form for the current settings value (settings are read on every capture). */
export class ExcludePatternCache {
  private key: string | undefined;
  private compiled: CompiledExcludes = { matchers: [], problems: [] };

  get(patterns: readonly string[]): CompiledExcludes {
    const key = JSON.stringify(patterns);
    if (key !== this.key) {
      this.key = key;
      this.compiled = compileExcludePatterns(patterns);
    }
    return this.compiled;
  }
}
