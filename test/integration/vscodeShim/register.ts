// Makes `require('vscode')` resolve to the shim, for the extension integration tests only. Import this FIRST.
import Module from 'node:module';
import { join } from 'node:path';

const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]): string {
  if (request === 'vscode') return join(__dirname, 'vscode.ts');
  return original.call(this, request, ...rest);
};
