// Dependency-free entry for `npm start` and `npm test` on a fresh clone:
// runs `npm ci` when node_modules is missing, then hands over to the real script.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [task, ...rest] = process.argv.slice(2);
const scripts = { start: 'scripts/start.mjs', test: 'scripts/test.mjs' };
if (!scripts[task]) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(scripts).join('|')}`);
  process.exit(2);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('node_modules is missing: running npm ci (once)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(root, scripts[task]), ...rest]);
