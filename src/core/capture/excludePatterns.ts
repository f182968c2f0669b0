/**
 * The user's `excludePatterns` setting: regular expressions; a command matching any of them is not recorded.
 * An invalid pattern is a settings problem reported in plain words, never a crash: the other patterns still apply.
 */
export interface CompiledExcludes {
  readonly matchers: readonly RegExp[];
  /** One sentence per unusable pattern, e.g. for a notification or the settings view. */
  readonly problems: readonly string[];
}

const MAX_PATTERN_LENGTH = 1000;

export function compileExcludePatterns(patterns: readonly string[]): CompiledExcludes {
  const matchers: RegExp[] = [];
  const problems: string[] = [];
  patterns.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') return;
    if (p.length > MAX_PATTERN_LENGTH) {
      problems.push(`Exclude pattern ${i + 1} is longer than ${MAX_PATTERN_LENGTH} characters and is ignored. Shorten it in the caroHistory.excludePatterns setting.`);
      return;
    }
    try {
      matchers.push(new RegExp(p));
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : 'invalid';
      problems.push(`Exclude pattern ${i + 1} is not a valid regular expression (${why}) and is ignored. Fix it in the caroHistory.excludePatterns setting.`);
    }
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
