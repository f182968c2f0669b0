// `npm test`: typecheck, lint, build, then every mocha suite in ONE run so the last lines are mocha's summary.
// Flags: --unit (unit only), --no-e2e (skip the real-VS-Code suite).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(label, cmd, cmdArgs, env = {}) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);
step('build', process.execPath, [join(root, 'scripts/build.mjs')]);

const suites = ['test/unit/**/*.test.ts'];
if (!args.includes('--unit')) suites.push('test/integration/**/*.test.ts');
const e2e = !args.includes('--unit') && !args.includes('--no-e2e') && existsSync(join(root, 'test/e2e'));
if (e2e) {
  if (existsSync(join(root, 'scripts/vscodeRuntime.mjs'))) {
    step('VS Code runtime (cached)', process.execPath, [join(root, 'scripts/vscodeRuntime.mjs'), '--ensure']);
  }
  suites.push('test/e2e/**/*.test.ts');
}
step('mocha', bin('mocha'), ['--config', '.mocharc.json', ...suites]);
