/** `caro-history` CLI entry (dist/cli.js). All logic is in cliApp.ts so tests can also run it in-process. */
import { runCli } from './cliApp';

runCli(process.argv.slice(2), {
  // Loaded only for `caro-history sync …`, so the other commands do not pay for loading Jazz.
  sync: async (args, ctx) => (await import('./syncCli')).runSyncCli(args, ctx),
}).then(
  (code) => {
    process.exitCode = code;
    // Let stdout/stderr drain; if a stray handle kept the process alive, still exit.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (e: unknown) => {
    process.stderr.write(`Unexpected error: ${e instanceof Error ? e.name : 'error'}\n`);
    process.exit(1);
  },
);
