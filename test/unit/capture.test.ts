import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { CapturePipeline, type CaptureSettings, MAX_COMMAND_BYTES } from '../../src/core/capture/capturePipeline';
import { compileExcludePatterns } from '../../src/core/capture/excludePatterns';
import { normaliseCommandLine, utf8Bytes } from '../../src/core/capture/normaliseCommand';
import type { CapturedCommand } from '../../src/core/model/entry';
import { validateSettings } from '../../src/core/settings/settings';
import { captureWithExcludes } from '../fixtures/captureProbe';
import { callWithDeadline } from '../fixtures/deadline';
import { seededRandom } from '../fixtures/seededRandom';

describe('capture: normaliseCommandLine', () => {
  const cases: { name: string; input: string; text?: string; reason?: 'empty' | 'invalidText'; detail?: RegExp; cleaned?: string[] }[] = [
    { name: 'plain command unchanged', input: 'git status', text: 'git status', cleaned: [] },
    { name: 'trailing newline trimmed', input: 'ls -la\n', text: 'ls -la', cleaned: [] },
    { name: 'trailing CRLF trimmed', input: 'dir\r\n', text: 'dir', cleaned: ['lineEndings'] },
    { name: 'multi-line command keeps inner newlines', input: 'for f in *; do\n  echo $f\ndone\n', text: 'for f in *; do\n  echo $f\ndone' },
    { name: 'inner CRLF becomes LF', input: 'a \\\r\n b', text: 'a \\\n b', cleaned: ['lineEndings'] },
    { name: 'leading space kept (skip rule decides)', input: '  ls', text: '  ls' },
    { name: 'tabs kept', input: "printf 'a\tb'", text: "printf 'a\tb'" },
    { name: 'colour codes removed', input: '\u001b[32mnpm test\u001b[0m', text: 'npm test', cleaned: ['escapeSequences'] },
    { name: 'OSC title sequence removed', input: '\u001b]0;title\u0007make', text: 'make', cleaned: ['escapeSequences'] },
    { name: 'unicode kept', input: 'echo "héllo 🌍 世界"', text: 'echo "héllo 🌍 世界"' },
    { name: 'empty', input: '', reason: 'empty' },
    { name: 'only newlines', input: '\n\n', reason: 'empty' },
    { name: 'only spaces', input: '   ', reason: 'empty' },
    { name: 'NUL rejected', input: 'echo a\u0000b', reason: 'invalidText', detail: /control character \(U\+0000\) at character 7/ },
    { name: 'BEL rejected', input: 'echo \u0007', reason: 'invalidText', detail: /U\+0007/ },
    { name: 'backspace rejected', input: 'rm\u0008\u0008ls', reason: 'invalidText', detail: /U\+0008/ },
    { name: 'DEL rejected', input: 'ls\u007f', reason: 'invalidText', detail: /U\+007F/ },
    { name: 'C1 control rejected', input: 'ls\u0085', reason: 'invalidText', detail: /U\+0085/ },
    { name: 'lone high surrogate rejected', input: 'echo \ud83d', reason: 'invalidText', detail: /broken Unicode text at character 6/ },
    { name: 'lone low surrogate rejected', input: '\ude00 x', reason: 'invalidText', detail: /broken Unicode/ },
    { name: 'reversed surrogate pair rejected', input: 'a\ude00\ud83d', reason: 'invalidText', detail: /broken Unicode/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = normaliseCommandLine(c.input);
      if (c.reason) {
        assert.equal(r.ok, false);
        if (!r.ok) {
          assert.equal(r.reason, c.reason);
          if (c.detail) assert.match(r.detail, c.detail);
        }
      } else {
        assert.ok(r.ok, JSON.stringify(r));
        if (r.ok) {
          assert.equal(r.text, c.text);
          if (c.cleaned) assert.deepEqual(r.cleaned, c.cleaned);
        }
      }
    });
  }

  it('utf8Bytes counts like Buffer.byteLength', () => {
    for (const s of ['', 'abc', 'é', '世界', '🌍x', 'a'.repeat(1000)]) assert.equal(utf8Bytes(s), Buffer.byteLength(s));
  });
});

