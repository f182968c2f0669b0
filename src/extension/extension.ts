import type * as vscode from 'vscode';

/** Composition only: everything else lives in services and src/core. */
export async function activate(_context: vscode.ExtensionContext): Promise<void> {
  // Filled in by the extension issue.
}

export function deactivate(): void {
  // nothing yet
}
