// The run host: a child process (bundled as dist/run-host.js) that executes one graph run for the
// editor. The editor forks it with an IPC channel, may first ask it to `describe` the spec's
// graphs (for its pickers), then sends `start`, receives every trace event, the human questions
// and finally `done` or `error` (see protocol.ts), and may send `cancel` at any time. The process exits once the run is over, and also when the editor goes away (the IPC
// channel closes), so no run outlives the window that started it. Nothing here prints a secret:
// messages are redacted before they leave, and failures are reported without the environment.

import { Redactor } from '../runtime/redact.ts';
import { useBundledTypeScriptHooks } from '../tsloader/register.ts';
import { isParentMessage, type ChildMessage } from './protocol.ts';
import { RunSession } from './run-session.ts';

/** How long a cancelled run may take to wind down before the process exits anyway. */
const CANCEL_GRACE_MS = 5000;

function main(): void {
  const send = process.send?.bind(process);
  if (!send) {
    process.stderr.write('agentgraph run host: start me with child_process.fork (an IPC channel is required)\n');
    process.exit(2);
  }
  const redactor = Redactor.forRun(undefined, process.env);
  let exiting = false;
  // Resolves when the last message sent so far has been handed to the IPC channel.
  let lastSent: Promise<void> = Promise.resolve();
  const post = (m: ChildMessage) => {
    if (!process.connected) return;
    lastSent = new Promise<void>((resolve) => send(m, undefined, {}, () => resolve()));
  };
  /** Exits once every message sent so far has reached the channel (so `done` is never lost). */
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    process.exitCode = code;
    void lastSent.then(() => {
      if (process.connected) process.disconnect();
      // Tool modules may hold timers or sockets open; they do not keep a finished run alive.
      setTimeout(() => process.exit(code), 200).unref();
    });
  };
  const fail = (err: unknown) => {
    const message = redactor.text(err instanceof Error ? err.message : String(err));
    post({ type: 'error', message: `the run host failed: ${message}` });
    exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);

  const session = new RunSession({ send: post, env: process.env });
  let started = false;
  process.on('message', (m: unknown) => {
    if (!isParentMessage(m)) return;
    if (m.type === 'describe') {
      if (!started) session.describe(m);
    } else if (m.type === 'start') {
      if (started) return;
      started = true;
      session.run(m).then(exit, fail);
    } else if (m.type === 'cancel') {
      session.cancel();
      if (!started) exit(130);
      else setTimeout(() => exit(130), CANCEL_GRACE_MS).unref();
    } else {
      session.answer(m);
    }
  });
  // The editor closed (or crashed): stop the run, then leave.
  process.on('disconnect', () => {
    session.cancel();
    if (!exiting) setTimeout(() => process.exit(130), CANCEL_GRACE_MS).unref();
  });
}

// TypeScript tools load through dist/ts-hooks.mjs next to this bundle (tsx when run from source).
useBundledTypeScriptHooks(typeof __dirname === 'string' ? __dirname : undefined);
main();
