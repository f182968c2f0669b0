/**
 * Where a secret's value ends, in amortised linear time. Redaction rules find a short prefix (`NAME=`, `--token `,
 * `?key=`, `sk-`) and ask this scanner for the value after it. Candidates inside a rejected value (`a=a=a=…`,
 * `?x=$?token=…`) would make a regex rescan the same run again and again (quadratic); the scanner remembers the last
 * run per pattern, so a start inside it is answered without scanning.
 */

/** A shell word as VALUE: single-quoted, double-quoted (backslash escapes) or bare. */
const SINGLE_QUOTED_BODY = /[^'\n]*/y;
const DOUBLE_QUOTED_BODY = /(?:[^"\\\n]|\\.)*/y;
const BARE_WORD = /[^\s'";&|<>()]+/y;

export class ValueScanner {
  private readonly runs = new Map<RegExp, { from: number; end: number }>();
  private readonly nextMatches = new Map<RegExp, { from: number; index: number; end: number }>();

  constructor(private readonly text: string) {}

  /**
   * End of the run of `run` (a sticky regex for a repeated character class, or a quoted-string body) starting at
   * `start`; `start` itself when the run is empty. Any start inside the last run shares its end.
   */
  runEnd(run: RegExp, start: number): number {
    const last = this.runs.get(run);
    if (last && start >= last.from && start <= last.end) return last.end;
    run.lastIndex = start;
    const m = run.exec(this.text);
    const end = m ? start + m[0].length : start;
    this.runs.set(run, { from: start, end });
    return end;
  }

  /** End of the shell word starting at `start` (quotes included), or -1 when there is none (unterminated quote). */
  shellWordEnd(start: number): number {
    const c = this.text[start];
    if (c === "'" || c === '"') {
      const body = this.runEnd(c === "'" ? SINGLE_QUOTED_BODY : DOUBLE_QUOTED_BODY, start + 1);
      return this.text[body] === c ? body + 1 : -1;
    }
    const end = this.runEnd(BARE_WORD, start);
    return end > start ? end : -1;
  }

  /** First match of `re` (a global regex) at or after `start`, or null. Remembered until `start` passes it. */
  nextMatch(re: RegExp, start: number): { index: number; end: number } | null {
    const last = this.nextMatches.get(re);
    if (last && start >= last.from && start <= last.index) return last.index === Infinity ? null : { index: last.index, end: last.end };
    re.lastIndex = start;
    const m = re.exec(this.text);
    const found = m ? { from: start, index: m.index, end: m.index + m[0].length } : { from: start, index: Infinity, end: Infinity };
    this.nextMatches.set(re, found);
    return m ? { index: found.index, end: found.end } : null;
  }
}
