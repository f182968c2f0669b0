import { randomBytes } from 'node:crypto';
import type { ViewId } from '../../core/protocol/webviewProtocol';

/** A nonce from the crypto RNG (never Math.random): one per rendered document. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface WebviewHtmlOptions {
  view: ViewId;
  title: string;
  /** webview.cspSource: the only origin styles, fonts and images may come from. */
  cspSource: string;
  nonce: string;
  /** URIs (as strings) of dist/webview/<view>.js, <view>.css and codicon.css. */
  scriptUri: string;
  styleUris: readonly string[];
}

/** The Content-Security-Policy of every Caro webview: nothing inline, scripts only with this document's nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${attr(o.title)}</title>
  </head>
  <body data-view="${attr(o.view)}">
    <div id="root" class="caro-root"><p class="caro-loading">Loading…</p></div>
    <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
  </body>
</html>`;
}
