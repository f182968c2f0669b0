// Dependency-free entry for `npm start` and `npm test` on a fresh clone: runs `npm ci` when node_modules is missing,
// then runs the real script IN THIS PROCESS. package.json starts it with `exec`, so npm's own signal forwarding
// (SIGINT/SIGTERM to its child) reaches the script that owns the children: `kill -INT <pid of npm start>` stops
// everything. (Without `exec`, npm signals a `sh -c` that ignores SIGINT while it waits.)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runForwardingSignals } from './forwardSignals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [task, ...rest] = process.argv.slice(2);
const scripts = { start: 'scripts/start.mjs', test: 'scripts/test.mjs', relay: 'scripts/relay.mjs' };
if (!scripts[task]) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(scripts).join('|')}`);
  process.exit(2);
}

/**
 * Native dev dependencies (better-sqlite3, the benchmarks' baseline) build with node-gyp, which downloads Node's
 * headers unless told where they are: with no ~/.npmrc (a fresh HOME) and no internet that fails. The running Node
 * usually ships them (`<prefix>/include/node`), so point npm at them unless the user already chose.
 */
function installEnv() {
  const env = { ...process.env };
  const prefix = dirname(dirname(process.execPath));
  const chosen = Object.keys(env).some((k) => k.toLowerCase() === 'npm_config_nodedir');
  if (!chosen && existsSync(join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  return env;
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('node_modules is missing: running npm ci (once)…');
  const code = await runForwardingSignals('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, env: installEnv() });
  if (code !== 0) {
    console.error(`npm ci failed (exit ${code}). Check the npm registry is reachable (\`npm ping\`), then run this again.`);
    process.exit(code);
  }
}
const script = join(root, scripts[task]);
process.argv = [process.argv[0], script, ...rest];
await import(pathToFileURL(script).href);