describe('capture: exclude patterns', () => {
  it('compiles valid patterns and reports invalid ones in plain words without throwing', () => {
    const r = compileExcludePatterns(['^secret', '(unclosed', '', 'x'.repeat(1001), 'ok$']);
    assert.equal(r.matchers.length, 2);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0] ?? '', /^Exclude pattern 2 is not a valid regular expression \(.+\); it is ignored\. Correct "\(unclosed" in the caroHistory\.excludePatterns setting\.$/);
    assert.match(r.problems[1] ?? '', /Exclude pattern 4 is longer than 1000 characters; it is ignored\. Shorten "x{59}…"/);
  });

  it('names the pattern and what to write instead when RE2 cannot run it (look-around, back-references, \\u)', () => {
    const r = compileExcludePatterns(['(?<=export )TOKEN=', 'secret(?!s)', '(a)\\1', '\\u00e9', '(?i)^vault ']);
    assert.equal(r.matchers.length, 1, 'the valid pattern still applies');
    assert.ok(r.matchers[0]?.test('VAULT read x'), 'RE2 inline flags work');
    assert.match(r.problems[0] ?? '', /Exclude pattern 1 uses a lookbehind .* In "\(\?<=export \)TOKEN=", match the preceding text itself instead/);
    assert.match(r.problems[1] ?? '', /Exclude pattern 2 uses a lookahead .* In "secret\(\?!s\)", /);
    assert.match(r.problems[2] ?? '', /Exclude pattern 3 uses a back-reference .* In "\(a\)\\\\1", write the repeated text out/);
    assert.match(r.problems[3] ?? '', /Exclude pattern 4 uses a \\u escape.* write \\x\{00E9\} instead/);
    for (const p of r.problems) assert.ok(!/error parsing regexp|RE2JS|Syntax/.test(p), `no engine jargon: ${p}`);
  });

  it('settings validation gives the same advice and keeps the usable patterns', () => {
    const { settings, problems } = validateSettings({ excludePatterns: ['^ok', '(a)\\1', '(?<!x)y', 'fine$'] });
    assert.deepEqual(settings.excludePatterns, ['^ok', 'fine$']);
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /^"caroHistory\.excludePatterns" entry 2 uses a back-reference .*; it is ignored\. In "\(a\)\\\\1", write the repeated text out/);
    assert.match(problems[1] ?? '', /entry 3 uses a lookbehind/);
  });

  it('a user pattern with nested quantifiers cannot stall a capture (worker deadline)', async function () {
    this.timeout(60_000); // loading TypeScript in the worker is not timed by the deadline
    const evil = ['(a+)+$', '(x+x+)+y', '^(\\w+\\s?)*$'];
    const inputs = [
      JSON.stringify({ patterns: evil, command: `${'a'.repeat(32)}!` }),
      JSON.stringify({ patterns: evil, command: `echo ${'x'.repeat(40)}` }),
      JSON.stringify({ patterns: evil, command: `${'word '.repeat(12)}!` }),
      JSON.stringify({ patterns: evil, command: `${'a'.repeat(20_000)}!` }),
    ];
    const sizes = await callWithDeadline(join(__dirname, '../fixtures/captureProbe.ts'), 'captureWithExcludes', inputs, 2_000);
    assert.equal(sizes.length, inputs.length);
  });

  it('seeded fuzz: any pattern text compiles or gets a plain message; matching never throws', () => {
    const pieces = ['a', '+', '*', '?', '(', ')', '[', ']', '{2,3}', '|', '^', '$', '\\', '\\1', '(?=', '(?<=', '(?i)', '\\u0041', '\\d', '.', '\n', '\u0000', '{', '}', '-'];
    for (const seed of [21, 22, 23]) {
      const rnd = seededRandom(seed);
      for (let k = 0; k < 300; k++) {
        let p = '';
        const n = 1 + Math.floor(rnd() * 12);
        for (let i = 0; i < n; i++) p += pieces[Math.floor(rnd() * pieces.length)];
        const r = compileExcludePatterns([p]);
        assert.equal(r.matchers.length + r.problems.length, p.trim() === '' ? 0 : 1, `seed ${seed} case ${k}: ${JSON.stringify(p)}`);
        for (const m of r.matchers) m.test(`${'a'.repeat(40)}!\n(x)`);
        for (const msg of r.problems) {
          assert.ok(!/[\u0000-\u001f]/.test(msg), `no raw control characters: ${JSON.stringify(msg)}`);
          assert.match(msg, /in the caroHistory\.excludePatterns setting\.$/);
        }
      }
    }
  });

  it('checks the size before running any user pattern', () => {
    assert.equal(captureWithExcludes(JSON.stringify({ patterns: ['a'], command: 'a'.repeat(MAX_COMMAND_BYTES + 1) })), 'tooLarge');
    // (Nested quantifiers only in the worker test above: here a regression would hang the test process.)
    assert.equal(captureWithExcludes(JSON.stringify({ patterns: ['^a+$'], command: `${'a'.repeat(30)}!` })), 'stored');
    assert.equal(captureWithExcludes(JSON.stringify({ patterns: ['^a+$'], command: 'a'.repeat(30) })), 'excluded');
  });
});

