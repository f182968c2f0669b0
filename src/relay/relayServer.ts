/**
 * Self-hosted Jazz 0.20 sync server ("relay") for Caro History.
 *
 * A cojson LocalNode with SQLite storage (better-sqlite3; the relay is a dev/server tool and is not shipped in the
 * .vsix) accepting cojson-transport-ws peers on the `ws` package. It only ever sees Jazz-encrypted CoValues whose
 * payloads are additionally Caro-encrypted batches (see docs/sync.md, "What the relay sees").
 */
import { LocalNode, getSqliteStorage, type SQLiteDatabaseDriver } from 'cojson';
import { WasmCrypto } from 'cojson/crypto/WasmCrypto';
import { createWebSocketPeer } from 'cojson-transport-ws';
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface RelayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: put a TLS proxy in front to expose it. */
  host?: string;
  /** Directory for `relay.db` (created if missing); data survives restarts. */
  dataDir: string;
  /** Ping interval in ms (an immediate ping is always sent on connect so clients start at once). */
  pingIntervalMs?: number;
}

export interface RunningRelay {
  /** ws://host:port */
  url: string;
  port: number;
  /** Path of the relay's SQLite file (tests scan it for plaintext). */
  dbPath: string;
  /** Number of currently connected clients. */
  readonly connections: number;
  stop(): Promise<void>;
}

/** cojson's SQLiteDatabaseDriver over better-sqlite3 with a prepared-statement cache. */
export class BetterSqliteDriver implements SQLiteDatabaseDriver {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  run(sql: string, params: unknown[]): void {
    this.prepare(sql).run(...params);
  }

  get<T>(sql: string, params: unknown[]): T | undefined {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  query<T>(sql: string, params: unknown[]): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  transaction(callback: () => unknown): void {
    this.db.transaction(callback)();
  }

  closeDb(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  checkpoint(): void {
    if (this.db.open) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true });
  const dbPath = join(opts.dataDir, 'relay.db');

  const crypto = await WasmCrypto.create();
  const secret = crypto.newRandomAgentSecret();
  const node = new LocalNode(secret, crypto.newRandomSessionID(crypto.getAgentID(secret)), crypto);
  const driver = new BetterSqliteDriver(dbPath);
  const storage = getSqliteStorage(driver);
  node.setStorage(storage);
  storage.enableDeletedCoValuesErasure?.();
  node.enableGarbageCollector();

  const sockets = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  let peerCounter = 0;

  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    // Plain HTTP requests get a short, human explanation (the sync protocol needs a WebSocket upgrade).
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Caro History relay (Jazz sync server). Point Caro History sync at this address with ws:// or wss://.\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    sockets.add(ws);
    const ping = () => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ping', time: Date.now(), dc: 'local' }));
    };
    const timer = setInterval(ping, opts.pingIntervalMs ?? 1500);
    timers.add(timer);
    ping();
    ws.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    peerCounter += 1;
    node.syncManager.addPeer(
      createWebSocketPeer({
        id: `client-${req.socket.remotePort ?? 0}-${peerCounter}`,
        role: 'client',
        websocket: ws as unknown as Parameters<typeof createWebSocketPeer>[0]['websocket'],
        expectPings: false,
        batchingByDefault: false,
        deletePeerStateOnClose: true,
      }),
    );
  });

  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        await node.gracefulShutdown();
      } catch {
        // storage already closed
      }
      try {
        driver.checkpoint();
      } catch {
        // closed by gracefulShutdown
      }
      driver.closeDb();
    })();
    return stopped;
  };

  return {
    url: `ws://${urlHost}:${port}`,
    port,
    dbPath,
    get connections() {
      return sockets.size;
    },
    stop,
  };
}
