/**
 * Opening a connection to a Jazz sync server and telling apart "cannot reach it" from "that is not a Jazz server".
 * Node 20 has no global WebSocket: the engine passes the `ws` package's class (or a test wrapper).
 */
import type { AnyWebSocketConstructor } from 'cojson-transport-ws';
import { CaroError } from '../model/errors';
import { guardRelaySocket } from './guardedSocket';
import { checkFrame } from './wireGuard';

export type WebSocketConstructor = AnyWebSocketConstructor;
export type AnyWebSocket = InstanceType<AnyWebSocketConstructor>;

/** Within 5 s of a failure the status says "offline" (a server that accepts but never answers is a failure). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 4000;

/** Accepts ws:// and wss:// (http(s):// is mapped to ws(s)://). Throws CaroError 'invalidInput' otherwise. */
export function normaliseRelayUrl(input: string): string {
  const text = (input ?? '').trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CaroError(
      'invalidInput',
      `"${text.slice(0, 200)}" is not a sync server address.`,
      'Use an address like wss://sync.example.com or ws://127.0.0.1:4200 in the "Sync server URL" setting.',
    );
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new CaroError(
      'invalidInput',
      `The sync server address must start with wss:// or ws:// (got ${url.protocol}//).`,
      'Fix the "Sync server URL" setting, e.g. wss://sync.example.com or ws://127.0.0.1:4200.',
    );
  }
  return url.toString();
}

/** Address for messages: no credentials and no query string (Jazz Cloud API keys live in the query). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the configured sync server';
  }
}

export function unreachableError(url: string, detail?: string): CaroError {
  return new CaroError(
    'relayUnreachable',
    `Can't reach the sync server at ${displayUrl(url)}${detail ? ` (${detail})` : ''}.`,
    'Check your network connection and the "Sync server URL" setting. Commands are kept on this device and will sync when the server is reachable again.',
  );
}

export function notJazzError(url: string): CaroError {
  return new CaroError(
    'notAJazzServer',
    `The server at ${displayUrl(url)} answered, but it is not a Jazz sync server.`,
    'Check the "Sync server URL" setting: it must point to a Caro relay (npm run relay), a self-hosted Jazz sync server or Jazz Cloud.',
  );
}

/** A private relay (Caro relay with CARO_RELAY_TOKEN) answers 401 without the token, 403 to a refused web origin. */
export function refusedError(url: string): CaroError {
  return new CaroError(
    'relayUnreachable',
    `The sync server at ${displayUrl(url)} refused the connection: it is private.`,
    'Add the access token to the "Sync server URL" setting, e.g. wss://sync.example.com/?token=<token> (ask whoever runs the server).',
  );
}

/** Node's `ws` (and browsers) emit 'error', which cojson's socket type does not declare. */
interface ErrorEvents {
  addEventListener(type: 'error', listener: (ev: unknown) => void): void;
  removeEventListener(type: 'error', listener: (ev: unknown) => void): void;
}

interface ErrorLike {
  message?: string;
  error?: { code?: string; message?: string };
}

function classify(url: string, ev: unknown): CaroError {
  const e = ev as ErrorLike | undefined;
  const message = e?.error?.message ?? e?.message ?? '';
  const code = e?.error?.code ?? '';
  if (/Unexpected server response: 40[13]\b/.test(message)) return refusedError(url);
  if (/Unexpected server response|Invalid WebSocket frame|invalid status|sec-websocket/i.test(message)) {
    return notJazzError(url);
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return unreachableError(url, 'connection refused');
  if (code === 'ENOTFOUND' || /ENOTFOUND|EAI_AGAIN/.test(message)) return unreachableError(url, 'unknown host');
  return unreachableError(url);
}

/**
 * Opens a WebSocket and waits for the server's first valid Jazz message (every Jazz sync server sends a ping at once).
 * Rejects with CaroError 'relayUnreachable' or 'notAJazzServer'.
 */
export function openRelaySocket(
  url: string,
  Ctor: WebSocketConstructor,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<AnyWebSocket> {
  return new Promise<AnyWebSocket>((resolve, reject) => {
    let ws: AnyWebSocket;
    try {
      ws = new Ctor(url);
    } catch (e) {
      reject(classify(url, { message: e instanceof Error ? e.message : String(e) }));
      return;
    }
    let opened = false;
    let settled = false;
    const finish = (error?: CaroError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeEventListener('message', onMessage);
      (ws as unknown as ErrorEvents).removeEventListener('error', onError);
      ws.removeEventListener('close', onClose);
      ws.removeEventListener('open', onOpen);
      if (error) {
        try {
          ws.close();
        } catch {
          // already closed
        }
        reject(error);
      } else {
        // Every later frame goes through the same check before cojson sees it.
        resolve(guardRelaySocket(ws));
      }
    };
    const onOpen = () => {
      opened = true;
    };
    const onMessage = (ev: { data: unknown }) => {
      // A ping or well-formed sync messages (checked like every later frame, see wireGuard.ts).
      finish(ev.data !== '' && checkFrame(ev.data).ok ? undefined : notJazzError(url));
    };
    const onError = (ev: unknown) => finish(classify(url, ev));
    const onClose = () => finish(opened ? notJazzError(url) : unreachableError(url));
    const timer = setTimeout(() => finish(opened ? notJazzError(url) : unreachableError(url, 'timed out')), timeoutMs);
    ws.addEventListener('open', onOpen);
    ws.addEventListener('message', onMessage);
    (ws as unknown as ErrorEvents).addEventListener('error', onError);
    ws.addEventListener('close', onClose);
  });
}
