import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// README claims fish capture: prove it in a real VS Code with VS Code's own fish shell integration (fish 3.x).
describe('e2e fish: capture from a real fish terminal', function () {
  this.timeout(240_000);
  let vs: VsCodeInstance;

  const inTree = (command: string) =>
    waitFor(`"${command}" in the history tree`, async () => (await vs.treeItems()).find((i) => i.label === command), {
      timeoutMs: 20_000,
      describe: async () => ({ tree: (await vs.treeItems()).map((i) => i.label), last: vs.state()?.lastExecution }),
    });

  before(async function () {
    vs = await VsCodeInstance.launch({
      name: 'fish',
      vsix: ensureVsix(),
      settings: { 'terminal.integrated.profiles.linux': { zsh: { path: 'zsh' }, fish: { path: 'fish' } } },
    });
    // A prompt ending in "$ " (what the harness waits for), no greeting, no history file of the test user's.
    const conf = join(vs.homeDir, '.config', 'fish');
    mkdirSync(conf, { recursive: true });
    writeFileSync(
      join(conf, 'config.fish'),
      ["set -g fish_greeting ''", "function fish_prompt; echo -n (prompt_pwd)' $ '; end", 'set -g fish_history caro_e2e', ''].join('\n'),
    );
    await vs.waitForActivation();
    await vs.openHistoryView();
    await vs.newTerminal('fish');
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
  });

  it('stores a command typed in fish, as fish, with its exit status', async function () {
    await vs.typeInTerminal('echo caro-fish-hello');
    const item = await inTree('echo caro-fish-hello');
    assert.equal(item.icon, 'pass');
    const s = vs.state();
    assert.equal(s?.lastExecution?.shell, 'fish');
    assert.equal(s?.lastCaptured?.exitCode, 0);
    await vs.screenshot('fish-captured');
  });

  it('marks a failing fish command as failed with its exit code', async function () {
    await vs.typeInTerminal('ls /caro-fish-does-not-exist');
    const item = await inTree('ls /caro-fish-does-not-exist');
    assert.equal(item.icon, 'error');
    assert.match(item.description, /✗ exit 2/);
  });

  it('does not store a fish command typed with a leading space', async function () {
    const before = vs.state();
    assert.ok(before);
    await vs.typeInTerminal(' echo caro-fish-private');
    const after = await vs.waitForState('the leading-space line seen', (s) => s.capturedCount >= before.capturedCount + 1);
    assert.equal(after.storedCount, before.storedCount, 'nothing new stored');
    assert.equal(after.lastCaptured?.reason, 'leadingSpace');
    await vs.typeInTerminal('echo caro-fish-public');
    await inTree('echo caro-fish-public');
    assert.equal((await vs.treeItems()).find((i) => i.label.includes('caro-fish-private')), undefined);
    await vs.screenshot('fish-leading-space');
  });
});
