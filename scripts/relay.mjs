// `npm run relay -- [--port 4200] [--data .caro/relay] …`: bundles the relay (src/relay) with the one build script and
// runs it IN THIS PROCESS, so the signal npm passes on (package.json starts this with `exec`) reaches the relay itself
// and nothing is left running after SIGINT/SIGTERM. Flags: `npm run relay -- --help`.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runForwardingSignals } from './forwardSignals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = await runForwardingSignals(process.execPath, [join(root, 'scripts/build.mjs'), '--only', 'relay'], { cwd: root });
if (built !== 0) process.exit(built);
const relayMain = join(root, 'dist', 'relay.js');
process.argv = [process.argv[0], relayMain, ...process.argv.slice(2)];
await import(pathToFileURL(relayMain).href);
