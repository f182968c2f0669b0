import * as vscode from 'vscode';
import { HistoryController } from './historyController';
import { WebviewHost, webviewOptions } from './webviewHost';
import type { HostUi, WebviewServices } from './webviewServices';

/** The panel's view type (package.json: activationEvents `onWebviewPanel:caroHistory.historyPanel`). */
export const HISTORY_PANEL_VIEW_TYPE = 'caroHistory.historyPanel';
const TITLE = 'Caro History';

/** The history explorer: one WebviewPanel at a time, revealed if already open, restored after a reload. */
export class HistoryPanel implements vscode.Disposable {
  private static current: HistoryPanel | undefined;
  private readonly host: WebviewHost;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, services: WebviewServices, ui: HostUi): HistoryPanel {
    const existing = HistoryPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(HISTORY_PANEL_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      // The app keeps its filters, scroll and selection with setState, so the document may be discarded when hidden.
      retainContextWhenHidden: false,
    });
    return new HistoryPanel(panel, extensionUri, services, ui);
  }

  /** Re-attach a panel VS Code restored after a window reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, services: WebviewServices, ui: HostUi): HistoryPanel {
    HistoryPanel.current?.dispose();
    return new HistoryPanel(panel, extensionUri, services, ui);
  }

  static disposeCurrent(): void {
    HistoryPanel.current?.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    services: WebviewServices,
    ui: HostUi,
  ) {
    HistoryPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.host = new WebviewHost(panel.webview, extensionUri, new HistoryController(services, ui), TITLE, services.logger);
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      // Hidden panels lose their document (retainContextWhenHidden is off): hold pushes until the next `ready`.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.host.reset();
      }),
    );
  }

  dispose(): void {
    if (HistoryPanel.current === this) HistoryPanel.current = undefined;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.host.dispose();
    this.panel.dispose();
  }
}
