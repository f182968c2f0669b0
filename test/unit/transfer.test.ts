import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceInfo, HistoryEntry } from '../../src/core/model/entry';
import { isCaroError } from '../../src/core/model/errors';
import { classifyRisk } from '../../src/core/safety/risk';
import { buildExport, parseExport, parseExportDocument } from '../../src/core/transfer/exportFormat';
import {
  detectShellHistoryFormat,
  parseShellHistory,
  unmetafyZsh,
  type ShellHistoryFormat,
} from '../../src/core/transfer/shellHistory';

const fixtures = join(__dirname, '../fixtures');
const importFile = (name: string): string => readFileSync(join(fixtures, 'import', name), 'utf8');

function entry(over: Partial<HistoryEntry> & { id: string; command: string }): HistoryEntry {
  return {
    prompt: '',
    tags: [],
    executed: true,
    riskLevel: 'safe',
    warnings: [],
    deviceId: 'dev-a',
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    schemaVersion: 1,
    ...over,
  };
}

function expectBadImport(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseExport(text),
    (e: unknown) => {
      assert.ok(isCaroError(e, 'badImportFile'), `expected badImportFile, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.match(e.action ?? '', /nothing was imported/);
      return true;
    },
  );
}

describe('transfer: export format', () => {
  const devices: DeviceInfo[] = [
    { deviceId: 'dev-a', name: 'Laptop', platform: 'linux', schemaVersion: 1, firstSeen: Date.UTC(2025, 5, 1), lastSeen: Date.UTC(2026, 0, 3), isCurrent: true },
  ];
  const entries: HistoryEntry[] = [
    entry({
      id: 'b-2', command: 'git push --force', riskLevel: 'high', warnings: classifyRisk('git push --force').warnings,
      success: false, exitCode: 1, durationMs: 1200, workingDir: '/home/a/app', shell: 'zsh', platform: 'linux',
      sessionId: 't1', workspace: '/home/a/app', tags: ['deploy'], lowConfidence: true,
      createdAt: Date.UTC(2026, 0, 2, 12), updatedAt: Date.UTC(2026, 0, 2, 12, 1),
    }),
    entry({ id: 'a-1', command: 'ls -la', prompt: 'list all files', explanation: 'long listing', success: true, exitCode: 0 }),
    entry({ id: 'c-3', command: 'rm secret.txt', deletedAt: Date.UTC(2026, 0, 3) }),
  ];

  it('writes the spec fields (exportVersion 1.0, ISO dates, profile, preferences, devices) plus our own', () => {
    const text = buildExport(entries, devices, { safetyLevel: 'strict', retentionDays: 90 }, { exportedAt: Date.UTC(2026, 0, 4) });
    const doc = JSON.parse(text) as Record<string, unknown> & { commands: Record<string, unknown>[]; devices: Record<string, unknown>[] };
    assert.equal(doc.exportVersion, '1.0');
    assert.equal(doc.exportedAt, '2026-01-04T00:00:00.000Z');
    assert.deepEqual(doc.profile, { displayName: 'Caro History', deviceCount: 1 });
    assert.deepEqual(doc.preferences, { safetyLevel: 'strict', retentionDays: 90 });
    assert.deepEqual(doc.commands.map((c) => c.id), ['a-1', 'b-2'], 'oldest first, deleted entries left out');
    const first = doc.commands[0] ?? {};
    assert.deepEqual(
      { id: first.id, prompt: first.prompt, command: first.command, executed: first.executed, success: first.success, createdAt: first.createdAt },
      { id: 'a-1', prompt: 'list all files', command: 'ls -la', executed: true, success: true, createdAt: '2026-01-02T03:04:05.678Z' },
    );
    const second = doc.commands[1] ?? {};
    assert.equal(second.riskLevel, 'high');
    assert.equal(second.workingDir, '/home/a/app');
    assert.equal(second.exitCode, 1);
    assert.equal(second.deviceId, 'dev-a');
    assert.deepEqual(doc.devices[0], {
      name: 'Laptop', platform: 'linux', lastSeen: '2026-01-03T00:00:00.000Z', deviceId: 'dev-a', firstSeen: '2025-06-01T00:00:00.000Z', schemaVersion: 1,
    });
  });

  it('round-trips every field of live entries', () => {
    const back = parseExportDocument(buildExport(entries, devices, { safetyLevel: 'moderate' }));
    const live = entries.filter((e) => e.deletedAt === undefined).sort((a, b) => a.createdAt - b.createdAt);
    assert.deepEqual(back.entries, live);
    assert.deepEqual(back.preferences, { safetyLevel: 'moderate' });
    assert.equal(back.devices[0]?.name, 'Laptop');
  });

  it('reads the spec’s own example, redacting secrets and classifying risk for entries without it', () => {
    const got = parseExport(importFile('spec-example.json'));
    assert.equal(got.length, 3);
    assert.deepEqual(
      { id: got[0]?.id, prompt: got[0]?.prompt, command: got[0]?.command, success: got[0]?.success, createdAt: got[0]?.createdAt, deviceId: got[0]?.deviceId },
      { id: '7d3c1f0e-5b1a-4c2d-9e8f-0a1b2c3d4e5f', prompt: 'list all files in current directory', command: 'ls -la', success: true, createdAt: Date.UTC(2025, 11, 19, 15, 30), deviceId: '' },
    );
    assert.equal(got[1]?.command, 'export GITHUB_TOKEN=[REDACTED:github-pat]');
    assert.equal(got[1]?.exitCode, 1);
    assert.equal(got[1]?.workingDir, '/home/ana/app');
    assert.equal(got[2]?.riskLevel, 'high');
    assert.equal(got[2]?.success, undefined);
    assert.equal(got[2]?.createdAt, Date.UTC(2025, 11, 19, 15, 32, 0, 250));
  });

  it('names the line and column of a JSON syntax error', () => {
    expectBadImport(importFile('bad-json.json'), /not valid JSON at line 6, column 5/);
    expectBadImport(importFile('bad-truncated.json'), /not valid JSON at line \d+, column \d+/);
    expectBadImport('', /empty/);
    expectBadImport('[1,2]', /expected a JSON object/);
  });

  it('names the offending field and imports nothing', () => {
    expectBadImport(importFile('bad-version.json'), /exportVersion "2\.0".*reads version 1\.x/);
    expectBadImport(importFile('bad-missing-command.json'), /^commands\[2\]\.command is missing\.$/);
    expectBadImport(importFile('bad-oversize-command.json'), /^commands\[1\]\.command is 11 KB; the limit is 10 KB\.$/);
    expectBadImport(importFile('bad-date.json'), /^commands\[0\]\.createdAt must be a date like/);
    expectBadImport(importFile('bad-duplicate-id.json'), /^commands\[2\]\.id is the same as commands\[0\]\.id/);
    expectBadImport(importFile('bad-control-chars.json'), /^commands\[1\]\.command contains control characters\.$/);
    expectBadImport(importFile('bad-risk-level.json'), /^commands\[0\]\.riskLevel must be one of safe, moderate, high, critical\.$/);
    expectBadImport('{"exportVersion":"1.0","commands":[{"id":"x","command":"ls \\ud800","createdAt":"2025-01-01T00:00:00Z"}]}', /invalid UTF-16/);
    expectBadImport('{"exportVersion":"1.0","commands":[{"id":"x","command":7,"createdAt":"2025-01-01T00:00:00Z"}]}', /commands\[0\]\.command must be text, not a number/);
    expectBadImport('{"exportVersion":"1.0"}', /no "commands" list/);
    expectBadImport('{"commands":[]}', /no "exportVersion"/);
  });

  it('never quotes command text in an error message', () => {
    const secret = 'hunter2-very-secret';
    try {
      parseExport(`{"exportVersion":"1.0","commands":[{"id":"x","command":"mysql -p${secret}\\u0001","createdAt":"2025-01-01T00:00:00Z"}]}`);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isCaroError(e));
      assert.ok(!e.userMessage.includes(secret));
    }
  });
});

interface Expected {
  format: ShellHistoryFormat;
  parseAs?: ShellHistoryFormat;
  now?: number;
  commands: { commandLine: string; startedAt: number; endedAt?: number }[];
}

describe('transfer: shell history files (test/fixtures/shell-history)', () => {
  const dir = join(fixtures, 'shell-history');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;

  for (const [file, exp] of Object.entries(expected)) {
    it(`${file}: detected as ${exp.format} and parsed`, () => {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      assert.equal(detectShellHistoryFormat(bytes), exp.format);
      const format = exp.parseAs ?? exp.format;
      const got = parseShellHistory(bytes, format, { now: exp.now ?? 0 });
      assert.deepEqual(
        got.map((c) => ({ commandLine: c.commandLine, startedAt: c.startedAt, ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}) })),
        exp.commands,
      );
      for (const c of got) assert.equal(c.shell, format);
    });
  }

  it('decodes zsh metafied bytes also when the file was read as a latin1 string', () => {
    const latin1 = readFileSync(join(dir, 'zsh_metafied.bin'), 'latin1');
    assert.equal(parseShellHistory(latin1, 'zsh')[0]?.commandLine, 'echo 日本');
    assert.deepEqual([...unmetafyZsh(Uint8Array.from([0x61, 0x83, 0xb7, 0x62]))], [0x61, 0x97, 0x62]);
  });

  it('keeps file order for bash lines before the first timestamp and between timestamps', () => {
    const got = parseShellHistory('old one\nold two\n#1700000000\nnew\n', 'bash', { now: 5 });
    assert.deepEqual(got.map((c) => [c.commandLine, c.startedAt]), [
      ['old one', 1_699_999_999_998],
      ['old two', 1_699_999_999_999],
      ['new', 1_700_000_000_000],
    ]);
  });

  it('handles CRLF files, a BOM and a missing final newline', () => {
    const got = parseShellHistory('\ufeff: 1700000000:0;ls\r\n: 1700000001:0;pwd', 'zsh');
    assert.deepEqual(got.map((c) => c.commandLine), ['ls', 'pwd']);
  });

  it('returns nothing for an empty file and never throws on junk', () => {
    assert.deepEqual(parseShellHistory('', 'fish'), []);
    for (const f of ['bash', 'zsh', 'fish'] as const) {
      const junk = parseShellHistory('\u0000\u0001: x:y;\n- cmd:\n  when: soon\n#12\n\\', f, { now: 1 });
      assert.ok(Array.isArray(junk));
    }
  });
});
