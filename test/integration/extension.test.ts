import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePhrase } from '../../src/core/crypto/phrase';
import { SecretKey } from '../../src/core/crypto/secretKey';
import { configurationContribution } from '../../src/core/settings/settings';
import { classifyRisk } from '../../src/core/safety/risk';
import { COMMANDS, COMMAND_CATEGORY, CommandId } from '../../src/extension/commands/commandIds';
import { DB_FILE_NAME } from '../../src/extension/services';
import { ShellCapture } from '../../src/extension/terminal/shellCapture';
import { Notifier } from '../../src/extension/notifier';
import { SearchQuickPick } from '../../src/extension/views/searchQuickPick';
import type { EntryNode } from '../../src/extension/views/historyTree';
import {
  type Harness,
  REPO_ROOT,
  renderTree,
  startExtension,
  stopExtension,
  waitFor,
  waitForEntry,
} from './extensionHarness';
import { FakeInputBox, type FakeQuickPick, MemoryMemento, type QuickPickItemLike, TerminalShellExecutionCommandLineConfidence, Uri, shim } from './vscodeShim/vscode';

interface Manifest {
  activationEvents: string[];
  main: string;
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: unknown;
    keybindings: { command: string; key: string; mac?: string; when: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string; title: string }[] };
    viewsWelcome: { view: string; contents: string; when: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest (package.json) against the code', () => {
  it('lists exactly the commands of commandIds.ts, with their titles, under the "Caro History" category', () => {
    const fromManifest = manifest.contributes.commands.map((c) => `${c.command}|${c.title}|${c.category}`).sort();
    const fromCode = COMMANDS.map((c) => `${c.id}|${c.title}|${COMMAND_CATEGORY}`).sort();
    assert.deepEqual(fromManifest, fromCode);
    assert.equal(new Set(COMMANDS.map((c) => c.id)).size, COMMANDS.length, 'command ids are unique');
  });

  it('contributes the settings generated from the core SETTINGS table', () => {
    assert.deepEqual(manifest.contributes.configuration, configurationContribution());
  });

  it('hides argument-only commands from the palette and binds Ctrl+R / Cmd+R in a focused terminal', () => {
    const hidden = manifest.contributes.menus['commandPalette']!.filter((m) => m.when === 'false').map((m) => m.command);
    assert.deepEqual(hidden.sort(), COMMANDS.filter((c) => !c.palette).map((c) => c.id).sort());
    const kb = manifest.contributes.keybindings.find((k) => k.command === CommandId.searchFromTerminal);
    assert.deepEqual(kb && { key: kb.key, mac: kb.mac, when: kb.when }, { key: 'ctrl+r', mac: 'cmd+r', when: 'terminalFocus' });
  });

  it('declares the activity-bar container with the history tree and the devices webview, and an empty-state welcome', () => {
    assert.equal(manifest.contributes.viewsContainers.activitybar[0]?.title, 'Caro History');
    assert.deepEqual(manifest.contributes.views['caroHistory']!.map((v) => v.id), ['caroHistory.history', 'caroHistory.devices']);
    const welcome = manifest.contributes.viewsWelcome.find((w) => w.when.startsWith('caroHistory.empty && !caroHistory.filtered'));
    assert.match(welcome?.contents ?? '', /Run any command in an integrated terminal/);
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  });
});

