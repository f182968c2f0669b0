// Entry point @vscode/test-electron loads inside the desktop VS Code extension host (see scripts/testElectron.mjs).
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true, forbidOnly: true });
  mocha.addFile(join(__dirname, 'extensionHost.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
