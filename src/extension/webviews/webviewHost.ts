import * as vscode from 'vscode';
import type { ViewId } from '../../core/protocol/webviewProtocol';
import type { Logger } from '../../core/util/logger';
import { buildWebviewHtml, createNonce } from './webviewHtml';
import { type ViewController, WebviewSession } from './webviewSession';

/** Folder of the built webview bundles: the only local resource root. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

/**
 * Binds a vscode.Webview to a controller: CSP + nonce HTML, message validation, the ready gate and the Messenger.
 * Dispose it with the panel/view.
 */
export class WebviewHost implements vscode.Disposable {
  private readonly session: WebviewSession;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    readonly controller: ViewController,
    title: string,
    logger: Logger,
  ) {
    webview.options = webviewOptions(extensionUri);
    this.session = new WebviewSession(controller, (envelope) => {
      void this.webview.postMessage(envelope).then(undefined, (e: unknown) => {
        logger.warn(`${controller.view} view: a message could not be delivered (${e instanceof Error ? e.message : 'unknown'})`);
      });
    }, logger);
    this.subscriptions.push(webview.onDidReceiveMessage((m: unknown) => this.session.receive(m)));
    webview.html = this.html(controller.view, title, extensionUri);
  }

  private html(view: ViewId, title: string, extensionUri: vscode.Uri): string {
    const root = webviewRoot(extensionUri);
    const uri = (file: string): string => this.webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    return buildWebviewHtml({
      view,
      title,
      cspSource: this.webview.cspSource,
      nonce: createNonce(),
      scriptUri: uri(`${view}.js`),
      styleUris: [uri('codicon.css'), uri(`${view}.css`)],
    });
  }

  /** The webview document was discarded (e.g. hidden view): wait for its next `ready`. */
  reset(): void {
    this.session.reset();
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.session.dispose();
    this.controller.dispose();
  }
}
