// Extension-host tests for a downloaded desktop VS Code (`npm run test:electron`); bundled by scripts/testElectron.mjs.
// They use the real `vscode` API, the real extension from this folder and the test-hook state file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'caro.caro-history';

interface HookState {
  activated: boolean;
  storedCount: number;
  capturedCount: number;
  lastCaptured?: { command: string; exitCode?: number; stored: boolean };
}

function hookState(): HookState | undefined {
  try {
    return JSON.parse(readFileSync(process.env['CARO_HISTORY_TEST_STATE'] ?? '', 'utf8')) as HookState;
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Caro History in desktop VS Code (extension host)', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded from the development path`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command declared in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const declared = ((ext?.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
      (c) => c.command,
    );
    assert.ok(declared.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });

  it('captures a command run in a bash terminal with shell integration', async function () {
    if (process.platform === 'win32') this.skip();
    const terminal = vscode.window.createTerminal({ name: 'caro-electron', shellPath: '/bin/bash' });
    const integration = await new Promise<vscode.TerminalShellIntegration>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('shell integration did not start within 15 s')), 15_000);
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal === terminal) {
          clearTimeout(timer);
          sub.dispose();
          resolve(e.shellIntegration);
        }
      });
    });
    integration.executeCommand('echo caro-electron-capture');
    const state = await until('the command to be stored', () => {
      const s = hookState();
      return s?.lastCaptured?.command === 'echo caro-electron-capture' && s.lastCaptured.stored ? s : undefined;
    });
    assert.equal(state.lastCaptured?.exitCode, 0);
    terminal.dispose();
  });
});
