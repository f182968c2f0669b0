// Dependency-free: runs a child process and passes SIGINT/SIGTERM/SIGHUP on to it, so stopping the parent (npm, a
// plain `kill -INT <pid>`, the shell going away) stops the child too instead of leaving it orphaned. Used by the
// bootstrap (`npm ci`) and by `npm test`'s steps; `npm start` manages its own process groups.
import { spawn } from 'node:child_process';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };

/** Runs `cmd args` with inherited stdio; resolves with its exit code (128 + signal number when a signal ended it). */
export function runForwardingSignals(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    const forward = (signal) => {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    };
    for (const s of FORWARDED) process.on(s, forward);
    const done = (code) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code);
    };
    child.once('error', (e) => {
      console.error(`could not start ${cmd}: ${e.message}`);
      done(127);
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (SIGNAL_NUMBERS[signal] ?? 1)));
  });
}
