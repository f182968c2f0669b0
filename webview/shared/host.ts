/**
 * The webview end of the protocol: acquires the VS Code API exactly once, wraps it in a Messenger and offers typed
 * requests (`request('history/query', …)` resolves with the matching reply type or rejects with MessengerError).
 */
import {
  type HostToWebview,
  type InitDto,
  Messenger,
  MessengerError,
  PROTOCOL_VERSION,
  REPLY_TYPES,
  type ReplyFor,
  type RequestOf,
  type RequestType,
  type ViewId,
  type WebviewToHost,
  parseHostMessage,
} from '../../src/core/protocol/webviewProtocol';

/** Requests that may wait on a modal dialog or a terminal get a long timeout. */
const INTERACTIVE = new Set<string>(['history/insert', 'history/delete', 'history/export', 'devices/remove', 'sync/setup', 'sync/join', 'sync/now']);
const DEFAULT_TIMEOUT_MS = 15_000;
const INTERACTIVE_TIMEOUT_MS = 10 * 60_000;

export type PushListener = (body: HostToWebview) => void;

export interface HostConnection<S> {
  /** Sends `ready` and resolves with the host's initial state. */
  ready(): Promise<InitDto>;
  request<K extends RequestType>(body: RequestOf<K>): Promise<ReplyFor<K>>;
  notify(body: WebviewToHost): void;
  onPush(listener: PushListener): () => void;
  getState(): S | undefined;
  setState(state: S): void;
}

export function connectToHost<S>(view: ViewId): HostConnection<S> {
  const api = acquireVsCodeApi<S>();
  const listeners = new Set<PushListener>();
  const messenger = new Messenger<WebviewToHost, HostToWebview>({
    post: (e) => api.postMessage(e),
    onMessage: (body) => {
      for (const l of [...listeners]) l(body);
      return undefined;
    },
    asError: (b) => (b.type === 'error' ? new MessengerError(b.code, b.message, b.action) : undefined),
    timeoutMs: DEFAULT_TIMEOUT_MS,
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseHostMessage(event.data);
    if (parsed.ok) void messenger.handle(parsed.value);
  });
  const report = (message: string): void => messenger.notify({ type: 'webview/error', message: message.slice(0, 1_000) });
  window.addEventListener('error', (e) => report(`${view}: ${e.message}`));
  window.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
    const r: unknown = e.reason;
    if (r instanceof MessengerError) return; // already shown where the request was made
    report(`${view}: ${r instanceof Error ? r.message : 'unhandled rejection'}`);
  });

  const request = async <K extends RequestType>(req: RequestOf<K>): Promise<ReplyFor<K>> => {
    const body = req as WebviewToHost;
    const reply = await messenger.request(body, INTERACTIVE.has(body.type) ? INTERACTIVE_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
    const expected: string | null = REPLY_TYPES[body.type];
    if (reply.type !== expected) throw new MessengerError('unexpectedReply', `Unexpected answer to "${body.type}".`);
    return reply as ReplyFor<K>;
  };

  return {
    ready: async () => {
      const init = await request<'ready'>({ type: 'ready', view, protocolVersion: PROTOCOL_VERSION });
      return init.state;
    },
    request,
    notify: (body) => messenger.notify(body),
    onPush: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getState: () => api.getState(),
    setState: (s) => {
      api.setState(s);
    },
  };
}

/** Plain-language text for a failed request (message + the action that fixes it). */
export function describeError(e: unknown): string {
  if (e instanceof MessengerError) {
    if (e.code === 'timeout') return 'Caro History did not answer in time. Try again, or reload the window if it keeps happening.';
    if (e.code === 'disposed') return 'This view was closed.';
    return e.action ? `${e.message} ${e.action}` : e.message;
  }
  return e instanceof Error ? e.message : 'Something went wrong.';
}
