/**
 * SIGINT and SIGTERM for the long-lived commands, caught from the first line of the command (before
 * the composition root is even imported) so that a signal at any stage of start-up stops the
 * process cleanly instead of being lost. The first signal asks for a clean stop (`signal` aborts);
 * a second one ends the process at once.
 */
export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): NodeJS.Signals | undefined;
  /** Resolves when a stop is asked. */
  readonly stopped: Promise<NodeJS.Signals>;
}

export function catchStopSignals(): StopSignals {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let resolveStopped: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  const on = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`vigie: ${signal} again: stopping now\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    received = signal;
    controller.abort(new Error(signal));
    resolveStopped(signal);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { signal: controller.signal, received: () => received, stopped };
}
