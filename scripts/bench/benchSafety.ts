// Safety micro-benchmarks. Usage: npm run bench:safety [-- --quick]
// Prints one JSON object: redactSecrets and classifyRisk p50/p95 (ms) on an ordinary 10 KB command and on adversarial
// inputs at n and 2n characters, with the doubling ratio t(2n)/t(n) (about 2 when linear, about 4 when quadratic)
// and the baseline ratio t(2n) / t(ordinary text of 2n characters), and an exclude pattern with nested quantifiers on RE2 (re2js) over a 10 KB command.
import { compileExcludePattern } from '../../src/core/settings/excludePattern';
import { redactSecrets } from '../../src/core/safety/redact';
import { classifyRisk } from '../../src/core/safety/risk';

const quick = process.argv.includes('--quick');
const runs = quick ? 5 : 21;

interface Stats { p50: number; p95: number; n: number }

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50: round(at(0.5)), p95: round(at(0.95)), n: samples.length };
}

function timeMs(fn: () => unknown): Stats {
  fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return stats(out);
}

/** The baseline: ordinary shell text of the same length. */
const ORDINARY_UNIT = 'git commit -m "fix: parser" && npm test -- --grep redaction; export PATH="$HOME/bin:$PATH" ';
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function doubling(name: string, fn: (s: string) => unknown, unit: string, n: number): Record<string, unknown> {
  const at1 = timeMs(() => fn(fill(unit, n)));
  const at2 = timeMs(() => fn(fill(unit, 2 * n)));
  const baseline = timeMs(() => fn(fill(ORDINARY_UNIT, 2 * n)));
  const ratio = (a: number, b: number): number => Math.round((a / Math.max(b, 1e-6)) * 100) / 100;
  return { name, unit, n, atN: at1, at2N: at2, doublingRatio: ratio(at2.p50, at1.p50), ordinary2N: baseline, baselineRatio: ratio(at2.p50, baseline.p50) };
}

const ordinary = fill(ORDINARY_UNIT, 10_240);
const evil = compileExcludePattern('(a+)+$');
if (!evil.ok) throw new Error('RE2 rejected (a+)+$');

const result = {
  ordinary10KB: { redact: timeMs(() => redactSecrets(ordinary)), classify: timeMs(() => classifyRisk(ordinary)) },
  redactAdversarial: [
    doubling('redact a=a=…', redactSecrets, 'a=', 50_000),
    doubling('redact TOKEN=$x:…', redactSecrets, 'TOKEN=$x:', 50_000),
    doubling('redact ?token=$…', redactSecrets, '?token=$', 50_000),
    doubling('redact sk-sk-…', redactSecrets, 'sk-', 50_000),
    doubling('redact PEM BEGIN…', redactSecrets, '-----BEGIN PRIVATE KEY-----', 50_000),
  ],
  classifyAdversarial: [
    doubling('classify ls<Ctrl-A>…', classifyRisk, 'ls\u0001', 5_000),
    doubling('classify CR…', classifyRisk, 'rm -rf x\r', 5_000),
  ],
  excludeRe2NestedQuantifiers10KB: timeMs(() => evil.matcher.test(`${'a'.repeat(10_239)}!`)),
};
console.log(JSON.stringify(result));
