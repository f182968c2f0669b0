import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import { MemoryLogger } from '../../src/core/util/logger';
import { ConfigService } from '../../src/extension/config';
import { Notifier } from '../../src/extension/notifier';
import { TerminalInsert } from '../../src/extension/terminal/terminalInsert';
import { firstControlCharacter } from '../../src/extension/terminal/terminalText';
import { seededRandom } from '../fixtures/seededRandom';
import { type FakeTerminal, shim } from './vscodeShim/vscode';

const ESC = '\x1b';
const CLEAR_LINE = '\x05\x15';

function makeInsert(platform: NodeJS.Platform = 'linux'): { ti: TerminalInsert; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const config = new ConfigService(logger, () => undefined);
  return { ti: new TerminalInsert(config, new Notifier(logger, undefined, 'caroHistory.showLog'), logger, platform), logger };
}

function entry(command: string, riskLevel: 'safe' | 'moderate' | 'high' | 'critical' = 'safe'): {
  command: string;
  riskLevel: 'safe' | 'moderate' | 'high' | 'critical';
  warnings: string[];
} {
  return { command, riskLevel, warnings: [] };
}

/** Everything typed into the terminal, in order, with Enter shown as "⏎". */
function typed(t: FakeTerminal): string {
  return t.sent.map((s) => s.text + (s.addNewLine ? '⏎' : '')).join('');
}

