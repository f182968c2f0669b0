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
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../core/util/clock';
import { guardConnection } from './connectionGuard';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relayLimits';
import { RelayStats } from './relayStats';
import { StorageQuota } from './storageQuota';

export interface RelayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: put a TLS proxy in front to expose it. */
  host?: string;
  /** Directory for `relay.db` (created if missing); data survives restarts. */
  dataDir: string;
  /** Ping interval in ms (an immediate ping is always sent on connect so clients start at once). */
  pingIntervalMs?: number;
  /** Overrides of {@link DEFAULT_RELAY_LIMITS}. */
  limits?: Partial<RelayLimits>;
  /** Time source of the rate limits (tests). */
  clock?: Clock;
}

export interface RunningRelay {
  /** ws://host:port */
  url: string;
  port: number;
  /** Path of the relay's SQLite file (tests scan it for plaintext). */
  dbPath: string;
  /** Number of currently connected clients. */
  readonly connections: number;
  /** Counters of dropped frames, closed and refused connections (the only thing logged about bad clients). */
  readonly stats: RelayStats;
  /** Stored transaction bytes per account (owner = the part of a session id before `_session_`). */
  readonly quota: StorageQuota;
  stop(): Promise<void>;
}

/** cojson's SQLiteDatabaseDriver over better-sqlite3 with a prepared-statement cache. */
export class BetterSqliteDriver implements SQLiteDatabaseDriver {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly sessionIds = new Map<number, string>();
  /** Called with (session id, bytes) for every transaction cojson stores (quota accounting). */
  onTransactionStored?: (sessionId: string, bytes: number) => void;

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
    if (this.onTransactionStored && sql.startsWith('INSERT INTO transactions')) {
      const [ses, , tx] = params as [number, number, string];
      const sessionId = this.sessionIds.get(ses) ?? this.get<{ sessionID: string }>(SESSION_OF_ROW, [ses])?.sessionID;
      if (sessionId !== undefined) this.onTransactionStored(sessionId, tx.length);
    }
  }

  get<T>(sql: string, params: unknown[]): T | undefined {
    const row = this.prepare(sql).get(...params) as T | undefined;
    if (sql.startsWith('INSERT INTO sessions') && typeof params[1] === 'string') {
      const rowId = (row as { rowID?: number } | undefined)?.rowID;
      if (typeof rowId === 'number') this.sessionIds.set(rowId, params[1]);
    }
    return row;
  }

  /** Stored transaction bytes per session, for the quota at startup. */
  storedBytesBySession(): { sessionID: string; bytes: number }[] {
    return this.query<{ sessionID: string; bytes: number }>(
      'SELECT s.sessionID AS sessionID, COALESCE(SUM(LENGTH(t.tx)), 0) AS bytes FROM sessions s JOIN transactions t ON t.ses = s.rowID GROUP BY s.rowID',
      [],
    );
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

const SESSION_OF_ROW = 'SELECT sessionID FROM sessions WHERE rowID = ?';

/** Why an upgrade request is refused, or undefined to accept it. */
function refusal(req: IncomingMessage, limits: RelayLimits): 'origin' | 'token' | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !limits.allowedOrigins.includes('*') && !limits.allowedOrigins.includes(origin)) {
    return 'origin';
  }
  if (limits.token !== undefined) {
    const auth = req.headers.authorization;
    const fromHeader = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const fromQuery = new URL(req.url ?? '/', 'ws://relay').searchParams.get('token') ?? undefined;
    const given = fromHeader ?? fromQuery ?? '';
    const digest = (t: string) => createHash('sha256').update(t).digest();
    if (!timingSafeEqual(digest(given), digest(limits.token))) return 'token';
  }
  return undefined;
}

function refuse(socket: Duplex, status: 401 | 403, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true });
  const dbPath = join(opts.dataDir, 'relay.db');

  const crypto = await WasmCrypto.create();
  const secret = crypto.newRandomAgentSecret();
  const node = new LocalNode(secret, crypto.newRandomSessionID(crypto.getAgentID(secret)), crypto);
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...opts.limits };
  const stats = new RelayStats();
  const quota = new StorageQuota(limits.accountQuotaBytes);
  const driver = new BetterSqliteDriver(dbPath);
  const storage = getSqliteStorage(driver);
  for (const { sessionID, bytes } of driver.storedBytesBySession()) quota.record(sessionID, bytes);
  driver.onTransactionStored = (sessionId, bytes) => quota.record(sessionId, bytes);
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    sockets.add(ws);
    const ping = () => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ping', time: Date.now(), dc: 'local' }));
    };
    const timer = setInterval(ping, opts.pingIntervalMs ?? 1500);
    timers.add(timer);
    ping();
    const guarded = guardConnection(ws, { limits, quota, stats, clock: opts.clock ?? systemClock });
    ws.on('close', () => {
      guarded.dispose();
      clearInterval(timer);
      timers.delete(timer);
      sockets.delete(ws);
    });
    ws.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') stats.closedTooLarge += 1;
      ws.terminate();
    });
    peerCounter += 1;
    node.syncManager.addPeer(
      createWebSocketPeer({
        id: `client-${req.socket.remotePort ?? 0}-${peerCounter}`,
        role: 'client',
        websocket: guarded.socket,
        expectPings: false,
        batchingByDefault: false,
        deletePeerStateOnClose: true,
      }),
    );
  });

  server.on('upgrade', (req, socket, head) => {
    const refused = refusal(req, limits);
    if (refused === 'origin') {
      stats.refusedOrigin += 1;
      refuse(socket, 403, 'This relay does not accept connections from web pages of that origin.\n');
      return;
    }
    if (refused === 'token') {
      stats.refusedToken += 1;
      refuse(socket, 401, 'This relay is private: add ?token=<access token> to the sync server URL.\n');
      return;
    }
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
    stats,
    quota,
    stop,
  };
}
