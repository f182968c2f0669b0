/** Raw WebSocket clients for the relay hostile-traffic tests: send any frame, wait for replies or the close. */
import { WebSocket, type ClientOptions } from 'ws';

export interface RawClient {
  ws: WebSocket;
  /** Text frames received (the relay's pings and replies). */
  received: string[];
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(frame: string | Buffer): Promise<void>;
  /** Sends a `load` for an unknown id and waits for the relay's answer: every earlier frame has been handled. */
  roundTrip(): Promise<boolean>;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function randomCoId(rnd: () => number = Math.random): string {
  return `co_z${Array.from({ length: 40 }, () => B58[Math.floor(rnd() * B58.length)]).join('')}`;
}

export function openRaw(url: string, opts: ClientOptions = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    const received: string[] = [];
    const closed = new Promise<number>((r) => ws.once('close', (code: number) => r(code)));
    ws.on('message', (d: Buffer) => received.push(d.toString()));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => undefined);
      const client: RawClient = {
        ws,
        received,
        closed,
        send: (frame) =>
          new Promise<void>((res) => {
            if (ws.readyState !== ws.OPEN) return res();
            ws.send(frame, () => res());
          }),
        roundTrip: async () => {
          const id = randomCoId();
          await client.send(JSON.stringify({ action: 'load', id, header: false, sessions: {} }));
          const deadline = Date.now() + 10_000;
          while (Date.now() < deadline) {
            if (received.some((f) => f.includes(id))) return true;
            if (ws.readyState !== ws.OPEN) return false;
            await new Promise((r) => setTimeout(r, 10));
          }
          return false;
        },
      };
      resolve(client);
    });
  });
}
