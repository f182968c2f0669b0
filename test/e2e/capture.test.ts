import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VsCodeInstance, type TreeItem } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

/** Every file under `dir` as one latin1 string (the store on disk, for "is this plaintext anywhere?" checks). */
function filesUnder(dir: string): string {
  let all = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    all += statSync(p).isDirectory() ? filesUnder(p) : readFileSync(p).toString('latin1');
  }
  return all;
}

// Scenario 2 (issue 7 §3): commands typed in a real bash terminal are captured through shell integration.
describe('e2e 2: capture from a real bash terminal', function () {
  this.timeout(240_000);
  let vs: VsCodeInstance;
  const SECRET = 'wJalrXUtnFEMI7K7MDENGbPxRfiCYz9e2EXAMPLEKEY';

  const entry = (items: TreeItem[], command: string) => items.find((i) => i.label === command);
  async function waitForEntry(command: string): Promise<TreeItem> {
    return waitFor(`"${command}" in the history tree`, async () => entry(await vs.treeItems(), command), {
      timeoutMs: 15_000,
      describe: async () => (await vs.treeItems()).map((i) => `${i.label} | ${i.description}`),
    });
  }
  /** Waits until the extension has seen `n` shell executions in total (stored or not). */
  function waitForCaptured(n: number) {
    return vs.waitForState(`${n} shell executions seen`, (s) => s.capturedCount >= n);
  }

  before(async function () {
    vs = await VsCodeInstance.launch({ name: 'capture', vsix: ensureVsix() });
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

  it('stores a command typed in the terminal and shows it in the tree with its exit status', async function () {
    await vs.typeInTerminal('echo caro-e2e-hello');
    const item = await waitForEntry('echo caro-e2e-hello');
    assert.match(item.ariaLabel, /succeeded/);
    assert.match(item.description, /✓/);
    assert.equal(item.icon, 'pass', 'the icon shows the exit status');
    const s = vs.state();
    assert.equal(s?.lastCaptured?.command, 'echo caro-e2e-hello');
    assert.equal(s?.lastCaptured?.exitCode, 0);
    await vs.screenshot('captured-first-command');
  });

  it('marks a failing command as failed', async function () {
    await vs.typeInTerminal('ls /caro-e2e-does-not-exist');
    const item = await waitForEntry('ls /caro-e2e-does-not-exist');
    assert.match(item.ariaLabel, /failed with exit code 2/);
    assert.match(item.description, /✗ exit 2/);
    assert.equal(item.icon, 'error', 'a failed (safe) command shows the error icon, not a green check');
    assert.doesNotMatch(item.description, /⚠/, 'no risk text for a safe command');
  });

  it('stores a secret-bearing command redacted, and the secret is nowhere on disk', async function () {
    await vs.typeInTerminal(`export AWS_SECRET_ACCESS_KEY=${SECRET}`);
    const item = await waitFor('the redacted export in the tree', async () =>
      (await vs.treeItems()).find((i) => i.label.startsWith('export AWS_SECRET_ACCESS_KEY=')),
    );
    assert.match(item.label, /\[REDACTED:[^\]]+\]/);
    assert.ok(!item.label.includes(SECRET) && !item.ariaLabel.includes(SECRET), 'the tree must not show the secret');
    assert.ok(!JSON.stringify(vs.state()).includes(SECRET), 'the test-hook state must not contain the secret');
    assert.ok(!filesUnder(vs.storeDir).includes(SECRET), 'the store on disk must not contain the secret');
    assert.ok(!filesUnder(vs.storeDir).includes('caro-e2e-hello'), 'commands are encrypted at rest');
    await vs.screenshot('redacted-secret');
  });

  it('stores nothing while recording is paused, and records again after resume', async function () {
    await vs.runCommand('Caro History: Pause Recording');
    await waitFor('"recording paused" in the status bar', async () => /recording paused/i.test(await vs.statusBarText()));
    const paused = await vs.waitForState('recording paused', (s) => s.recordingPaused);
    await vs.typeInTerminal('echo caro-e2e-while-paused');
    const seen = await waitForCaptured(paused.capturedCount + 1);
    assert.equal(seen.storedCount, paused.storedCount, 'nothing stored while paused');
    await vs.screenshot('recording-paused');

    await vs.runCommand('Caro History: Resume Recording');
    await vs.waitForState('recording resumed', (s) => !s.recordingPaused);
    await vs.typeInTerminal('echo caro-e2e-after-resume');
    await waitForEntry('echo caro-e2e-after-resume');
    assert.equal(entry(await vs.treeItems(), 'echo caro-e2e-while-paused'), undefined);
    await vs.screenshot('after-resume');
    assert.deepEqual(vs.extensionErrors, []);
  });
  it('does not store a line cancelled with Ctrl+C at the prompt', async function () {
    const before = vs.state();
    assert.ok(before);
    await vs.typeInTerminal('echo caro-e2e-cancelled', { enter: false });
    await vs.page.keyboard.press('Control+c');
    // VS Code reports the cancelled line as an execution ("echo caro-e2e-cancelled^C", no exit code) or as an empty
    // one, depending on timing. Either way nothing is stored: run a marker and check only the marker was stored.
    await waitFor('a fresh prompt after ^C', async () => /\^C\s*\n.*\$$/.test(await vs.readTerminal()), {
      describe: () => vs.readTerminal(),
    });
    await vs.typeInTerminal('echo caro-e2e-after-cancel');
    await waitForEntry('echo caro-e2e-after-cancel');
    const after = vs.state();
    assert.equal(after?.storedCount, before.storedCount + 1, 'only the marker was stored');
    const items = await vs.treeItems();
    assert.equal(items.find((i) => i.label.includes('caro-e2e-cancelled')), undefined, 'the cancelled line is not in the tree');
    await vs.screenshot('after-cancelled-line');
  });

  it('does not store a command typed with a leading space (zsh terminal)', async function () {
    // bash's integration may report the line with the space removed (docs/extension.md): zsh reports it as typed.
    await vs.newTerminal('zsh');
    const before = vs.state();
    assert.ok(before);
    await vs.typeInTerminal(' echo caro-e2e-private');
    const after = await waitForCaptured(before.capturedCount + 1);
    assert.equal(after.lastExecution?.shell, 'zsh');
    assert.equal(after.lastExecution?.leadingSpace, true, 'zsh reported the leading space');
    assert.equal(after.storedCount, before.storedCount, 'nothing new stored');
    assert.equal(after.lastCaptured?.reason, 'leadingSpace');
    await vs.typeInTerminal('echo caro-e2e-zsh-public');
    const item = await waitForEntry('echo caro-e2e-zsh-public');
    assert.equal(item.icon, 'pass');
    assert.equal(entry(await vs.treeItems(), 'echo caro-e2e-private'), undefined);
    assert.equal(vs.state()?.lastExecution?.shell, 'zsh');
    await vs.screenshot('zsh-leading-space');
  });
});