describe('capture: pipeline (table-driven)', () => {
  const base: CaptureSettings = {
    captureEnabled: true,
    ignoreLeadingSpace: true,
    excludePatterns: ['^mysql .*-p', 'vault write'],
    lowConfidenceCommands: 'flag',
  };
  const cmd = (commandLine: string, extra: Partial<CapturedCommand> = {}): CapturedCommand => ({
    commandLine,
    startedAt: 1_700_000_000_000,
    ...extra,
  });

  interface Case {
    name: string;
    input: CapturedCommand;
    settings?: Partial<CaptureSettings>;
    paused?: boolean;
    mode?: 'live' | 'import';
    skip?: string;
    command?: string;
    risk?: string;
    redactions?: string[];
    lowConfidence?: boolean;
  }
  const cases: Case[] = [
    { name: 'stores a normal command', input: cmd('git status\n'), command: 'git status', risk: 'safe', redactions: [] },
    { name: 'capture disabled', input: cmd('ls'), settings: { captureEnabled: false }, skip: 'disabled' },
    { name: 'paused (incognito)', input: cmd('ls'), paused: true, skip: 'paused' },
    { name: 'leading space skipped', input: cmd(' export X=1'), skip: 'leadingSpace' },
    { name: 'leading tab skipped', input: cmd('\tls'), skip: 'leadingSpace' },
    { name: 'leading space kept when the setting is off', input: cmd(' ls'), settings: { ignoreLeadingSpace: false }, command: ' ls' },
    { name: 'exclude pattern matches', input: cmd('mysql -u root -psecret'), skip: 'excluded' },
    { name: 'second exclude pattern matches', input: cmd('vault write secret/x v=1'), skip: 'excluded' },
    { name: 'invalid exclude pattern does not crash; valid ones still apply', input: cmd('vault write a'), settings: { excludePatterns: ['(', 'vault'] }, skip: 'excluded' },
    { name: 'empty', input: cmd('  \n'), skip: 'empty' },
    { name: 'control characters', input: cmd('echo \u0000'), skip: 'invalidText' },
    { name: 'lone surrogate', input: cmd('echo \udc00'), skip: 'invalidText' },
    { name: 'low confidence flagged by default', input: cmd('ls', { confidence: 'low' }), command: 'ls', lowConfidence: true },
    { name: 'low confidence skipped when set', input: cmd('ls', { confidence: 'low' }), settings: { lowConfidenceCommands: 'skip' }, skip: 'lowConfidence' },
    { name: 'secret redacted, not dropped', input: cmd('export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789'), command: 'export GITHUB_TOKEN=[REDACTED:github-pat]', redactions: ['github-pat'] },
    { name: 'risk classified', input: cmd('rm -rf /'), risk: 'critical' },
    { name: 'force push classified', input: cmd('git push --force origin main'), risk: 'high' },
    { name: 'exactly 10 KB is stored', input: cmd(`echo ${'a'.repeat(MAX_COMMAND_BYTES - 5)}`), risk: 'safe' },
    { name: 'over 10 KB not stored', input: cmd(`echo ${'a'.repeat(MAX_COMMAND_BYTES - 4)}`), skip: 'tooLarge' },
    { name: 'over 10 KB counted in UTF-8 bytes', input: cmd(`echo ${'é'.repeat(5200)}`), skip: 'tooLarge' },
    { name: 'import ignores pause', input: cmd('ls'), paused: true, mode: 'import', command: 'ls' },
    { name: 'import ignores leading space', input: cmd(' ls'), mode: 'import', command: ' ls' },
    { name: 'import still applies exclude patterns', input: cmd('vault write x'), mode: 'import', skip: 'excluded' },
    { name: 'import still applies the size limit', input: cmd('x'.repeat(MAX_COMMAND_BYTES + 1)), mode: 'import', skip: 'tooLarge' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const p = new CapturePipeline(() => ({ ...base, ...c.settings }));
      const r = p.prepare(c.input, { paused: c.paused ?? false, mode: c.mode ?? 'live' });
      if (c.skip) {
        assert.equal(r.ok, false, `expected skip ${c.skip}`);
        if (!r.ok) assert.equal(r.reason, c.skip);
        return;
      }
      assert.ok(r.ok, JSON.stringify(r));
      if (!r.ok) return;
      if (c.command !== undefined) assert.equal(r.prepared.command, c.command);
      if (c.risk !== undefined) assert.equal(r.prepared.riskLevel, c.risk);
      if (c.redactions !== undefined) assert.deepEqual(r.prepared.redactions, c.redactions);
      assert.equal(r.prepared.lowConfidence, c.lowConfidence ?? false);
    });
  }

  it('counts commands over 10 KB and explains why', () => {
    const p = new CapturePipeline(() => base);
    const r = p.prepare(cmd('y'.repeat(20_000)), { paused: false, mode: 'live' });
    assert.ok(!r.ok && r.reason === 'tooLarge');
    assert.match(r.ok ? '' : (r.detail ?? ''), /19\.5 KB; commands over 10 KB are not stored/);
    p.prepare(cmd('z'.repeat(20_000)), { paused: false, mode: 'live' });
    assert.equal(p.skippedTooLarge, 2);
  });

  it('drops an event VS Code delivered twice (same terminal, start time and text) but not a re-run', () => {
    const p = new CapturePipeline(() => base);
    const first = cmd('make', { sessionId: 't1' });
    assert.ok(p.prepare(first, { paused: false, mode: 'live' }).ok);
    const again = p.prepare({ ...first }, { paused: false, mode: 'live' });
    assert.ok(!again.ok && again.reason === 'duplicate');
    assert.ok(p.prepare({ ...first, startedAt: first.startedAt + 1000 }, { paused: false, mode: 'live' }).ok);
    assert.ok(p.prepare({ ...first, sessionId: 't2' }, { paused: false, mode: 'live' }).ok);
  });

  it('exposes invalid exclude patterns as settings problems', () => {
    const p = new CapturePipeline(() => ({ ...base, excludePatterns: ['[z-a]'] }));
    assert.ok(p.prepare(cmd('ls'), { paused: false, mode: 'live' }).ok);
    assert.equal(p.settingsProblems.length, 1);
    assert.match(p.settingsProblems[0] ?? '', /Exclude pattern 1 is not a valid regular expression/);
  });

  it('redacts prompt and explanation too, and keeps tags', () => {
    const p = new CapturePipeline(() => base);
    const r = p.prepare(cmd('curl https://api.example.com', {
      prompt: 'call the API with token ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      explanation: 'Uses curl.',
      tags: ['api', ' api ', 'net'],
    }), { paused: false, mode: 'live' });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.prepared.prompt, 'call the API with token [REDACTED:github-pat]');
    assert.equal(r.prepared.explanation, 'Uses curl.');
    assert.deepEqual(r.prepared.tags, ['api', 'net']);
    assert.deepEqual(r.prepared.redactions, ['github-pat']);
  });
});
