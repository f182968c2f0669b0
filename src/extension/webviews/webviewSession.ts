import {
  type Envelope,
  type HostToWebview,
  type InitDto,
  Messenger,
  PROTOCOL_VERSION,
  type ViewId,
  type WebviewToHost,
  parseWebviewMessage,
} from '../../core/protocol/webviewProtocol';
import { type Disposable, DisposableStore } from '../../core/util/disposable';
import type { Event } from '../../core/util/emitter';
import type { Logger } from '../../core/util/logger';
import { toErrorReply } from './viewModels';

/** Host-side logic of one view (history panel, devices view). vscode-free so it runs in the Chromium harness too. */
export interface ViewController extends Disposable {
  readonly view: ViewId;
  /** Initial state, sent as the reply to `ready`. */
  init(): Promise<InitDto>;
  /** Handles one validated request; returns its reply (undefined for fire-and-forget messages). */
  handle(message: Exclude<WebviewToHost, { type: 'ready' }>): Promise<HostToWebview | undefined>;
  /** Updates the host pushes on its own (history changed, sync status). */
  readonly onPush: Event<HostToWebview>;
}

/**
 * One live webview: validates every incoming message, gates everything behind the `ready` handshake, answers
 * requests through the Messenger and forwards controller pushes once the view is ready.
 */
export class WebviewSession implements Disposable {
  private readonly store = new DisposableStore();
  private readonly messenger: Messenger<HostToWebview, WebviewToHost>;
  private isReady = false;
  /** Messages dropped by validation or the ready gate (for diagnostics and tests). */
  rejected = 0;

  constructor(
    private readonly controller: ViewController,
    post: (envelope: Envelope<HostToWebview>) => void,
    private readonly logger: Logger,
  ) {
    this.messenger = new Messenger<HostToWebview, WebviewToHost>({
      post,
      onMessage: (body) => this.dispatch(body),
      onError: (e, body) => toErrorReply(e, body.type, logger),
    });
    this.store.add(this.messenger);
    this.store.add(controller.onPush((body) => {
      if (this.isReady) this.messenger.notify(body);
    }));
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** Feed one raw message from the webview. Invalid ones are logged (reason only, never contents) and dropped. */
  receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.rejected++;
      this.logger.warn(`${this.controller.view} view: ignored an invalid message (${parsed.reason})`);
      return Promise.resolve();
    }
    if (!this.isReady && parsed.value.body.type !== 'ready') {
      this.rejected++;
      this.logger.warn(`${this.controller.view} view: ignored "${parsed.value.body.type}" before the view was ready`);
      return Promise.resolve();
    }
    return this.messenger.handle(parsed.value);
  }

  /** The view is gone (hidden without retained context, or reloaded): wait for a new `ready`. */
  reset(): void {
    this.isReady = false;
  }

  private async dispatch(body: WebviewToHost): Promise<HostToWebview | undefined> {
    if (body.type === 'ready') {
      if (body.view !== this.controller.view) {
        return { type: 'error', code: 'invalidInput', message: `This panel expected the ${this.controller.view} view.`, action: 'Close the panel and open it again.' };
      }
      if (body.protocolVersion !== PROTOCOL_VERSION) {
        return {
          type: 'error',
          code: 'invalidInput',
          message: 'The panel and the extension are from different versions.',
          action: 'Reload the window (Developer: Reload Window).',
        };
      }
      const state = await this.controller.init();
      this.isReady = true;
      return { type: 'init', state };
    }
    return this.controller.handle(body);
  }

  dispose(): void {
    this.store.dispose();
  }
}