describe('TerminalInsert: Insert and Run type exactly the chosen command', () => {
  beforeEach(() => shim.reset());

  it('Insert and Run empty the prompt line first, so pre-typed text is not mixed in (bash: Ctrl+E Ctrl+U)', async () => {
    const { ti } = makeInsert();
    const t = shim.openTerminal('bash');
    await ti.insert('sleep 3 && echo done');
    assert.equal(typed(t), `${CLEAR_LINE}sleep 3 && echo done`);
    t.sent.length = 0;
    assert.equal(await ti.run(entry('ls -la')), true);
    assert.equal(typed(t), `${CLEAR_LINE}ls -la⏎`);
  });

  it('uses Escape to empty the line in cmd and Windows PowerShell', async () => {
    const { ti } = makeInsert('win32');
    const t = shim.openTerminal('pwsh');
    await ti.insert('dir');
    assert.equal(typed(t), `${ESC}dir`);
  });

  it('Insert of a multi-line command is a bracketed paste in zsh, fish and bash (Linux): no line runs', async () => {
    for (const shell of ['zsh', 'fish', 'bash']) {
      shim.reset();
      const { ti } = makeInsert('linux');
      const t = shim.openTerminal(shell);
      await ti.insert('touch /tmp/marker\r\necho second');
      assert.equal(typed(t), `${CLEAR_LINE}${ESC}[200~touch /tmp/marker\necho second${ESC}[201~`, shell);
      assert.ok(t.sent.every((s) => !s.addNewLine), `${shell}: nothing sent with Enter`);
    }
  });

  it('Insert of a multi-line command into a shell without bracketed paste types nothing and offers to copy', async () => {
    const { ti } = makeInsert('darwin');
    const t = shim.openTerminal('bash');
    shim.onMessage = (m) => (m.modal ? 'Copy to Clipboard' : undefined);
    assert.equal(await ti.insert('touch /tmp/marker\necho second'), undefined);
    assert.equal(t.sent.length, 0, 'nothing typed');
    const ask = shim.messages.at(-1)!;
    assert.equal(ask.modal, true);
    assert.ok(ask.detail?.includes('touch /tmp/marker\necho second'), 'the modal names the command in plain text');
    assert.equal(shim.clipboard, 'touch /tmp/marker\necho second');
  });

  it('refuses control characters other than tab and newline, for Insert and Run, with a message that says what to do', async () => {
    const { ti, logger } = makeInsert();
    const t = shim.openTerminal('bash');
    for (const bad of [`echo hi${ESC}[201~; rm -rf ~`, 'true\rrm -rf /', 'echo \x03', 'echo \u009b31m']) {
      assert.equal(await ti.insert(bad), undefined);
      assert.equal(await ti.run(entry(bad)), false);
    }
    assert.equal(t.sent.length, 0, 'nothing typed');
    const texts = shim.messages.map((m) => m.text);
    assert.match(texts[0]!, /contains an Escape character.*type the command yourself/);
    assert.ok(texts.every((m) => !m.includes('rm -rf')), 'the command itself is not in the notification');
    assert.ok(logger.lines.every((l) => !l.includes('rm -rf')), 'nor in the log');
    assert.equal(await ti.insert('printf "a\\tb"\t# tab is fine'), t);
  });

  it('never runs a command whose secrets were redacted (offers Insert instead)', async () => {
    const { ti } = makeInsert();
    const t = shim.openTerminal('bash');
    shim.onMessage = () => undefined;
    const redacted = entry('curl -H "Authorization: Bearer [REDACTED:bearer]" https://api.example.com');
    assert.equal(await ti.run(redacted), false);
    assert.equal(t.sent.filter((s) => s.addNewLine).length, 0, 'nothing executed');
    assert.match(shim.messages.at(-1)?.text ?? '', /secrets removed/);
    shim.onMessage = (m) => (m.items.includes('Insert') ? 'Insert' : undefined);
    assert.equal(await ti.run(redacted), false);
    assert.equal(typed(t), `${CLEAR_LINE}${redacted.command}`, 'inserted, not run');
  });

  it('critical risk: a modal that names the command, with "Don\'t Run" first (the default button, Enter), then "Run Anyway"', async () => {
    const { ti } = makeInsert();
    const t = shim.openTerminal('bash');
    const cmd = 'true || rm -rf /';
    shim.onMessage = (m) => m.items[0]; // what Enter picks: the first (primary) button
    assert.equal(await ti.run(entry(cmd, 'critical')), false);
    const ask = shim.messages.at(-1)!;
    assert.equal(ask.modal, true);
    assert.deepEqual(ask.items, ["Don't Run", 'Run Anyway']);
    assert.ok(ask.detail?.includes(cmd), 'the dialog names the command');
    assert.equal(t.sent.length, 0, 'Enter did not run it');
    shim.onMessage = () => 'Run Anyway';
    assert.equal(await ti.run(entry(cmd, 'critical')), true);
    assert.equal(typed(t), `${CLEAR_LINE}${cmd}⏎`);
  });

  it('high risk: the confirmation names the command and its warnings only in a modal plain-text detail', async () => {
    const { ti } = makeInsert();
    const t = shim.openTerminal('bash');
    const cmd = 'git push --force origin main # [click](command:workbench.action.terminal.sendSequence)';
    const e = { command: cmd, riskLevel: 'high' as const, warnings: ['[Open](command:caroHistory.clearHistory)'] };
    shim.onMessage = () => undefined;
    assert.equal(await ti.run(e), false);
    const ask = shim.messages.at(-1)!;
    assert.equal(ask.modal, true);
    assert.ok(ask.detail?.includes(cmd) && ask.detail.includes(e.warnings[0]!), 'command and warning in the detail');
    assert.ok(!ask.text.includes('command:'), 'no command or warning text in the message line');
    assert.equal(t.sent.length, 0);
  });

  it('the terminal picker shows terminal titles as typed ($(name) is not drawn as an icon) and uses the one picked', async () => {
    const { ti } = makeInsert();
    const a = shim.openTerminal('bash');
    const b = shim.openTerminal('watch $(whoami)');
    shim.activeTerminal = undefined;
    let labels: string[] = [];
    shim.onQuickPick = (items) => {
      labels = items.map((i) => i.label);
      return items[1];
    };
    assert.equal(await ti.insert('ls'), b);
    assert.deepEqual(labels.slice(0, 2), ['bash', 'watch \\$(whoami)']);
    assert.equal(a.sent.length, 0);
  });

  it('fuzz: only tab, newline and CRLF pass the control-character check; the rest is named (seeded)', () => {
    const rand = seededRandom(0xca70);
    const allowed = new Set([0x09, 0x0a]);
    for (let i = 0; i < 5_000; i++) {
      const len = 1 + Math.floor(rand() * 12);
      let s = '';
      for (let j = 0; j < len; j++) {
        const r = rand();
        s += String.fromCodePoint(r < 0.6 ? 0x20 + Math.floor(rand() * 95) : r < 0.9 ? Math.floor(rand() * 0xa0) : Math.floor(rand() * 0x2000));
      }
      const plain = s.replace(/\r\n/g, '\n');
      const expectBad = [...plain].some((c) => {
        const code = c.codePointAt(0)!;
        return !allowed.has(code) && (code < 0x20 || (code >= 0x7f && code <= 0x9f));
      });
      const found = firstControlCharacter(s);
      assert.equal(found !== undefined, expectBad, `seed 0xca70, case ${i}: ${JSON.stringify(s)}`);
      if (found) assert.ok(!/[\u0000-\u001f]/.test(found), 'the name is printable');
    }
  });
});
