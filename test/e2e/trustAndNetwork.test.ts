import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { inetSocketsOf, type InetSocket } from './harness/procSockets';
import { VsCodeInstance } from './harness/vscodeInstance';
import { ensureVsix } from './harness/vsix';
import { waitFor } from './harness/waitFor';

// Workspace Trust (capabilities.untrustedWorkspaces: limited) and "no network while sync is off", in a real VS Code
// with the packaged extension. The folder opens in Restricted Mode. VS Code 1.139 asks for trust before it starts any
// terminal there, so capture (and with it the restricted capture settings) cannot run untrusted: what is tested is
// activation, import, the views, and Run asking before anything reaches VS Code.
describe('e2e trust + network: untrusted workspace, and no socket while sync is off', function () {
  this.timeout(300_000);
  let vs: VsCodeInstance;
  let relayStandIn: Server;
  let relayConnections = 0;
  let relayPort = 0;

  before(async function () {
    // A listener where the relay would be: with sync off, nothing may ever connect to it.
    relayStandIn = createServer((s) => {
      relayConnections++;
      s.destroy();
    });
    await new Promise<void>((r) => relayStandIn.listen(0, '127.0.0.1', r));
    relayPort = (relayStandIn.address() as { port: number }).port;
    vs = await VsCodeInstance.launch({
      name: 'trust',
      vsix: ensureVsix(),
      workspaceTrust: true,
      settings: { 'caroHistory.syncServerUrl': `ws://127.0.0.1:${relayPort}` },
      workspaceFiles: {
        'bash_history': 'chmod 777 caro-trust-file\necho caro-trust-safe\n',
        'caro-trust-file': 'x\n',
      },
    });
    await vs.waitForActivation();
    await vs.openHistoryView();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await vs?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await vs?.stop();
    await new Promise((r) => relayStandIn?.close(r));
  });

  it('runs in Restricted Mode: activates, shows its views, imports history', async function () {
    await waitFor('the Restricted Mode indicator', async () =>
      (await vs.page.locator('#workbench\\.parts\\.statusbar').innerText()).includes('Restricted Mode') ? true : undefined,
    );
    assert.match(await vs.statusBarText(), /Caro: sync off/);
    await vs.runCommand('Caro History: Import History…');
    await vs.pickFileInDialog(`${vs.workspaceDir}/bash_history`);
    await waitFor('the imported commands in the tree', async () => {
      const labels = (await vs.treeItems()).map((i) => i.label);
      return labels.includes('chmod 777 caro-trust-file') && labels.includes('echo caro-trust-safe') ? true : undefined;
    }, { describe: async () => ({ tree: await vs.treeItems(), notes: await vs.notifications() }) });
    await vs.screenshot('untrusted-imported');
    assert.deepEqual(vs.extensionErrors, []);
  });

  it('Run from history asks first for a command that is not rated safe; dismissed, no terminal is even created', async function () {
    await vs.treeRowAction('chmod 777 caro-trust-file', 'Run');
    // Modal, so the command and its warnings are plain text (never Markdown in a notification).
    const text = await waitFor('the confirmation', async () => {
      const t = await vs.dialogText();
      return t && /Run this moderate-risk command\?/.test(t) ? t : undefined;
    }, { describe: async () => ({ dialog: await vs.dialogText(), notes: await vs.notifications() }) });
    assert.match(text, /readable and writable by everyone/);
    assert.match(text, /chmod 777 caro-trust-file/);
    await vs.screenshot('untrusted-run-asks');
    await vs.clickDialogButton('Cancel');
    assert.equal(await vs.page.locator('.terminal-wrapper').count(), 0, 'no terminal was created for the dismissed run');
    assert.equal(await vs.page.locator('.monaco-dialog-box').count(), 0, 'VS Code was not even asked to start a shell');

    // A safe command is not asked about by Caro; VS Code's own trust prompt then guards the terminal.
    await vs.treeRowAction('echo caro-trust-safe', 'Run');
    const dialog = await waitFor('VS Code\'s trust prompt for the terminal', async () => {
      const d = vs.page.locator('.monaco-dialog-box');
      return (await d.count()) > 0 ? ((await d.innerText()) ?? '') : undefined;
    });
    assert.match(dialog, /trust the authors/i);
    assert.equal((await vs.notifications()).some((t) => /Run this .*-risk command/.test(t) && /echo/.test(t)), false);
    await vs.screenshot('untrusted-safe-run-vscode-trust-prompt');
    await vs.clickDialogButton('Cancel');
  });

  it('with sync off, the whole extension host holds no network socket and nothing reaches the relay address', async function () {
    const pid = vs.extensionHostPid();
    assert.ok(pid, 'the extension host process was found');
    // Exercise the extension: store, search index, both views, the history panel.
    await vs.runCommand('Caro History: Open History Panel');
    await vs.webviewFrame('[role=grid][aria-label="Command history"]', 60_000);
    const samples: InetSocket[][] = [];
    for (let i = 0; i < 20; i++) {
      samples.push(inetSocketsOf(pid));
      await vs.page.waitForTimeout(100);
    }
    // The workbench itself talks to the extension host over a socket code-server accepted on its own port: that one
    // proves the reader sees this process's sockets. Anything else is network use by extension-host code.
    const toServer = samples.flat().filter((s) => s.localPort === vs.port || s.remotePort === vs.port);
    const other = samples.flat().filter((s) => !(s.localPort === vs.port || s.remotePort === vs.port));
    assert.equal(vs.state()?.syncState, 'off');
    assert.ok(toServer.length > 0, 'the reader found the workbench connection of this extension host');
    assert.deepEqual(other, [], 'no other TCP/UDP socket in the extension host');
    assert.equal(relayConnections, 0, 'nothing connected to the relay address');
  });
});
