import type * as vscode from 'vscode';
import { DevicesController } from './devicesController';
import { WebviewHost } from './webviewHost';
import type { HostUi, WebviewServices } from './webviewServices';

/** View id inside the "caroHistory" activity-bar container (package.json `contributes.views`, type "webview"). */
export const DEVICES_VIEW_ID = 'caroHistory.devices';
const TITLE = 'Devices';

/** Sidebar view: sync state, fingerprint, devices and their actions; the empty state explains sync when it is off. */
export class DevicesViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private host: WebviewHost | undefined;
  private view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: WebviewServices,
    private readonly ui: HostUi,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.host?.dispose();
    this.view = view;
    this.host = new WebviewHost(view.webview, this.extensionUri, new DevicesController(this.services, this.ui), TITLE, this.services.logger);
    // A collapsed view loses its document: hold pushes until the next `ready`.
    view.onDidChangeVisibility(() => {
      if (!view.visible) this.host?.reset();
    });
    view.onDidDispose(() => {
      if (this.view === view) {
        this.host?.dispose();
        this.host = undefined;
        this.view = undefined;
      }
    });
  }

  /** Bring the view forward if it was resolved. */
  reveal(): boolean {
    if (!this.view) return false;
    this.view.show(true);
    return true;
  }

  dispose(): void {
    this.host?.dispose();
    this.host = undefined;
  }
}
