import { strict as assert } from 'node:assert';
import { pbkdf2Sync } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import {
  PHRASE_WORD_COUNT,
  assertPhrase,
  checkPhrase,
  generatePhrase,
  isPhraseWord,
  normalisePhrase,
  phraseFromEntropy,
  phraseToEntropy,
} from '../../src/core/crypto/phrase';
import { type CaroError, isCaroError } from '../../src/core/model/errors';
import { type Bip39Fixture, fromHex, hex, loadCryptoFixture } from '../fixtures/crypto/cryptoFixtures';

const bip39 = loadCryptoFixture<Bip39Fixture>('bip39Vectors.json');
// A public BIP39 test mnemonic whose words do not occur in Caro's fixed error texts, so "no word echoed" is checkable.
const PANDA = 'panda eyebrow bullet gorilla call smoke muffin taste mesh discover soft ostrich alcohol speed nation flash devote level hobby quick inner drive ghost inside';

function failure(input: string): { error: CaroError; problems: { position: number; kind: string }[] } {
  const result = checkPhrase(input);
  assert.ok(!result.ok, 'expected the phrase to be rejected');
  assert.ok(isCaroError(result.error, 'invalidPhrase'));
  assert.ok((result.error.action ?? '').length > 0, 'an action is given');
  return result;
}

function assertNoWordEchoed(error: CaroError, input: string): void {
  const text = `${error.message} ${error.action ?? ''}`.toLowerCase();
  for (const word of normalisePhrase(input).split(' ')) {
    assert.ok(!new RegExp(`\\b${word}\\b`, 'u').test(text), `message echoes "${word}": ${text}`);
  }
}

describe('crypto phrase: BIP39 reference vectors (trezor/python-mnemonic, 256-bit)', () => {
  assert.equal(bip39.vectors.length, 8);
  for (const v of bip39.vectors) {
    it(`entropy ${v.entropy.slice(0, 8)}… ↔ mnemonic, and the standard seed`, () => {
      assert.equal(phraseFromEntropy(fromHex(v.entropy)), v.mnemonic);
      assert.equal(hex(phraseToEntropy(v.mnemonic)), v.entropy);
      const checked = checkPhrase(v.mnemonic);
      assert.ok(checked.ok);
      assert.equal(checked.phrase, v.mnemonic);
      // BIP39 seed = PBKDF2-HMAC-SHA512(mnemonic, 'mnemonic' + passphrase, 2048): proves the words are the standard ones.
      const seed = pbkdf2Sync(checked.phrase.normalize('NFKD'), `mnemonic${bip39.passphrase}`, 2048, 64, 'sha512');
      assert.equal(hex(seed), v.seed);
    });
  }
});

describe('crypto phrase: generation', () => {
  it('generates 24 valid, distinct English words each time', () => {
    const a = generatePhrase();
    const b = generatePhrase();
    assert.notEqual(a, b);
    for (const p of [a, b]) {
      const words = p.split(' ');
      assert.equal(words.length, PHRASE_WORD_COUNT);
      for (const w of words) assert.ok(wordlist.includes(w) && isPhraseWord(w));
      assert.ok(checkPhrase(p).ok);
      assert.equal(phraseToEntropy(p).length, 32);
    }
  });
});

