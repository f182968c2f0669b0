import type { Frame } from 'playwright-core';
import type { VsCodeInstance } from './vscodeInstance';
import { waitFor } from './waitFor';

/**
 * "Caro History: Set Up Sync" through the real UI: waits for the phrase panel, reads the 24 words, clicks "I Saved It"
 * and answers the 3-word check. Returns the phrase (tests only; it never leaves the test process).
 */
export async function setUpSyncThroughUi(vs: VsCodeInstance): Promise<string> {
  await vs.runCommand('Caro History: Set Up Sync (New Recovery Phrase)');
  const panel = await vs.webviewFrame('ol[aria-label="Recovery phrase, 24 words"]', 60_000);
  const words = await panel.locator('ol[aria-label="Recovery phrase, 24 words"] .w').allTextContents();
  if (words.length !== 24) throw new Error(`the phrase panel shows ${words.length} words, expected 24`);
  await vs.screenshot('sync-setup-phrase');
  await panel.locator('#saved').click();
  for (let i = 0; i < 3; i++) {
    const prompt = vs.page.locator('.quick-input-widget .quick-input-message, .quick-input-widget .quick-input-description');
    const position = await waitFor(`the word check #${i + 1}`, async () => {
      if (!(await vs.quickInput().isVisible().catch(() => false))) return undefined;
      const texts = (await prompt.allTextContents()).join(' ');
      const m = /type word #(\d+)/.exec(texts);
      return m ? Number(m[1]) : undefined;
    }, { describe: async () => (await prompt.allTextContents()).join(' ') });
    if (i === 0) await vs.screenshot('sync-setup-word-check');
    const input = vs.quickInput();
    await input.fill(words[position - 1] ?? '');
    await vs.page.keyboard.press('Enter');
    // The next prompt (or closing) must replace this one before we read it again.
    await waitFor('the word check to move on', async () => {
      const visible = await input.isVisible().catch(() => false);
      if (!visible) return true;
      const texts = (await prompt.allTextContents()).join(' ');
      return !texts.includes(`type word #${position}.`) || texts.includes("isn't word");
    });
  }
  return words.join(' ');
}

/** "Caro History: Join Sync" with `phrase` typed into the masked input and accepted. */
export async function joinSyncThroughUi(vs: VsCodeInstance, phrase: string): Promise<void> {
  await vs.runCommand('Caro History: Join Sync (Existing Recovery Phrase)');
  await vs.waitForQuickInput('Join Sync');
  const input = vs.quickInput();
  await input.fill(phrase);
  await vs.page.keyboard.press('Enter');
}

/** Validation message under the open quick input (e.g. the phrase box), '' when there is none. */
export async function quickInputMessage(vs: VsCodeInstance): Promise<string> {
  return ((await vs.page.locator('.quick-input-widget .quick-input-message').textContent().catch(() => '')) ?? '').trim();
}

/** The devices webview (side bar) frame, once it lists devices. */
export function devicesFrame(vs: VsCodeInstance): Promise<Frame> {
  return vs.webviewFrame('ul.device-list', 30_000);
}

export async function deviceNames(frame: Frame): Promise<string[]> {
  return frame.locator('ul.device-list li.device .device-name strong').allTextContents().catch(() => []);
}
