/** `npm run relay -- --port 4200 --data .caro/relay [--host 127.0.0.1] [limits]`: runs the Caro History Jazz relay. */
import { resolve } from 'node:path';
import { logger } from 'cojson';
import { parseRelayArgs, RELAY_USAGE, type RelayArgs } from './relayArgs';
import { RelayLogSystem, statsReporter } from './relayLog';
import { startRelay } from './relayServer';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(RELAY_USAGE);
    process.exit(0);
  }
  let args: RelayArgs;
  try {
    args = parseRelayArgs(argv, process.env);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
  const cojsonLog = new RelayLogSystem((line) => console.error(line));
  logger.setLogSystem(cojsonLog);
  // Handlers first, so a signal that arrives while starting still shuts down cleanly.
  const relayPromise = startRelay({ port: args.port, host: args.host, dataDir: resolve(args.dataDir), limits: args.limits });
  let stopping = false;
  const reporter: { report?: () => void } = {};
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Caro relay stopping (${signal})`);
    reporter.report?.();
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
  const reportStats = statsReporter(relay.stats, (line) => console.log(line));
  const report = () => {
    reportStats();
    const more = cojsonLog.endPeriod();
    if (more) console.error(more);
  };
  reporter.report = report;
  setInterval(report, args.reportEverySeconds * 1000).unref();
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
