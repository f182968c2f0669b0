import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { startRelay, type RunningRelay } from '../../src/relay/relayServer';
import { repoRoot } from './harness/runtime';
import { joinSyncThroughUi, quickInputMessage } from './harness/syncFlows';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

/** Every word of the extension's own source (its UI copy): "history" or "match" in a message is not an echo. */
const UI_COPY = new Set(
  ['src/extension', 'src/core/sync', 'src/core/crypto', 'src/core/model']
    .flatMap((d) => readdirSync(join(repoRoot, d), { recursive: true, encoding: 'utf8' }).map((f) => join(repoRoot, d, f)))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => readFileSync(f, 'utf8').toLowerCase().match(/[a-z]+/g) ?? []),
);

/**
 * A valid 24-word phrase none of whose words occurs in the extension's UI copy, so the "no words echoed" check
 * cannot be fooled by a phrase word that happens to be an ordinary word of a message (random phrases made it flaky).
 */
function phraseOutsideUiCopy(): string {
  for (let i = 0; i < 100_000; i++) {
    const phrase = generateMnemonic(wordlist, 256);
    if (phrase.split(' ').every((w) => !UI_COPY.has(w))) return phrase;
  }
  throw new Error('no phrase without UI-copy words found');
}

/** A 24-word phrase whose last word is replaced so the BIP39 checksum fails (every word is still a real word). */
function badChecksumPhrase(): string {
  const words = phraseOutsideUiCopy().split(' ');
  for (const candidate of wordlist) {
    const attempt = [...words.slice(0, 23), candidate].join(' ');
    if (!validateMnemonic(attempt, wordlist) && !UI_COPY.has(candidate)) return attempt;
  }
  throw new Error('no bad-checksum variant found');
}

// Scenario 7 (issue 7 §3): bad recovery-phrase input through the UI gets a clear message and changes nothing.
describe('e2e 7: bad phrase input through the UI', function () {
  this.timeout(240_000);
  let relayDir: string;
  let relay: RunningRelay;
  let vs: VsCodeInstance;

  /** Nothing changed: sync still off in the status bar and the hook state, and no phrase words echoed anywhere. */
  async function assertUnchanged(phrase: string): Promise<void> {
    await waitFor('the status bar to say sync off', async () => /Caro: sync off/.test(await vs.statusBarText()), {
      describe: () => vs.statusBarText(),
    });
    assert.ok(['off', 'uninitialised'].includes(vs.state()?.syncState ?? ''), `sync state: ${vs.state()?.syncState}`);
    const shown = [...(await vs.notifications()), await quickInputMessage(vs)].join(' ').toLowerCase();
    const echoed = phrase.split(' ').filter((w) => w.length > 4 && new RegExp(`\\b${w}\\b`).test(shown));
    assert.deepEqual(echoed, [], 'messages never echo words of the phrase');
  }

  before(async function () {
    relayDir = mkdtempSync(join(tmpdir(), 'caro-e2e-relay-'));
    relay = await startRelay({ port: 0, dataDir: relayDir });
    vs = await VsCodeInstance.launch({ name: 'bad-input', vsix: ensureVsix(), settings: { 'caroHistory.syncServerUrl': relay.url } });
    await vs.waitForActivation();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
    await relay?.stop();
    rmSync(relayDir, { recursive: true, force: true });
  });

  it('23 words: the input says how many words are missing and does not accept', async function () {
    const phrase = phraseOutsideUiCopy().split(' ').slice(0, 23).join(' ');
    await joinSyncThroughUi(vs, phrase);
    const msg = await waitFor('the word-count message', async () => {
      const m = await quickInputMessage(vs);
      return /You've entered 23 of 24 words/.test(m) ? m : undefined;
    }, { describe: () => quickInputMessage(vs) });
    assert.match(msg, /You've entered 23 of 24 words/);
    assert.equal(await vs.quickInput().isVisible(), true, 'the input stays open to fix the phrase');
    await vs.screenshot('join-23-words');
    await assertUnchanged(phrase);
    await vs.page.keyboard.press('Escape');
  });

  it('bad checksum: the input says the words do not form a valid phrase', async function () {
    const phrase = badChecksumPhrase();
    await joinSyncThroughUi(vs, phrase);
    const msg = await waitFor('the checksum message', async () => {
      const m = await quickInputMessage(vs);
      return /valid recovery phrase/.test(m) ? m : undefined;
    }, { describe: () => quickInputMessage(vs) });
    assert.match(msg, /don't form a valid recovery phrase/);
    await vs.screenshot('join-bad-checksum');
    await assertUnchanged(phrase);
    await vs.page.keyboard.press('Escape');
  });

  it('a valid phrase that no device set up: "does not match any synced history", nothing stored', async function () {
    const phrase = phraseOutsideUiCopy();
    await joinSyncThroughUi(vs, phrase);
    const note = await waitFor('the wrong-phrase message', async () =>
      (await vs.notifications()).find((n) => /does not match any synced history/i.test(n)),
      { timeoutMs: 90_000, describe: () => vs.notifications() },
    );
    assert.match(note, /This phrase does not match any synced history/);
    await vs.screenshot('join-wrong-phrase');
    await assertUnchanged(phrase);
    // Join verifies before it persists: with no identity stored, Join asks for a phrase again (with one stored it
    // would only say "This device already syncs").
    await vs.runCommand('Caro History: Join Sync (Existing Recovery Phrase)');
    await vs.waitForQuickInput('Join Sync');
    await vs.page.keyboard.press('Escape');
    assert.deepEqual(vs.extensionErrors, []);
  });
});
