import { randomBytes } from 'node:crypto';
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { CaroError } from '../model/errors';

/** Caro recovery phrases are always 24 English BIP39 words: 256 bits of entropy + an 8-bit checksum (decision 1). */
export const PHRASE_WORD_COUNT = 24;
const ENTROPY_BYTES = 32;
const WORDS = new Set(wordlist);

export type PhraseProblemKind = 'unknownWord' | 'wordCount' | 'checksum';

/**
 * One thing wrong with an entered phrase. `position` is 1-based: for 'unknownWord' the word's position; for
 * 'wordCount' the first missing position (count + 1) or 25 when there are too many words; for 'checksum' 24, the
 * word that carries the checksum (the actual mistake can be anywhere).
 */
export interface PhraseProblem {
  position: number;
  kind: PhraseProblemKind;
}

export type PhraseCheck =
  | { ok: true; phrase: string }
  | { ok: false; error: CaroError; problems: PhraseProblem[] };

/** True if `word` (already normalised: lower case, NFKD) is one of the 2048 English BIP39 words. */
export function isPhraseWord(word: string): boolean {
  return WORDS.has(word);
}

/** A new 24-word phrase from 32 bytes of OS CSPRNG entropy. */
export function generatePhrase(): string {
  return phraseFromEntropy(new Uint8Array(randomBytes(ENTROPY_BYTES)));
}

/** The BIP39 English phrase for 32 bytes of entropy. */
export function phraseFromEntropy(entropy: Uint8Array): string {
  if (entropy.length !== ENTROPY_BYTES) throw new RangeError(`entropy must be ${ENTROPY_BYTES} bytes`);
  return entropyToMnemonic(entropy, wordlist);
}

/** The 32 bytes of entropy a valid phrase encodes. Throws CaroError 'invalidPhrase' for an invalid phrase. */
export function phraseToEntropy(input: string): Uint8Array {
  return mnemonicToEntropy(assertPhrase(input), wordlist);
}

/**
 * Canonical form used for validation and key derivation: Unicode NFKD, lower case, words separated by single spaces,
 * no leading or trailing space. Any Unicode whitespace (tabs, newlines, non-breaking spaces) separates words.
 * DO NOT MODIFY: the normalised phrase is the Argon2id password; changing this changes every derived key.
 */
export function normalisePhrase(input: string): string {
  return input.normalize('NFKD').toLowerCase().split(/\s+/u).filter((w) => w.length > 0).join(' ');
}

/**
 * Validates a phrase a person typed or pasted. On failure, `error` is a CaroError 'invalidPhrase' whose message names
 * word positions and counts only: it never contains the phrase or any of its words.
 */
export function checkPhrase(input: string): PhraseCheck {
  const phrase = typeof input === 'string' ? normalisePhrase(input) : '';
  const words = phrase === '' ? [] : phrase.split(' ');
  const problems: PhraseProblem[] = [];
  if (words.length !== PHRASE_WORD_COUNT) {
    problems.push({
      kind: 'wordCount',
      position: words.length < PHRASE_WORD_COUNT ? words.length + 1 : PHRASE_WORD_COUNT + 1,
    });
  }
  words.forEach((word, i) => {
    if (!WORDS.has(word)) problems.push({ kind: 'unknownWord', position: i + 1 });
  });
  if (problems.length === 0 && !checksumValid(phrase)) {
    problems.push({ kind: 'checksum', position: PHRASE_WORD_COUNT });
  }
  if (problems.length === 0) return { ok: true, phrase };
  return { ok: false, error: phraseError(words.length, problems), problems };
}

/** Returns the normalised phrase, or throws CaroError 'invalidPhrase' (see {@link checkPhrase}). */
export function assertPhrase(input: string): string {
  const result = checkPhrase(input);
  if (!result.ok) throw result.error;
  return result.phrase;
}

function checksumValid(phrase: string): boolean {
  try {
    mnemonicToEntropy(phrase, wordlist);
    return true;
  } catch {
    return false;
  }
}

function listPositions(positions: number[]): string {
  if (positions.length === 1) return String(positions[0]);
  return `${positions.slice(0, -1).join(', ')} and ${positions[positions.length - 1]}`;
}

function phraseError(count: number, problems: PhraseProblem[]): CaroError {
  const sentences: string[] = [];
  const actions: string[] = [];
  if (problems.some((p) => p.kind === 'wordCount')) {
    if (count === 0) {
      sentences.push('No recovery phrase was entered.');
      actions.push(`Type or paste the ${PHRASE_WORD_COUNT} words of your recovery phrase, separated by spaces.`);
    } else {
      sentences.push(
        `The recovery phrase has ${count} ${count === 1 ? 'word' : 'words'}, but it needs exactly ${PHRASE_WORD_COUNT}.`,
      );
      actions.push(`Check that you copied all ${PHRASE_WORD_COUNT} words, separated by spaces, and nothing else.`);
    }
  }
  const unknown = problems.filter((p) => p.kind === 'unknownWord').map((p) => p.position);
  if (unknown.length > 0) {
    sentences.push(
      unknown.length === 1
        ? `Word ${listPositions(unknown)} is not a recovery-phrase word.`
        : `Words ${listPositions(unknown)} are not recovery-phrase words.`,
    );
    actions.push('Check the spelling of the words at those positions against your saved copy.');
  }
  if (problems.some((p) => p.kind === 'checksum')) {
    sentences.push('The words are all valid, but together they are not a valid recovery phrase (its built-in check failed).');
    actions.push('A word is probably wrong or out of order: compare each word, in order, with your saved copy.');
  }
  return new CaroError('invalidPhrase', sentences.join(' '), actions.join(' '));
}
