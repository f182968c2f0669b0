import * as vscode from 'vscode';
import { DEVICES_VIEW_ID, DevicesViewProvider } from './devicesView';
import { HISTORY_PANEL_VIEW_TYPE, HistoryPanel } from './historyPanel';
import type { HostUi, WebviewServices } from './webviewServices';

/** What registerWebviews hands back: dispose it with the extension; call the show methods from commands. */
export interface WebviewRegistration extends vscode.Disposable {
  /** Opens (or reveals) the history panel. */
  showHistoryPanel(): void;
  /** Focuses the devices view (runs `caroHistory.devices.focus`). */
  revealDevices(): Promise<void>;
}

export function vscodeHostUi(): HostUi {
  return {
    async confirm(message, detail, confirmLabel) {
      const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
      return pick === confirmLabel;
    },
    async executeCommand(commandId) {
      await vscode.commands.executeCommand(commandId);
    },
  };
}

/**
 * Registers the history panel (serializer, so it survives reloads) and the devices WebviewView.
 * package.json needs (owned by the extension helper):
 * - contributes.views.caroHistory: `{ "type": "webview", "id": "caroHistory.devices", "name": "Devices" }`
 * - activationEvents: `onWebviewPanel:caroHistory.historyPanel` (restore after reload) and `onView:caroHistory.devices`
 *   (implicit for contributed views in VS Code >= 1.74).
 */
export function registerWebviews(context: vscode.ExtensionContext, services: WebviewServices): WebviewRegistration {
  const ui = vscodeHostUi();
  const extensionUri = context.extensionUri;
  const devices = new DevicesViewProvider(extensionUri, services, ui);
  const subscriptions: vscode.Disposable[] = [
    devices,
    vscode.window.registerWebviewViewProvider(DEVICES_VIEW_ID, devices),
    vscode.window.registerWebviewPanelSerializer(HISTORY_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        HistoryPanel.revive(panel, extensionUri, services, ui);
      },
    }),
    { dispose: () => HistoryPanel.disposeCurrent() },
  ];
  const registration: WebviewRegistration = {
    showHistoryPanel: () => {
      HistoryPanel.show(extensionUri, services, ui);
    },
    revealDevices: async () => {
      if (!devices.reveal()) await vscode.commands.executeCommand(`${DEVICES_VIEW_ID}.focus`);
    },
    dispose: () => {
      for (const s of subscriptions.splice(0).reverse()) s.dispose();
    },
  };
  context.subscriptions.push(registration);
  return registration;
}
