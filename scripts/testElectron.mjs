// `npm run test:electron`: the ecosystem's standard path — @vscode/test-electron downloads a desktop VS Code and runs
// the extension-host suite (test/e2e/electron/) inside it with this folder as the extension under development.
// It needs internet access to update.code.visualstudio.com. Where that is blocked (as on the offline build machines)
// it says so and exits 1; use `npm run test:e2e` (code-server + Chromium, fully offline) there. Not part of `npm test`.
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const VSCODE_VERSION = process.env.CARO_VSCODE_VERSION ?? '1.139.1';
const cacheDir = join(root, '.vscode-test');
const outDir = join(root, 'out', 'electron');

function hasCachedDownload() {
  return existsSync(cacheDir) && readdirSync(cacheDir).some((d) => d.startsWith('vscode-') && d.includes(VSCODE_VERSION));
}

async function canReachDownloads() {
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', {
      signal: AbortSignal.timeout(10_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function main() {
  if (!hasCachedDownload() && !(await canReachDownloads())) {
    console.error(
      [
        `test:electron cannot run here: it must download VS Code ${VSCODE_VERSION} from update.code.visualstudio.com,`,
        'and this machine cannot reach that address (no internet, or only package registries are allowed).',
        'Nothing was tested. On a machine with internet access run `npm run test:electron` again;',
        'offline, run `npm run test:e2e` instead (real VS Code via code-server + headless Chromium).',
      ].join('\n'),
    );
    process.exit(1);
  }

  await import('./build.mjs');
  await esbuild.build({
    entryPoints: {
      index: join(root, 'test/e2e/electron/index.ts'),
      extensionHost: join(root, 'test/e2e/electron/extensionHost.suite.ts'),
    },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });

  const { runTests } = require('@vscode/test-electron');
  const userData = mkdtempSync(join(tmpdir(), 'caro-electron-'));
  try {
    await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(outDir, 'index.js'),
      extensionTestsEnv: {
        CARO_HISTORY_TEST_HOOKS: '1',
        CARO_HISTORY_TEST_STATE: join(userData, 'test-state.json'),
        CARO_HISTORY_HOME: join(userData, 'store'),
      },
      launchArgs: ['--disable-extensions', '--user-data-dir', join(userData, 'ud'), '--disable-workspace-trust', root],
    });
  } finally {
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`test:electron failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
