import type { PhraseProblem } from '../../core/crypto/phrase';

/** Per-word messages for the join input. Never echoes a word: positions and counts only. */
export function phraseProblemText(problems: readonly PhraseProblem[], wordCount: number): string {
  const parts: string[] = [];
  const unknown = problems.filter((p) => p.kind === 'unknownWord').map((p) => p.position);
  if (unknown.length === 1) parts.push(`Word ${unknown[0]} isn't in the recovery word list: check its spelling.`);
  else if (unknown.length > 1) parts.push(`Words ${unknown.join(', ')} aren't in the recovery word list: check their spelling.`);
  if (problems.some((p) => p.kind === 'wordCount')) {
    parts.push(
      wordCount < 24
        ? `You've entered ${wordCount} of 24 words.`
        : `You've entered ${wordCount} words; a recovery phrase has exactly 24.`,
    );
  }
  if (problems.some((p) => p.kind === 'checksum')) {
    parts.push("These 24 words don't form a valid recovery phrase. Check each word and the order, especially the last one.");
  }
  return parts.join(' ');
}

/** Live feedback while typing: only words already followed by a space are judged, so half-typed words aren't flagged. */
export function typingFeedback(value: string, isKnownWord: (w: string) => boolean): string | undefined {
  const words = value.normalize('NFKD').toLowerCase().split(/\s+/u);
  const complete = /\s$/u.test(value) ? words.filter((w) => w !== '') : words.slice(0, -1).filter((w) => w !== '');
  const bad: number[] = [];
  complete.forEach((w, i) => {
    if (!isKnownWord(w)) bad.push(i + 1);
  });
  if (bad.length === 1) return `Word ${bad[0]} isn't in the recovery word list.`;
  if (bad.length > 1) return `Words ${bad.join(', ')} aren't in the recovery word list.`;
  return undefined;
}
