/**
 * A loopback WebSocket proxy that records the text frames a real client sends to the relay (and the relay's
 * answers), so fuzzers can mutate real cojson traffic instead of guessing its shape.
 */
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

export interface RelayTap {
  url: string;
  /** Client -> relay text frames, in order (capped). */
  up: string[];
  /** Relay -> client text frames, in order (capped). */
  down: string[];
  close(): Promise<void>;
}

export async function startRelayTap(relayUrl: string, cap = 2000): Promise<RelayTap> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const up: string[] = [];
  const down: string[] = [];
  wss.on('connection', (client, req) => {
    const relay = new WebSocket(relayUrl + (req.url ?? '/'));
    const pending: string[] = [];
    relay.on('open', () => pending.splice(0).forEach((f) => relay.send(f)));
    client.on('message', (d: Buffer, isBinary: boolean) => {
      const text = d.toString();
      if (!isBinary && up.length < cap) up.push(text);
      if (relay.readyState === relay.OPEN) relay.send(text);
      else pending.push(text);
    });
    relay.on('message', (d: Buffer) => {
      const text = d.toString();
      if (down.length < cap) down.push(text);
      if (client.readyState === client.OPEN) client.send(text);
    });
    client.on('close', () => relay.close());
    relay.on('close', () => client.close());
    client.on('error', () => relay.terminate());
    relay.on('error', () => client.terminate());
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    up,
    down,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}
