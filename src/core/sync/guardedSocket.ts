/**
 * A WebSocket view for cojson-transport-ws that hands its 'message' listeners only the frames a filter lets through.
 * The relay filters frames from clients with it, the engine frames from the relay: a broken or hostile peer's frame
 * is dropped here and never reaches cojson's message handler (which throws on e.g. the frame `42`).
 */
import type { AnyWebSocket } from './relayConnection';
import { checkFrame, type FrameLimits, type FrameVerdict } from './wireGuard';

type Listener = (event: never) => void;

/** `deliver(verdict, data)` returns true to pass the frame on unchanged; if it throws the frame is dropped. */
export function guardSocket(
  inner: AnyWebSocket,
  deliver: (verdict: FrameVerdict, data: unknown) => boolean,
  limits?: FrameLimits,
): AnyWebSocket {
  const wrapped = new Map<Listener, Listener>();
  const wrap = (listener: Listener): Listener => {
    let w = wrapped.get(listener);
    if (!w) {
      w = ((event: { data: unknown }) => {
        let pass = false;
        try {
          pass = deliver(checkFrame(event.data, limits), event.data);
        } catch {
          pass = false;
        }
        if (pass) (listener as (e: { data: unknown }) => void)(event);
      }) as Listener;
      wrapped.set(listener, w);
    }
    return w;
  };
  const view = {
    addEventListener(type: string, listener: Listener, options?: { once: boolean }): void {
      const target = inner as unknown as { addEventListener(t: string, l: Listener, o?: { once: boolean }): void };
      target.addEventListener(type, type === 'message' ? wrap(listener) : listener, options);
    },
    removeEventListener(type: string, listener: Listener): void {
      const target = inner as unknown as { removeEventListener(t: string, l: Listener): void };
      target.removeEventListener(type, type === 'message' ? (wrapped.get(listener) ?? listener) : listener);
      if (type === 'message') wrapped.delete(listener);
    },
    close(): void {
      inner.close();
    },
    send(data: string): void {
      inner.send(data);
    },
    get readyState(): number {
      return inner.readyState;
    },
    get bufferedAmount(): number {
      return inner.bufferedAmount;
    },
  };
  return view as unknown as AnyWebSocket;
}

/** Client side: a frame the guard rejects is dropped (cojson would throw on some of them inside the extension host). */
export function guardRelaySocket(inner: AnyWebSocket): AnyWebSocket {
  return guardSocket(inner, (verdict) => verdict.ok);
}
