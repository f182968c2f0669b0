/**
 * One `caroHistory.excludePatterns` entry, compiled for the RE2 engine (re2js): matching is linear in the command's
 * length, so a pattern such as `(a+)+$` cannot freeze the extension host. RE2 has no look-around and no
 * back-references; a pattern using them is reported with the feature named and what to write instead.
 */
import { RE2JS } from 're2js';

export const MAX_EXCLUDE_PATTERN_LENGTH = 1000;

export interface ExcludeMatcher {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (like RegExp.test without flags). Linear time. */
  test(text: string): boolean;
}

export type CompiledExcludePattern =
  | { ok: true; matcher: ExcludeMatcher }
  /** `what` completes "entry 2 …"; `fix` says what to change, naming the pattern. */
  | { ok: false; what: string; fix: string };

const ENGINE = 'which the linear-time pattern engine (RE2) does not support';

/** Features RE2 does not have, and what to write instead. First match wins. */
const UNSUPPORTED: readonly { test: RegExp; what: string; fix: string }[] = [
  { test: /\(\?<[=!]/, what: `uses a lookbehind ((?<=…) or (?<!…)), ${ENGINE}`, fix: 'match the preceding text itself instead, e.g. "export TOKEN=" rather than "(?<=export )TOKEN="' },
  { test: /\(\?[=!]/, what: `uses a lookahead ((?=…) or (?!…)), ${ENGINE}`, fix: 'match the following text itself instead, or leave the lookahead out' },
  { test: /\\[1-9]|\\k</, what: `uses a back-reference (\\1 or \\k<name>), ${ENGINE}`, fix: 'write the repeated text out instead of referring back to a group' },
  { test: /\\u[0-9A-Fa-f{]/, what: `uses a \\u escape, ${ENGINE}`, fix: 'write \\x{00E9} instead of \\u00E9' },
];

export function compileExcludePattern(pattern: string): CompiledExcludePattern {
  const quoted = quotePattern(pattern);
  if (pattern.length > MAX_EXCLUDE_PATTERN_LENGTH) {
    return { ok: false, what: `is longer than ${MAX_EXCLUDE_PATTERN_LENGTH} characters`, fix: `Shorten ${quoted}` };
  }
  const unsupported = UNSUPPORTED.find((u) => u.test.test(pattern));
  if (unsupported) return { ok: false, what: unsupported.what, fix: `In ${quoted}, ${unsupported.fix}` };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (e) {
    // "error parsing regexp: missing closing ]: `[`" → "missing closing ]"
    const why = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '').replace(/: `[\s\S]*`$/, '');
    return { ok: false, what: `is not a valid regular expression (${why})`, fix: `Correct ${quoted}` };
  }
  return { ok: true, matcher: { source: pattern, test: (text: string) => compiled.test(text) } };
}

/** How a message quotes a pattern: JSON (control characters escaped), at most 60 characters. */
function quotePattern(pattern: string): string {
  return JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 59)}…` : pattern);
}
