/** `npm run relay -- --port 4200 --data .caro/relay [--host 127.0.0.1]`: runs the Caro History Jazz relay. */
import { resolve } from 'node:path';
import { parseRelayArgs, type RelayArgs } from './relayArgs';
import { startRelay } from './relayServer';

async function main(): Promise<void> {
  let args: RelayArgs;
  try {
    args = parseRelayArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
  // Handlers first, so a signal that arrives while starting still shuts down cleanly.
  const relayPromise = startRelay({ port: args.port, host: args.host, dataDir: resolve(args.dataDir) });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Caro relay stopping (${signal})`);
    relayPromise
      .then((relay) => relay.stop())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          console.error(e instanceof Error ? e.message : String(e));
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const relay = await relayPromise;
  // Tests and scripts parse this line.
  console.log(`Caro relay listening on ${relay.url} (data: ${relay.dbPath})`);
}

main().catch((e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EADDRINUSE') {
    console.error('That port is already in use. Pick another one with --port, or --port 0 for any free port.');
  } else {
    console.error(e instanceof Error ? e.message : String(e));
  }
  process.exit(1);
});