describe('extension activation and commands (real core, real store on disk, vscode shim)', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  let stateFile = '';

  beforeEach(() => {
    stateFile = join(tmpdir(), `caro-state-${process.pid}-${Date.now()}.json`);
    process.env['CARO_HISTORY_TEST_HOOKS'] = '1';
    process.env['CARO_HISTORY_TEST_STATE'] = stateFile;
  });

  afterEach(async () => {
    await stopExtension(h);
    h = undefined;
    delete process.env['CARO_HISTORY_TEST_HOOKS'];
    delete process.env['CARO_HISTORY_TEST_STATE'];
    rmSync(stateFile, { force: true });
  });

  async function captured(count: number): Promise<void> {
    await waitFor(() => (h!.api.hooks!.current.capturedCount >= count ? true : undefined), `${count} capture(s)`);
  }

  it('registers every package.json command, shows the status bar, and opens no store at activation', async () => {
    h = await startExtension();
    for (const c of manifest.contributes.commands) assert.ok(shim.commands.has(c.command), `${c.command} registered`);
    assert.ok(shim.treeViews.has('caroHistory.history'));
    assert.ok(shim.webviewViewProviders.has('caroHistory.devices'), 'devices view registered by the webview host');
    const item = shim.statusBarItem('caroHistory.status');
    assert.equal(item?.text, '$(cloud) Caro: sync off');
    assert.equal(item?.command, CommandId.syncStatus);
    assert.equal(existsSync(join(h.storageDir, DB_FILE_NAME)), false, 'the store is opened lazily, not at activation');
    assert.equal(h.api.services.openedHistory, undefined);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { activated: boolean; activateMs: number; statusBarText: string };
    assert.equal(state.activated, true);
    assert.ok(state.activateMs > 0);
    assert.equal(state.statusBarText, '$(cloud) Caro: sync off');
  });

  it('stores a terminal command encrypted on disk and shows it in the tree with its exit status', async () => {
    h = await startExtension();
    const t = shim.openTerminal('bash', { shellPath: '/bin/bash' });
    const marker = 'echo caro-marker-71f3a9';
    shim.runInTerminal(t, marker, { exitCode: 0, cwd: h.workspaceDir });
    shim.runInTerminal(t, 'ls /definitely-missing', { exitCode: 2, cwd: h.workspaceDir });
    const entry = await waitForEntry(h, marker);
    await waitForEntry(h, 'ls /definitely-missing');
    assert.equal(entry.exitCode, 0);
    assert.equal(entry.workingDir, h.workspaceDir);
    assert.equal(entry.workspace, 'demo');
    assert.equal(entry.shell, 'bash');
    assert.ok(entry.sessionId?.startsWith('bash#'));

    const bytes = readFileSync(join(h.storageDir, DB_FILE_NAME));
    assert.equal(bytes.includes(Buffer.from('caro-marker-71f3a9')), false, 'command text is encrypted at rest');

    const view = await renderTree(h);
    assert.deepEqual(view.groups, ['Today (2)']);
    const labels = view.entries.map((e) => e.label);
    assert.deepEqual(labels, ['ls /definitely-missing', marker], 'newest first');
    assert.match(view.entries[0]!.description, /^✗ exit 2 · just now · this device$/);
    assert.match(view.entries[1]!.description, /^✓ · just now · this device$/);
    const item = h.api.tree.getTreeItem(view.entries[1]!.node);
    assert.equal(item.contextValue, 'caroHistory.entry');
    assert.match(String((item.tooltip as { value: string }).value), /echo caro-marker-71f3a9/);
    const icon = item.iconPath as { id: string; color?: { id: string } };
    assert.deepEqual([icon.id, icon.color?.id], ['pass', 'testing.iconPassed']);
    const failedIcon = h.api.tree.getTreeItem(view.entries[0]!.node).iconPath as { id: string; color?: { id: string } };
    assert.deepEqual([failedIcon.id, failedIcon.color?.id], ['error', 'testing.iconFailed'], 'a failed safe command is not green');
    await waitFor(() => (h!.api.hooks!.current.treeTopItems.includes(marker) ? true : undefined), 'tree top items in the test hook');
  });

  it('tree icons show the exit status; risk is text in the description (moderate and up) with warnings in the tooltip', async () => {
    h = await startExtension();
    const t = shim.openTerminal('bash', { shellPath: '/bin/bash' });
    shim.runInTerminal(t, 'git push --force origin main', { exitCode: 1 });
    shim.runInTerminal(t, 'chmod 777 file', { exitCode: 0 });
    shim.runInTerminal(t, 'echo no-exit-code', {});
    await waitForEntry(h, 'git push --force origin main');
    await waitForEntry(h, 'chmod 777 file');
    const unknown = await waitForEntry(h, 'echo no-exit-code');
    assert.equal(unknown.exitCode, undefined, 'a genuine command without an exit code is kept');
    const view = await renderTree(h);
    const item = (label: string) => {
      const e = view.entries.find((x) => x.label === label);
      assert.ok(e, label);
      return h!.api.tree.getTreeItem(e.node);
    };
    const iconOf = (label: string) => {
      const i = item(label).iconPath as { id: string; color?: { id: string } };
      return [i.id, i.color?.id];
    };
    const rm = item('git push --force origin main');
    assert.deepEqual(iconOf('git push --force origin main'), ['error', 'testing.iconFailed']);
    assert.match(String(rm.description), /^✗ exit 1 · ⚠ high · just now · this device$/);
    const tooltip = String((rm.tooltip as { value: string }).value);
    const rmEntry = await waitForEntry(h, 'git push --force origin main');
    assert.ok(rmEntry.warnings.length > 0);
    const plain = tooltip.replace(/\\/g, '');
    for (const w of rmEntry.warnings) assert.ok(plain.includes(`**Warning:** ${w}`), `tooltip lists "${w}": ${plain}`);
    assert.deepEqual(iconOf('chmod 777 file'), ['pass', 'testing.iconPassed']);
    assert.match(String(item('chmod 777 file').description), /^✓ · ⚠ moderate · just now/);
    assert.deepEqual(iconOf('echo no-exit-code'), ['circle-outline', undefined]);
    assert.match(String(item('echo no-exit-code').description), /^just now · this device$/, 'no risk text for safe commands');
  });

  it('does not store a line cancelled with Ctrl+C at the prompt (as VS Code reports it: "…^C", no exit code)', async () => {
    h = await startExtension();
    const t = shim.openTerminal('bash', { shellPath: '/bin/bash' });
    shim.runInTerminal(t, 'echo typed-then-cancelled^C', {});
    await captured(1);
    assert.equal(h.api.hooks!.current.lastCaptured?.reason, 'cancelled');
    assert.equal(h.api.hooks!.current.lastExecution?.cancelled, true);
    // Interrupted while running (exit 130) and literal "^C" that ran (exit 0) are real commands: kept.
    shim.runInTerminal(t, 'sleep 30', { exitCode: 130 });
    shim.runInTerminal(t, 'echo ^C', { exitCode: 0 });
    await waitForEntry(h, 'sleep 30');
    await waitForEntry(h, 'echo ^C');
    const all = await (await h.api.services.history()).latest(10);
    assert.deepEqual(all.map((e) => e.command).sort(), ['echo ^C', 'sleep 30']);
  });

  it('stores secrets redacted, skips leading-space commands, and never logs the secret', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9aB3kLm2';
    shim.runInTerminal(t, `export AWS_SECRET_ACCESS_KEY=${secret}`, { exitCode: 0 });
    shim.runInTerminal(t, ' echo hidden-by-leading-space', { exitCode: 0 });
    await captured(2);
    const history = await h.api.services.history();
    const all = await history.latest(10);
    assert.equal(all.length, 1);
    assert.match(all[0]!.command, /^export AWS_SECRET_ACCESS_KEY=\[REDACTED:[^\]]+\]$/);
    assert.equal(h.api.hooks!.current.lastCaptured?.reason, 'leadingSpace');
    const log = shim.outputChannels.flatMap((c) => c.lines).join('\n');
    assert.equal(log.includes(secret), false);
    assert.equal(readFileSync(join(h.storageDir, DB_FILE_NAME)).includes(Buffer.from(secret)), false);
  });

  it('the log channel itself redacts secrets, recovery phrases and key material at every level (last line of defence)', async () => {
    h = await startExtension();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9aB3kLm2';
    const phrase = generatePhrase();
    const vaultKey = SecretKey.random().toVaultString();
    const leaks = [`export AWS_SECRET_ACCESS_KEY=${secret}`, `restore with ${phrase}`, `key ${vaultKey}`];
    const logger = h.api.services.logger;
    const channel = shim.outputChannels.find((c) => c.name === 'Caro History')!;
    const before = channel.lines.length;
    for (const text of leaks) {
      logger.trace(text);
      logger.info(text);
      logger.warn(text);
      logger.error(text);
      logger.error('could not import', new Error(text));
    }
    const logged = channel.lines.slice(before);
    assert.equal(logged.length, leaks.length * 5, 'every call reached the channel');
    for (const line of logged) assert.match(line, /\[REDACTED:[a-z-]+\]/, `not redacted: ${line}`);
    const all = logged.join('\n');
    for (const raw of [secret, phrase, vaultKey, phrase.split(' ').slice(0, 8).join(' ')]) {
      assert.equal(all.includes(raw), false, `raw secret in the log: ${raw.slice(0, 12)}…`);
    }
  });

  it('Insert puts the command on the prompt without running it (sendText(cmd, false))', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'git status', { exitCode: 0 });
    await waitForEntry(h, 'git status');
    const { entries } = await renderTree(h);
    await shim.executeCommand(CommandId.insert, entries[0]!.node);
    assert.deepEqual(t.sent.at(-1), { text: 'git status', addNewLine: false });
  });

  it('Run of a critical command asks with a modal and does not run on cancel; runs after "Run Anyway"', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    const cmd = 'rm -rf /';
    assert.equal(classifyRisk(cmd).level, 'critical');
    shim.runInTerminal(t, cmd, { exitCode: 1 });
    await waitForEntry(h, cmd);
    const { entries } = await renderTree(h);
    const node = entries[0]!.node as EntryNode;
    assert.equal(node.entry.riskLevel, 'critical');
    const before = t.sent.length;
    shim.onMessage = () => undefined; // Cancel
    await shim.executeCommand(CommandId.run, node);
    const modal = shim.messages.at(-1)!;
    assert.equal(modal.modal, true);
    assert.match(modal.text, /critical-risk/);
    assert.ok((modal.detail ?? '').length > cmd.length, 'the modal names the warnings');
    assert.equal(t.sent.length, before, 'nothing sent after cancel');
    shim.onMessage = (m) => (m.modal ? 'Run Anyway' : undefined);
    await shim.executeCommand(CommandId.run, node);
    assert.deepEqual(t.sent.at(-1), { text: cmd, addNewLine: true });
  });

  it('applies safetyMode live: a high-risk Run asks (modal, naming command and warnings) in moderate, not in permissive', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    const cmd = 'git push --force origin main';
    const risk = classifyRisk(cmd);
    assert.equal(risk.level, 'high', 'fixture command is high risk');
    shim.runInTerminal(t, cmd, { exitCode: 0 });
    const entry = await waitForEntry(h, cmd);
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.run, entry);
    const ask = shim.messages.at(-1)!;
    assert.equal(ask.modal, true);
    assert.ok(risk.warnings.every((w) => ask.detail?.includes(w)) && ask.detail?.includes(cmd), 'names the command and risks');
    assert.equal(t.sent.length, 0);
    shim.setConfig('caroHistory.safetyMode', 'permissive');
    const asked = shim.messages.length;
    await shim.executeCommand(CommandId.run, entry);
    assert.equal(shim.messages.length, asked, 'no confirmation in permissive mode for high risk');
    assert.deepEqual(t.sent.at(-1), { text: cmd, addNewLine: true });
  });

  it('in an untrusted workspace, Run asks before any command that is not rated safe', async () => {
    h = await startExtension(() => {
      shim.isTrusted = false;
    });
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'chmod 777 file', { exitCode: 0 });
    shim.runInTerminal(t, 'echo safe', { exitCode: 0 });
    const moderate = await waitForEntry(h, 'chmod 777 file');
    const safe = await waitForEntry(h, 'echo safe');
    assert.equal(moderate.riskLevel, 'moderate');
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.run, moderate);
    assert.match(shim.messages.at(-1)?.text ?? '', /moderate-risk command\?/);
    assert.match(shim.messages.at(-1)?.detail ?? '', /chmod 777 file[^]*Makes files readable and writable by everyone/);
    assert.equal(t.sent.length, 0, 'not run without confirmation');
    const asked = shim.messages.length;
    await shim.executeCommand(CommandId.run, safe);
    assert.equal(shim.messages.length, asked, 'a safe command runs without asking');
    assert.deepEqual(t.sent.at(-1), { text: 'echo safe', addNewLine: true });
  });

  it('an unreadable history file is moved aside (kept), a fresh store starts and the user is told where it went', async () => {
    h = await startExtension();
    mkdirSync(h.storageDir, { recursive: true });
    writeFileSync(join(h.storageDir, DB_FILE_NAME), 'this is not a database '.repeat(200));
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'echo after-recovery', { exitCode: 0 });
    await waitForEntry(h, 'echo after-recovery');
    const notice = shim.messages.find((m) => m.text.includes('could not read its history file'));
    assert.ok(notice, 'the user is told');
    const moved = /kept as (\S+):/.exec(notice.text)?.[1] ?? '';
    assert.match(moved, /history\.db\.corrupt-/);
    assert.equal(readFileSync(moved, 'utf8').startsWith('this is not a database'), true, 'old file kept untouched');
  });

  it('a store that cannot open is reported once with what to do, not once per command', async () => {
    h = await startExtension();
    // A folder where the database file should be: opening fails every time.
    mkdirSync(join(h.storageDir, DB_FILE_NAME), { recursive: true });
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'echo one', { exitCode: 0 });
    shim.runInTerminal(t, 'echo two', { exitCode: 0 });
    shim.runInTerminal(t, 'echo three', { exitCode: 0 });
    await captured(3);
    const errors = shim.messages.filter((m) => m.severity === 'error');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.deepEqual(errors[0]!.items, ['Show Log']);
    assert.ok(errors[0]!.text.length > 20);
  });

  it('Pause Recording stores nothing (without even opening the store) and Resume records again', async () => {
    h = await startExtension();
    await shim.executeCommand(CommandId.pauseRecording);
    assert.equal(shim.statusBarItem('caroHistory.status')?.text, '$(circle-slash) Caro: recording paused');
    assert.equal(shim.context.get('caroHistory.recordingPaused'), true);
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'echo while-paused', { exitCode: 0 });
    await captured(1);
    assert.equal(h.api.hooks!.current.lastCaptured?.reason, 'paused');
    assert.equal(existsSync(join(h.storageDir, DB_FILE_NAME)), false);
    await shim.executeCommand(CommandId.resumeRecording);
    shim.runInTerminal(t, 'echo after-resume', { exitCode: 0 });
    await waitForEntry(h, 'echo after-resume');
    const history = await h.api.services.history();
    assert.deepEqual((await history.latest(10)).map((e) => e.command), ['echo after-resume']);
    assert.equal(shim.statusBarItem('caroHistory.status')?.text, '$(cloud) Caro: sync off');
  });

  it('applies capture settings live (captureEnabled, lowConfidenceCommands) and warns about invalid values', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    shim.setConfig('caroHistory.captureEnabled', false);
    shim.runInTerminal(t, 'echo not-recorded', { exitCode: 0 });
    await captured(1);
    assert.equal(h.api.hooks!.current.lastCaptured?.reason, 'disabled');
    shim.setConfig('caroHistory.captureEnabled', true);
    shim.runInTerminal(t, 'echo guessed', { exitCode: 0, confidence: TerminalShellExecutionCommandLineConfidence.Low });
    const flagged = await waitForEntry(h, 'echo guessed');
    assert.equal(flagged.lowConfidence, true);
    const { entries } = await renderTree(h);
    assert.match(entries[0]!.description, /uncertain/);
    shim.setConfig('caroHistory.lowConfidenceCommands', 'skip');
    shim.runInTerminal(t, 'echo guessed-again', { exitCode: 0, confidence: TerminalShellExecutionCommandLineConfidence.Low });
    await captured(3);
    assert.equal(h.api.hooks!.current.lastCaptured?.stored, false);
    shim.setConfig('caroHistory.retentionDays', 5);
    const warning = shim.messages.find((m) => m.severity === 'warning' && m.text.includes('retentionDays'));
    assert.ok(warning, 'an out-of-range setting is reported');
    assert.deepEqual(warning.items, ['Open Settings']);
  });

  it('Search History filters live as you type (text and is:failed) and Enter inserts the pick', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'npm run build', { exitCode: 0 });
    shim.runInTerminal(t, 'npm test', { exitCode: 1 });
    shim.runInTerminal(t, 'docker ps', { exitCode: 0 });
    await waitForEntry(h, 'docker ps');
    await waitForEntry(h, 'npm test');
    await waitForEntry(h, 'npm run build');
    const done = shim.executeCommand(CommandId.searchFromTerminal);
    const qp = (await waitFor(() => SearchQuickPick.current, 'the quick pick')) as unknown as FakeQuickPick<QuickPickItemLike & { entry: { command: string } }>;
    await SearchQuickPick.lastQuery;
    assert.equal(qp.items.length, 3);
    qp.type('npm');
    await SearchQuickPick.lastQuery;
    assert.deepEqual(qp.items.map((i) => i.label).sort(), ['npm run build', 'npm test']);
    qp.type('npm is:failed');
    await SearchQuickPick.lastQuery;
    assert.deepEqual(qp.items.map((i) => i.label), ['npm test']);
    qp.pick(qp.items[0]!);
    await done;
    assert.deepEqual(t.sent.at(-1), { text: 'npm test', addNewLine: false });
  });

  it('Delete removes the entry from the tree; Clear History asks first and keeps everything on cancel', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'echo one', { exitCode: 0 });
    shim.runInTerminal(t, 'echo two', { exitCode: 0 });
    await waitForEntry(h, 'echo one');
    await waitForEntry(h, 'echo two');
    let view = await renderTree(h);
    const one = view.entries.find((e) => e.label === 'echo one')!;
    await shim.executeCommand(CommandId.delete, one.node);
    view = await renderTree(h);
    assert.deepEqual(view.entries.map((e) => e.label), ['echo two']);
    shim.onMessage = () => undefined;
    await shim.executeCommand(CommandId.clearHistory);
    assert.equal(shim.messages.at(-1)?.modal, true);
    assert.equal((await renderTree(h)).entries.length, 1);
    shim.onMessage = (m) => (m.modal ? 'Clear History' : undefined);
    await shim.executeCommand(CommandId.clearHistory);
    const empty = await renderTree(h);
    assert.deepEqual(empty.groups, []);
    assert.equal(shim.context.get('caroHistory.empty'), true, 'the welcome view (empty state) shows');
  });

  it('Export writes the spec JSON; Import reads it into a fresh store and imports a bash history file', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    shim.runInTerminal(t, 'make deploy', { exitCode: 0, cwd: h.workspaceDir });
    await waitForEntry(h, 'make deploy');
    const out = join(tmpdir(), `caro-export-${process.pid}-${Date.now()}.json`);
    shim.saveDialogAnswer = Uri.file(out);
    await shim.executeCommand(CommandId.exportHistory);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { exportVersion: string; commands: { command: string }[] };
    assert.equal(exported.exportVersion, '1.0');
    assert.deepEqual(exported.commands.map((c) => c.command), ['make deploy']);
    const original = (await (await h.api.services.history()).latest(10))[0]!;

    // A fresh store (new profile folder) imports the export: the command comes back with its directory and exit code.
    await stopExtension(h);
    h = await startExtension();
    assert.deepEqual(await (await h.api.services.history()).latest(10), [], 'the new store starts empty');
    try {
      await shim.executeCommand(CommandId.importHistory, out);
    } finally {
      rmSync(out, { force: true });
    }
    assert.match(shim.messages.at(-1)?.text ?? '', /^Imported 1 command from the /);
    const reimported = await (await h.api.services.history()).latest(10);
    assert.deepEqual(
      reimported.map((e) => [e.command, e.workingDir, e.exitCode]),
      [[original.command, original.workingDir, original.exitCode]],
    );

    const bash = join(h.dir, 'bash_history');
    writeFileSync(bash, 'ls -la\ncd /tmp\n');
    await shim.executeCommand(CommandId.importHistory, bash);
    assert.match(shim.messages.at(-1)?.text ?? '', /Imported 2 commands from the bash file/);
    const history = await h.api.services.history();
    const commands = (await history.latest(10)).map((e) => e.command);
    assert.ok(commands.includes('ls -la') && commands.includes('cd /tmp') && commands.includes('make deploy'));
    const bad = join(h.dir, 'bad.json');
    writeFileSync(bad, '{"exportVersion": "1.0", "commands": [ {');
    const before = (await history.latest(100)).length;
    await shim.executeCommand(CommandId.importHistory, bad);
    const err = shim.messages.at(-1)!;
    assert.equal(err.severity, 'error');
    assert.match(err.text, /JSON/);
    assert.equal((await history.latest(100)).length, before, 'a bad file imports nothing');
  });

  it('tells the user once per shell kind when shell integration does not start, with the fix', async () => {
    h = await startExtension();
    const memento = new MemoryMemento();
    const logger = { trace() {}, info() {}, warn() {}, error() {} };
    const capture = new ShellCapture(h.api.services, new Notifier(logger, undefined, CommandId.showLog), logger, {
      globalState: memento as never,
      integrationTimeoutMs: 20,
    });
    try {
      shim.openTerminal('Task Runner', { pty: {} }, false);
      shim.openTerminal('fish', { shellPath: '/usr/bin/fish' }, false);
      const notice = await waitFor(
        () => shim.messages.find((m) => m.severity === 'warning' && m.text.includes('fish terminal')),
        'the shell integration notice',
      );
      assert.ok(notice.items.includes("Don't Show Again"));
      shim.setConfig('terminal.integrated.shellIntegration.enabled', false);
      shim.openTerminal('fish', { shellPath: '/usr/bin/fish' }, false);
      const withIntegration = shim.openTerminal('bash', { shellPath: '/bin/bash' }, true);
      assert.ok(withIntegration.shellIntegration);
      shim.openTerminal('zsh', { shellPath: '/bin/zsh' }, false);
      const zsh = await waitFor(
        () => shim.messages.find((m) => m.text.includes('terminal.integrated.shellIntegration.enabled')),
        'the "turned off" notice naming the setting',
      );
      assert.deepEqual(zsh.items, ['Turn On Shell Integration', "Don't Show Again"]);
      assert.equal(shim.messages.filter((m) => m.text.includes('fish terminal')).length, 1, 'fish told once');
      assert.equal(shim.messages.filter((m) => m.text.includes('bash terminal')).length, 0, 'no notice with integration');
      assert.equal(shim.messages.filter((m) => /task/i.test(m.text)).length, 0, 'no notice for pseudoterminals');
    } finally {
      capture.dispose();
    }
  });

  it('Join Sync validates the phrase word by word in a masked box and stores nothing when it is wrong', async () => {
    h = await startExtension();
    const done = shim.executeCommand(CommandId.joinSync);
    const box = (await waitFor(() => shim.quickInputs.find((q) => q instanceof FakeInputBox), 'the phrase input')) as FakeInputBox;
    assert.equal(box.password, true);
    box.type('abandon ability zzzz ');
    assert.equal(box.validationMessage, "Word 3 isn't in the recovery word list.");
    const words23 = Array.from({ length: 23 }, () => 'abandon').join(' ');
    // Enter first, value change right after: the order code-server sometimes delivers them in.
    box.accept();
    box.type(words23);
    await waitFor(() => (box.validationMessage === "You've entered 23 of 24 words." ? true : undefined), 'the word-count message');
    box.type(Array.from({ length: 24 }, () => 'abandon').join(' '));
    box.accept();
    await waitFor(() => (/don't form a valid recovery phrase/.test(box.validationMessage ?? '') ? true : undefined), 'the checksum message');
    assert.equal(String(box.validationMessage as unknown).includes('abandon'), false, 'messages never echo words');
    box.hide();
    await done;
    assert.equal(await h.api.services.vault.get('recoveryPhrase'), undefined);
    assert.equal(await h.api.services.vault.get('syncIdentity'), undefined);
    assert.equal(shim.config.get('caroHistory.syncEnabled'), undefined, 'no setting changed');
  });

  it('status bar click offers the actions for the state; Show Recovery Phrase without sync says how to set it up', async () => {
    h = await startExtension();
    let offered: string[] = [];
    shim.onQuickPick = (items) => {
      offered = items.map((i) => i.label);
      return undefined;
    };
    await shim.executeCommand(CommandId.syncStatus);
    assert.ok(offered.includes('$(cloud-upload) Set Up Sync (New Recovery Phrase)'));
    assert.ok(offered.includes('$(debug-pause) Pause Recording'));
    await shim.executeCommand(CommandId.showRecoveryPhrase);
    assert.match(shim.messages.at(-1)?.text ?? '', /sync isn't set up here/);
    await shim.executeCommand(CommandId.renameDevice, 'Work laptop');
    assert.equal(shim.config.get('caroHistory.deviceName'), 'Work laptop');
    assert.equal(h.api.services.deviceName, 'Work laptop');
  });
  it('groups by today / yesterday / earlier with the same counts as the search, and pages within each group', async () => {
    h = await startExtension();
    const history = await h.api.services.history();
    const d = new Date();
    d.setHours(12, 0, 0, 0);
    const noonToday = Math.min(d.getTime(), Date.now() - 1000);
    const day = 86_400_000;
    await history.importCaptured([
      ...Array.from({ length: 3 }, (_, i) => ({ commandLine: `echo today-${i}`, startedAt: noonToday - i * 1000, exitCode: 0 })),
      { commandLine: 'echo yesterday', startedAt: d.getTime() - day, exitCode: 0 },
      { commandLine: 'echo long-ago', startedAt: d.getTime() - 10 * day, exitCode: 1 },
    ]);
    const view = await renderTree(h);
    assert.deepEqual(view.groups, ['Today (3)', 'Yesterday (1)', 'Earlier (1)']);
    assert.deepEqual(view.entries.map((e) => e.label), ['echo today-0', 'echo today-1', 'echo today-2']);
    const roots = await h.api.tree.getChildren();
    const yesterday = await h.api.tree.getChildren(roots[1]);
    assert.deepEqual(yesterday.map((n) => h!.api.tree.getTreeItem(n).label), ['echo yesterday']);
    const earlier = await h.api.tree.getChildren(roots[2]);
    assert.match(String(h.api.tree.getTreeItem(earlier[0]!).description), /^✗ exit 1 · 10 days ago/);
    for (const g of roots) {
      if (g.kind !== 'group') continue;
      assert.equal((await history.search(g.filter, 0, 1)).total, g.total, `${g.label}: SQL count = search count`);
    }
  });

  it('tree and palette actions: live refresh, copy, details, grouping, directory filter, load more, panel, devices, log', async () => {
    h = await startExtension();
    const t = shim.openTerminal();
    const view = shim.treeViews.get('caroHistory.history')!;
    await renderTree(h);
    const changesBefore = view.changes;
    shim.runInTerminal(t, 'echo live', { exitCode: 0, cwd: '/srv/app' });
    await waitForEntry(h, 'echo live');
    await waitFor(() => (view.changes > changesBefore ? true : undefined), 'the tree to refresh by itself');

    const history = await h.api.services.history();
    const now = Date.now();
    await history.importCaptured(
      Array.from({ length: 150 }, (_, i) => ({ commandLine: `make step-${i}`, startedAt: now - 1000 - i, endedAt: now - 900 - i, exitCode: 0, cwd: '/srv/build', workspace: 'other' })),
    );
    let tree = await renderTree(h);
    assert.equal(tree.entries.length, 101, '100 entries and "Load more…"');
    const more = tree.entries.at(-1)!;
    assert.equal(more.label, 'Load more…');
    assert.equal(more.description, '51 more');
    await shim.executeCommand(CommandId.loadMore, more.node);
    tree = await renderTree(h);
    assert.equal(tree.entries.length, 151);

    const live = tree.entries.find((e) => e.label === 'echo live')!;
    await shim.executeCommand(CommandId.copy, live.node);
    assert.equal(shim.clipboard, 'echo live');
    await shim.executeCommand(CommandId.showDetails, live.node);
    assert.match(shim.openedDocuments.at(-1)?.content ?? '', /echo live[\s\S]*\*\*Directory:\*\* `\/srv\/app`/);

    await shim.executeCommand(CommandId.filterDirectory, live.node);
    assert.equal(view.description, 'dir: /srv/app');
    assert.equal(shim.context.get('caroHistory.filtered'), true);
    assert.deepEqual((await renderTree(h)).entries.map((e) => e.label), ['echo live']);
    await shim.executeCommand(CommandId.clearFilter);
    assert.equal(view.description, undefined);

    await shim.executeCommand(CommandId.groupBy, 'workspace');
    assert.deepEqual((await renderTree(h)).groups.sort(), ['demo (1)', 'other (150)']);
    await shim.executeCommand(CommandId.groupBy, 'directory');
    assert.deepEqual((await renderTree(h)).groups.sort(), ['/srv/app (1)', '/srv/build (150)']);

    await shim.executeCommand(CommandId.openHistoryPanel);
    assert.ok(shim.panels.some((p) => p.viewType === 'caroHistory.historyPanel'), 'history panel opened');
    await shim.executeCommand(CommandId.manageDevices);
    assert.ok(shim.statusMessages.includes('[builtin] caroHistory.devices.focus'));
    await shim.executeCommand(CommandId.showLog);
    assert.ok(shim.outputChannels.some((c) => c.name === 'Caro History' && c.shown > 0));
  });
});
