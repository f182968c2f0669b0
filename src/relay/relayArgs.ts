/** Command-line flags (and environment) of `npm run relay`. */
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relayLimits';

export interface RelayArgs {
  port: number;
  host: string;
  dataDir: string;
  /** Only the limits given on the command line (the rest keep their defaults). */
  limits: Partial<RelayLimits>;
  /** Seconds between the log lines that count dropped frames and refused clients. */
  reportEverySeconds: number;
}

const MiB = 1024 * 1024;
const mib = (n: number) => `${Math.round((n / MiB) * 100) / 100} MB`;

export const RELAY_USAGE = [
  'usage: relay [--port 4200] [--host 127.0.0.1] [--data .caro/relay] [limits]   (--port 0 = any free port)',
  '',
  'Limits (sizes accept B, KB, MB, GB; defaults in brackets):',
  `  --max-message <size>       largest WebSocket message [${mib(DEFAULT_RELAY_LIMITS.maxPayloadBytes)}]`,
  `  --rate <size>              bytes per second per connection; faster clients are slowed, not cut off [${mib(DEFAULT_RELAY_LIMITS.bytesPerSecond)}]`,
  `  --burst <size>             bytes a connection may send at once before --rate applies [${mib(DEFAULT_RELAY_LIMITS.burstBytes)}]`,
  `  --message-rate <n>         sync messages per second per connection (slowed, not cut off) [${DEFAULT_RELAY_LIMITS.messagesPerSecond}]`,
  `  --max-bad-frames <n>       malformed messages tolerated per connection before it is closed [${DEFAULT_RELAY_LIMITS.maxBadFrames}]`,
  `  --quota <size>             stored data per account; beyond it the account can read but not upload [${mib(DEFAULT_RELAY_LIMITS.accountQuotaBytes)}]`,
  '  --allow-origin <origin>    a web page origin allowed to connect (repeatable; * = any). Clients that send no',
  '                             Origin header (VS Code, the caro-history CLI) are always allowed [none]',
  '  --report-every <seconds>   how often to log counts of dropped messages and refused clients [60]',
  '',
  'Environment:',
  '  CARO_RELAY_TOKEN           makes the relay private: clients must add ?token=<value> to the sync server URL',
  '                             (or send "Authorization: Bearer <value>"). Not a flag, so it stays out of `ps`.',
].join('\n');

function parseSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? 'b').toLowerCase()[0];
  const n = m ? Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1) : NaN;
  if (!Number.isFinite(n) || n < 1) {
    throw new Error(`"${value.slice(0, 40)}" is not a size for ${flag}. Use a number with an optional unit, e.g. 512KB or 4MB.`);
  }
  return Math.floor(n);
}

function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`"${value.slice(0, 40)}" is not a count for ${flag}. Use a whole number of 1 or more.`);
  }
  return n;
}

export function parseRelayArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): RelayArgs {
  const args: RelayArgs = { port: 4200, host: '127.0.0.1', dataDir: '.caro/relay', limits: {}, reportEverySeconds: 60 };
  const origins: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') throw new Error(RELAY_USAGE);
    if (value === undefined) throw new Error(`Missing value after ${flag ?? ''}. Run with --help for the options.`);
    switch (flag) {
      case '--port': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 65535) {
          throw new Error(`"${value}" is not a port number. Use a number from 0 to 65535 (0 = any free port).`);
        }
        args.port = n;
        break;
      }
      case '--host':
        args.host = value;
        break;
      case '--data':
        args.dataDir = value;
        break;
      case '--max-message':
        args.limits.maxPayloadBytes = parseSize(flag, value);
        break;
      case '--rate':
        args.limits.bytesPerSecond = parseSize(flag, value);
        break;
      case '--burst':
        args.limits.burstBytes = parseSize(flag, value);
        break;
      case '--message-rate':
        args.limits.messagesPerSecond = parseCount(flag, value);
        break;
      case '--max-bad-frames':
        args.limits.maxBadFrames = parseCount(flag, value);
        break;
      case '--quota':
        args.limits.accountQuotaBytes = parseSize(flag, value);
        break;
      case '--allow-origin':
        origins.push(value);
        break;
      case '--report-every':
        args.reportEverySeconds = parseCount(flag, value);
        break;
      default:
        throw new Error(`Unknown option "${(flag ?? '').slice(0, 40)}". Run with --help for the options.`);
    }
    i++;
  }
  if (origins.length > 0) args.limits.allowedOrigins = origins;
  const token = env.CARO_RELAY_TOKEN;
  if (token !== undefined && token !== '') {
    if (token.length < 16) throw new Error('CARO_RELAY_TOKEN is too short. Use at least 16 random characters, e.g. from `openssl rand -hex 24`.');
    args.limits.token = token;
  }
  return args;
}
