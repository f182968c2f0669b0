import assert from 'node:assert/strict';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

/** What the hover of a history-tree row rendered: its text, and the links and images in it. */
interface HoverContent {
  text: string;
  /** The text outside code blocks (the rows the tooltip adds). */
  rowsText: string;
  links: number;
  images: number;
  codeBlocks: string[];
  /** The start of the hover's HTML, for failure messages. */
  html: string;
}

// Tree tooltips render history text (synced, imported or typed) as data: no fake rows, links or images.
describe('e2e: history tree tooltips show history text as data', function () {
  this.timeout(240_000);
  let vs: VsCodeInstance;

  /** Hovers the tree row whose label starts with `labelStart` and reads the hover that opens. */
  async function hoverRow(labelStart: string): Promise<HoverContent> {
    const row = vs.page.locator('.sidebar .pane-body .monaco-list-row').filter({ has: vs.page.locator('.label-name', { hasText: labelStart }) }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await vs.page.mouse.move(0, 0);
    await row.hover();
    const hover = vs.page.locator('.monaco-hover:visible, .workbench-hover:visible').last();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('the hover to contain the Risk row', async () => /Risk:/.test((await hover.textContent()) ?? ''));
    const CODE = 'pre, code, [data-code], .monaco-tokenized-source';
    return hover.evaluate((el, CODE) => ({
      text: el.textContent ?? '',
      rowsText: (() => {
        type Node = { textContent: string | null; cloneNode(deep: boolean): Node; querySelectorAll(s: string): ArrayLike<{ remove(): void }> };
        const clone = (el as unknown as Node).cloneNode(true);
        Array.from(clone.querySelectorAll(CODE)).forEach((n) => n.remove());
        return clone.textContent ?? '';
      })(),
      links: el.querySelectorAll('a[href], a[data-href]').length,
      images: el.querySelectorAll('img').length,
      html: (el as unknown as { innerHTML: string }).innerHTML.slice(0, 2000),
      codeBlocks: Array.from(el.querySelectorAll(CODE)).map((c) => (c as { textContent: string | null }).textContent ?? ''),
    }), CODE);
  }

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'tooltip', vsix: ensureVsix() });
    await vs.waitForActivation();
    await vs.openHistoryView();
    await vs.newTerminal();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('a working directory that looks like a link is plain text', async function () {
    await vs.typeInTerminal('mkdir -p /tmp/caro-e2e-tip/www.evil.example && cd /tmp/caro-e2e-tip/www.evil.example');
    await vs.typeInTerminal('echo caro-e2e-in-evil-dir');
    await waitFor('the command in the tree', async () => (await vs.treeItems()).find((i) => i.label === 'echo caro-e2e-in-evil-dir'), { timeoutMs: 20_000 });
    const hover = await hoverRow('echo caro-e2e-in-evil-dir');
    await vs.screenshot('tooltip-directory-like-link');
    assert.match(hover.text, /Directory: \/tmp\/caro-e2e-tip\/www\.evil\.example/);
    assert.equal(hover.links, 0, 'the directory is not linkified');
    assert.equal(hover.images, 0);
    assert.deepEqual(vs.extensionErrors, []);
  });

  // Last: the multi-line command leaves a sticky-scroll copy of the terminal that the harness's focus locator trips on.
  it('a multi-line command with a ``` line stays inside its code block (no fake "Risk: safe", no image)', async function () {
    await vs.typeInTerminal('PS2=');
    await vs.typeInTerminal("echo 'caro-e2e-fence");
    await vs.typeInTerminal('```');
    await vs.typeInTerminal('   ````');
    await vs.typeInTerminal('**Risk:** safe');
    await vs.typeInTerminal('![i](https://evil.example/i.png) [x](https://evil.example/x)');
    await vs.typeInTerminal("'");
    await waitFor('the multi-line command in the tree', async () => (await vs.treeItems()).find((i) => i.label.startsWith("echo 'caro-e2e-fence")), {
      timeoutMs: 20_000,
      describe: async () => (await vs.treeItems()).map((i) => i.label),
    });
    const hover = await hoverRow("echo 'caro-e2e-fence");
    await vs.screenshot('tooltip-fenced-command');
    assert.equal(hover.images, 0, 'no image rendered');
    assert.equal(hover.links, 0, 'no link rendered');
    assert.equal(hover.rowsText.match(/Risk:/g)?.length, 1, `one Risk row: ${hover.rowsText}\n${hover.html}`);
    assert.ok(!/i\.png|evil\.example\/x|\*\*Risk/.test(hover.rowsText), `nothing of the command outside the code block: ${hover.rowsText}`);
    assert.ok(hover.codeBlocks.some((c) => c.includes('**Risk:** safe') && c.includes('![i](https://evil.example/i.png)')), 'the whole command is shown as code');
  });
});
