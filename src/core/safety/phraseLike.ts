import { wordlist } from '@scure/bip39/wordlists/english.js';

const BIP39 = new Set(wordlist);

/** A span of text that looks like a BIP39 recovery phrase (or most of one). */
export interface PhraseSpan {
  start: number;
  end: number;
}

/**
 * Finds runs of at least `minWords` whitespace-separated lower-case words, nearly all of them (all but
 * `allowedMisses`) BIP39 English words. Linear in the input length.
 */
export function findPhraseLikeRuns(text: string, minWords = 12, allowedMisses = 0): PhraseSpan[] {
  const spans: PhraseSpan[] = [];
  const word = /[A-Za-z]+/g;
  let runStart = -1;
  let runEnd = -1;
  let runWords = 0;
  let runMisses = 0;
  const flush = (): void => {
    if (runWords >= minWords && runMisses <= allowedMisses) spans.push({ start: runStart, end: runEnd });
    runStart = -1;
    runWords = 0;
    runMisses = 0;
  };
  let m: RegExpExecArray | null;
  while ((m = word.exec(text)) !== null) {
    const w = m[0];
    const gap = runStart >= 0 ? text.slice(runEnd, m.index) : '';
    const contiguous = runStart >= 0 && /^[ \t\r\n,]{1,3}$/.test(gap);
    if (!contiguous && runStart >= 0) flush();
    const lower = w.toLowerCase();
    const isWord = lower.length >= 3 && lower.length <= 8 && BIP39.has(lower);
    const candidate = isWord || (w.length <= 12 && /^[a-z]+$/.test(w) && runMisses < allowedMisses);
    if (!candidate) {
      if (runStart >= 0) flush();
      continue;
    }
    if (runStart < 0) runStart = m.index;
    runEnd = m.index + w.length;
    runWords += 1;
    if (!isWord) runMisses += 1;
  }
  if (runStart >= 0) flush();
  return spans;
}
