// `npm test`: system packages, typecheck, lint, build, the VS Code runtime, then every mocha suite in ONE run so the
// last lines are mocha's summary. Flags: --unit (unit only), --no-e2e (skip the real-VS-Code suite).
// Each step's process gets SIGINT/SIGTERM/SIGHUP passed on, so stopping `npm test` leaves nothing running.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runForwardingSignals } from './forwardSignals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const bin = (name) => join(root, 'node_modules', '.bin', name);

async function step(label, cmd, cmdArgs, hint) {
  console.log(`\n== ${label}`);
  const code = await runForwardingSignals(cmd, cmdArgs, { cwd: root, env: process.env });
  if (code !== 0) {
    console.error(`\n${label} failed (exit ${code}).${hint ? ` ${hint}` : ''}`);
    process.exit(code);
  }
}

const unitOnly = args.includes('--unit');
const e2e = !unitOnly && !args.includes('--no-e2e') && existsSync(join(root, 'test/e2e'));

// The integration suites need Chromium (webview harness) and the e2e suite needs the native-module headers and zsh/
// fish: the same Debian packages `npm start` checks. As root this installs what is missing; otherwise it stops here
// with the exact install command.
if (!unitOnly && process.platform === 'linux' && existsSync('/usr/bin/dpkg')) {
  await step('system packages', 'bash', [join(root, 'scripts/systemDeps.sh')]);
}
await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
await step('lint', 'npm', ['run', '--silent', 'lint']);
await step('build', process.execPath, [join(root, 'scripts/build.mjs')]);

const suites = ['test/unit/**/*.test.ts'];
if (!unitOnly) suites.push('test/integration/**/*.test.ts');
if (e2e) {
  await step('VS Code runtime (cached)', process.execPath, [join(root, 'scripts/vscodeRuntime.mjs'), '--ensure']);
  suites.push('test/e2e/**/*.test.ts');
}
await step('mocha', bin('mocha'), ['--config', '.mocharc.json', ...suites]);
