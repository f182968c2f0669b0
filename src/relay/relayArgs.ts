/** Command-line flags of `npm run relay`. */
export interface RelayArgs {
  port: number;
  host: string;
  dataDir: string;
}

export function parseRelayArgs(argv: readonly string[]): RelayArgs {
  const args: RelayArgs = { port: 4200, host: '127.0.0.1', dataDir: '.caro/relay' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      throw new Error('usage: relay [--port 4200] [--host 127.0.0.1] [--data .caro/relay]   (--port 0 = any free port)');
    }
    if (value === undefined) throw new Error(`Missing value after ${flag ?? ''}. Run with --help for the options.`);
    if (flag === '--port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        throw new Error(`"${value}" is not a port number. Use a number from 0 to 65535 (0 = any free port).`);
      }
      args.port = n;
    } else if (flag === '--host') {
      args.host = value;
    } else if (flag === '--data') {
      args.dataDir = value;
    } else {
      throw new Error(`Unknown option "${flag ?? ''}". Run with --help for the options.`);
    }
    i++;
  }
  return args;
}