describe('crypto phrase: validation', () => {
  const words = PANDA.split(' ');

  it('23 words: wordCount at position 24, no word echoed', () => {
    const input = words.slice(0, 23).join(' ');
    const { error, problems } = failure(input);
    assert.deepEqual(problems, [{ kind: 'wordCount', position: 24 }]);
    assert.match(error.message, /23 words/);
    assert.match(error.message, /exactly 24/);
    assertNoWordEchoed(error, input);
  });

  it('25 words: wordCount at position 25', () => {
    const input = `${PANDA} ghost`;
    const { error, problems } = failure(input);
    assert.deepEqual(problems, [{ kind: 'wordCount', position: 25 }]);
    assert.match(error.message, /25 words/);
    assertNoWordEchoed(error, input);
  });

  it('empty or blank input asks for the phrase', () => {
    for (const input of ['', '   \n\t ']) {
      const { error, problems } = failure(input);
      assert.deepEqual(problems, [{ kind: 'wordCount', position: 1 }]);
      assert.match(error.message, /No recovery phrase/);
    }
    assert.ok(!checkPhrase(undefined as unknown as string).ok, 'non-string input is rejected, not thrown');
  });

  it('an unknown word is reported by position and never echoed', () => {
    const bad = [...words];
    bad[6] = 'muffins';
    const input = bad.join(' ');
    const { error, problems } = failure(input);
    assert.deepEqual(problems, [{ kind: 'unknownWord', position: 7 }]);
    assert.match(error.message, /Word 7\b/);
    assert.ok(!error.message.includes('muffin') && !(error.action ?? '').includes('muffin'));
    assertNoWordEchoed(error, input);
  });

  it('several unknown words are listed by position', () => {
    const bad = [...words];
    bad[2] = 'xyzzy';
    bad[8] = 'qwerty';
    bad[23] = 'plugh';
    const { error, problems } = failure(bad.join(' '));
    assert.deepEqual(problems.map((p) => p.position), [3, 9, 24]);
    assert.ok(problems.every((p) => p.kind === 'unknownWord'));
    assert.match(error.message, /Words 3, 9 and 24\b/);
    for (const w of ['xyzzy', 'qwerty', 'plugh']) assert.ok(!error.userMessage.includes(w));
  });

  it('wrong count and unknown words are reported together', () => {
    const bad = words.slice(0, 20);
    bad[0] = 'notaword';
    const { problems, error } = failure(bad.join(' '));
    assert.deepEqual(problems, [{ kind: 'wordCount', position: 21 }, { kind: 'unknownWord', position: 1 }]);
    assert.match(error.message, /20 words/);
    assert.match(error.message, /Word 1\b/);
  });

  it('a bad checksum (valid words, wrong order or wrong last word) is reported as such', () => {
    const swapped = [...words];
    [swapped[0], swapped[1]] = [swapped[1] ?? '', swapped[0] ?? ''];
    const allAbandon = Array(24).fill('abandon').join(' ');
    for (const input of [swapped.join(' '), allAbandon]) {
      const { error, problems } = failure(input);
      assert.deepEqual(problems, [{ kind: 'checksum', position: 24 }]);
      assert.match(error.message, /check failed/);
      assertNoWordEchoed(error, input);
    }
    assert.throws(() => assertPhrase(allAbandon), (e: unknown) => isCaroError(e, 'invalidPhrase'));
  });

  it('the phrase never appears in the error, not even for a valid-looking phrase with one change', () => {
    const bad = [...words];
    bad[23] = 'zoo';
    const result = checkPhrase(bad.join(' '));
    assert.ok(!result.ok);
    assert.ok(!JSON.stringify({ m: result.error.message, a: result.error.action, p: result.problems }).includes('panda'));
  });
});

describe('crypto phrase: normalisation', () => {
  it('accepts extra spaces, tabs, newlines, non-breaking spaces and upper case', () => {
    const messy = `  ${PANDA.toUpperCase().split(' ').join(' \t ')}\n`.replace(' \t SMOKE', '\u00a0\u00a0SMOKE').replace(' \t LEVEL', '\n\nLevel');
    assert.equal(normalisePhrase(messy), PANDA);
    assert.equal(assertPhrase(messy), PANDA);
  });

  it('applies NFKD: full-width letters become plain letters', () => {
    const fullWidth = Array.from('panda').map((c) => String.fromCharCode(c.charCodeAt(0) - 0x61 + 0xff41)).join('');
    assert.notEqual(fullWidth, 'panda');
    const input = PANDA.replace('panda', fullWidth.toUpperCase());
    assert.equal(normalisePhrase(input), PANDA);
    assert.ok(checkPhrase(input).ok);
  });

  it('isPhraseWord knows exactly the 2048 English words', () => {
    assert.equal(wordlist.length, 2048);
    assert.ok(wordlist.every((w) => isPhraseWord(w)));
    for (const w of ['', 'Abandon', 'abando', 'abandons', 'zoo ', 'tasté']) assert.ok(!isPhraseWord(w), w);
  });

  it('an accented look-alike stays an unknown word (the English list has no accents)', () => {
    const { problems } = failure(PANDA.replace('taste', 'tasté'));
    assert.deepEqual(problems, [{ kind: 'unknownWord', position: 8 }]);
  });
});
