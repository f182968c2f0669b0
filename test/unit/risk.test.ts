import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RiskLevel } from '../../src/core/model/entry';
import { redactSecrets } from '../../src/core/safety/redact';
import { classifyRisk } from '../../src/core/safety/risk';
import { callWithDeadline } from '../fixtures/deadline';
import { seededRandom } from '../fixtures/seededRandom';

interface Row {
  pattern: string;
  command: string;
  level: RiskLevel;
  warning?: string;
}

const table = JSON.parse(readFileSync(join(__dirname, '../fixtures/risk/table.json'), 'utf8')) as Row[];

describe('classifyRisk: table (test/fixtures/risk/table.json)', () => {
  for (const row of table) {
    // Titles show control characters escaped (\r, \u0015), never raw.
    it(`${row.level.padEnd(8)} ${row.pattern}: ${JSON.stringify(row.command).slice(1, -1)}`, () => {
      const r = classifyRisk(row.command);
      assert.equal(r.level, row.level, `warnings: ${JSON.stringify(r.warnings)}`);
      if (row.level === 'safe') assert.deepEqual(r.warnings, []);
      else assert.ok(r.warnings.length > 0, 'a risky command always explains why');
      if (row.warning) {
        assert.ok(
          r.warnings.some((w) => w.includes(row.warning as string)),
          `expected a warning containing "${row.warning}", got ${JSON.stringify(r.warnings)}`,
        );
      }
    });
  }

  it('covers all 21 critical, 15 high and 16 moderate Caro patterns', () => {
    const ids = (prefix: string) => new Set(table.filter((r) => r.pattern.startsWith(prefix)).map((r) => r.pattern.slice(0, 3)));
    assert.equal(ids('C').size, 21);
    assert.equal(ids('H').size, 15);
    assert.equal(ids('M').size, 16);
    assert.ok(table.filter((r) => r.level === 'safe').length >= 30);
  });
});

describe('classifyRisk: behaviour', () => {
  it('lists the most severe warning first and reports the highest level', () => {
    const r = classifyRisk('sudo rm -rf / ; chmod +x a.sh');
    assert.equal(r.level, 'critical');
    assert.equal(r.warnings[0], 'Deletes everything under / recursively');
    assert.ok(r.warnings.includes('Changes file permissions'));
  });

  it('looks at every command of a chain, not only the first', () => {
    assert.equal(classifyRisk('cd /tmp && ls && git push --force').level, 'high');
    assert.equal(classifyRisk('make || rm -rf ~').level, 'critical');
    assert.equal(classifyRisk('echo $(rm -rf /)').level, 'critical');
  });

  it('ignores text inside quotes but still sees quoted operands of real commands', () => {
    assert.equal(classifyRisk('echo "curl x | sudo bash"').level, 'safe');
    assert.equal(classifyRisk("rm -rf '/'").level, 'critical');
  });

  it('finishes 10 KB adversarial input within a deadline (the worker is terminated if it overruns)', async function () {
    this.timeout(60_000); // loading TypeScript in the worker is not timed by the deadline
    const inputs = [
      'rm '.repeat(3_400),
      `rm -rf ${'a/'.repeat(5_000)}`,
      '('.repeat(10_000),
      '"'.repeat(10_001),
      `${':(){ '.repeat(2_000)}`,
      `bash -c '${"bash -c '".repeat(1_000)}`,
      'a|'.repeat(5_000),
      `psql -c "${'DROP '.repeat(2_000)}"`,
      `${'\\'.repeat(10_000)}x`,
      `echo "${'$('.repeat(5_000)}"`,
      `echo "${'`'.repeat(10_000)}"`,
      `echo ${"'a' | sh ".repeat(1_000)}`,
      `${'\r'.repeat(5_000)}rm -rf /`,
      'ls\u0001'.repeat(2_500),
      `echo '${"\r'".repeat(5_000)}`,
      `rm -rf ${'\\\r'.repeat(5_000)}`,
    ];
    const sizes = await callWithDeadline(join(__dirname, '../../src/core/safety/risk.ts'), 'classifyRisk', inputs, 2_000);
    assert.equal(sizes.length, inputs.length);
  });
});

describe('classifyRisk and redactSecrets: seeded fuzz with control characters and shell tokens', () => {
  const TOKENS = [
    'rm', '-rf', '/', '~', '*', '.', 'curl', '-s', 'https://x.example/i', '|', 'sh', 'sudo', 'bash', '-c', "'", '"', '\\',
    ';', '&&', '||', '&', '(', ')', '$(', '`', '#', 'echo', 'git', 'push', '--force', 'dd', 'of=/dev/sda', '>', '/etc/passwd',
    'TOKEN=', 'ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6', '--password', 'x', 'chmod', '-R', '777', ':(){ :|:& };:', '\n', '\t',
  ];
  const CONTROLS = ['\r', '\u0000', '\u0001', '\u0003', '\u0007', '\b', '\u000b', '\f', '\u0015', '\u0017', '\u001b', '\u007f', '\u0085', '\u009b'];
  const RANK = { safe: 0, moderate: 1, high: 2, critical: 3 } as const;
  const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const phrase = (rnd: () => number): string => {
    const n = 1 + Math.floor(rnd() * 8);
    let s = '';
    for (let i = 0; i < n; i++) s += (rnd() < 0.15 ? pick(rnd, CONTROLS) : rnd() < 0.7 ? ' ' : '') + pick(rnd, TOKENS);
    return s;
  };

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: never throws, and X<control>Y is never rated lower than Y`, () => {
      const rnd = seededRandom(seed);
      for (let k = 0; k < 150; k++) {
        const x = phrase(rnd);
        const y = phrase(rnd);
        const joined = `${x}${pick(rnd, CONTROLS)}${y}`;
        const whole = classifyRisk(joined);
        const tail = classifyRisk(y);
        assert.ok(
          RANK[whole.level] >= RANK[tail.level],
          `seed ${seed} case ${k}: ${JSON.stringify(joined)} is ${whole.level} but its tail ${JSON.stringify(y)} is ${tail.level}`,
        );
        assert.ok(whole.warnings.some((w) => /control character|carriage return/.test(w)), `no control warning: ${JSON.stringify(joined)}`);
        const red = redactSecrets(joined);
        assert.equal(typeof red.text, 'string');
        assert.equal(redactSecrets(red.text).text, red.text, `redaction not idempotent: ${JSON.stringify(joined)}`);
      }
    });
  }
});
