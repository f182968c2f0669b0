/**
 * A small, forgiving POSIX-ish shell lexer for risk classification. It never throws: unterminated quotes run to the
 * end of the input. Quoted text becomes part of a word (quotes removed) and is masked out of `masked`, so pattern rules
 * never fire on text inside quotes (`echo 'rm -rf /'` is safe), while analysers still see `rm -rf "/"` as `rm -rf /`.
 */
import { isControlCharacter } from './controlChars';

export interface Redirect {
  /** '>', '>>', '<', '>|' … (fd numbers stripped). */
  op: string;
  target: string;
}

export interface Segment {
  words: string[];
  /** Words that contained quoted text (parallel to `words`). */
  quoted: boolean[];
  redirects: Redirect[];
  /** Separator that preceded this segment: '' (start), '|', ';', '&&', '||', '&', '(' , ')', '`', '$(' or '\n' (also for CR and other control characters). */
  sepBefore: string;
}

export interface Lexed {
  segments: Segment[];
  /** Same length as the input: quoted contents and comments replaced by spaces. */
  masked: string;
  /** `$(…)` and backtick command substitutions found inside double quotes: the shell runs them. */
  substitutions: string[];
}

const OPERATOR_CHARS = ';&|\n()`';

export function lexShell(input: string): Lexed {
  const segments: Segment[] = [];
  const substitutions: string[] = [];
  const maskedChars: string[] = [];
  let seg: Segment = { words: [], quoted: [], redirects: [], sepBefore: '' };
  let word = '';
  let inWord = false;
  let wordQuoted = false;
  let pendingRedirect: string | null = null;

  const endWord = (): void => {
    if (!inWord) return;
    if (pendingRedirect !== null) {
      seg.redirects.push({ op: pendingRedirect, target: word });
      pendingRedirect = null;
    } else {
      seg.words.push(word);
      seg.quoted.push(wordQuoted);
    }
    word = '';
    inWord = false;
    wordQuoted = false;
  };
  const endSegment = (sep: string): void => {
    endWord();
    pendingRedirect = null;
    if (seg.words.length > 0 || seg.redirects.length > 0) segments.push(seg);
    seg = { words: [], quoted: [], redirects: [], sepBefore: sep };
  };

  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input[i] as string;
    // Backslash escape / line continuation.
    if (c === '\\') {
      const next = input[i + 1];
      maskedChars.push(c);
      if (next === undefined) {
        i += 1;
        continue;
      }
      // Backslash + Enter (LF, CR or CRLF) continues the line.
      const continuation = next === '\n' || next === '\r';
      if (!continuation && isControlCharacter(next)) {
        i += 1; // the control character is handled below as a key press
        continue;
      }
      maskedChars.push(continuation ? '\n' : ' ');
      if (!continuation) {
        word += next;
        inWord = true;
      }
      i += 2;
      if (next === '\r' && input[i] === '\n') {
        maskedChars.push('\n');
        i += 1;
      }
      continue;
    }
    if (c === "'" || c === '"' || (c === '$' && input[i + 1] === "'")) {
      const ansi = c === '$';
      const q = ansi ? "'" : c;
      if (ansi) {
        maskedChars.push('$');
        i += 1;
      }
      maskedChars.push(q);
      i += 1;
      inWord = true;
      wordQuoted = true;
      while (i < n && input[i] !== q) {
        const ch = input[i] as string;
        if ((q === '"' || ansi) && ch === '\\' && i + 1 < n) {
          const nx = input[i + 1] as string;
          word += ansi ? ansiEscape(nx) : '"\\$`\n'.includes(nx) ? (nx === '\n' ? '' : nx) : ch + nx;
          maskedChars.push(' ', ' ');
          i += 2;
          continue;
        }
        if (q === '"' && !ansi && ((ch === '$' && input[i + 1] === '(' && input[i + 2] !== '(') || ch === '`')) {
          const end = ch === '`' ? closingBacktick(input, i + 1) : closingParen(input, i + 2);
          const bodyStart = ch === '`' ? i + 1 : i + 2;
          substitutions.push(input.slice(bodyStart, Math.min(end, n)));
          const stop = Math.min(end + 1, n);
          for (; i < stop; i++) {
            word += input[i] as string;
            maskedChars.push(input[i] === '\n' ? '\n' : ' ');
          }
          continue;
        }
        word += ch;
        maskedChars.push(ch === '\n' ? '\n' : ' ');
        i += 1;
      }
      if (i < n) {
        maskedChars.push(q);
        i += 1;
      }
      continue;
    }
    if (c === '#' && !inWord) {
      // Comment to end of line.
      while (i < n && input[i] !== '\n' && !isControlCharacter(input[i] as string)) {
        maskedChars.push(' ');
        i += 1;
      }
      continue;
    }
    if (isControlCharacter(c)) {
      // A terminal treats CR as Enter and other control characters as key presses: never part of a word.
      maskedChars.push('\n');
      i += 1;
      endSegment('\n');
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      maskedChars.push(c);
      i += 1;
      continue;
    }
    if (c === '>' || c === '<') {
      // fd prefix like 2> or &> : drop a pure-digit word in progress.
      if (inWord && /^\d+$/.test(word) && !wordQuoted) {
        word = '';
        inWord = false;
      } else endWord();
      let op = c;
      maskedChars.push(c);
      i += 1;
      while (i < n && (input[i] === '>' || input[i] === '|' || input[i] === '<')) {
        op += input[i];
        maskedChars.push(input[i] as string);
        i += 1;
      }
      if (input[i] === '&' && /[\d-]/.test(input[i + 1] ?? '')) {
        // fd duplication 2>&1, >&-
        maskedChars.push('&', input[i + 1] as string);
        i += 2;
        continue;
      }
      if (op === '<<' || op === '<<<' || op === '<<-') {
        pendingRedirect = op;
        continue;
      }
      pendingRedirect = op;
      continue;
    }
    if (c === '&' && input[i + 1] === '>') {
      endWord();
      maskedChars.push('&');
      i += 1;
      continue;
    }
    if (c === '$' && input[i + 1] === '(') {
      if (input[i + 2] === '(') {
        // Arithmetic: treat as part of the word.
        word += '$((';
        inWord = true;
        maskedChars.push('$', '(', '(');
        i += 3;
        continue;
      }
      maskedChars.push('$', '(');
      i += 2;
      endSegment('$(');
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      let op = c;
      if ((c === '&' || c === '|' || c === ';') && (input[i + 1] === c || (c === '|' && input[i + 1] === '&'))) {
        op += input[i + 1];
      }
      for (const ch of op) maskedChars.push(ch);
      i += op.length;
      endSegment(op);
      continue;
    }
    word += c;
    inWord = true;
    maskedChars.push(c);
    i += 1;
  }
  endSegment('');
  return { segments, masked: maskedChars.join(''), substitutions };
}

/** Index of the `)` closing a `$(` whose body starts at `from` (input length when unterminated). */
function closingParen(input: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let i = from; i < input.length; i++) {
    const c = input[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return i;
  }
  return input.length;
}

function closingBacktick(input: string, from: number): number {
  for (let i = from; i < input.length; i++) {
    if (input[i] === '\\') i += 1;
    else if (input[i] === '`') return i;
  }
  return input.length;
}

function ansiEscape(c: string): string {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    default:
      return c;
  }
}
