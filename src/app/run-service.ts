import { commandContext, type GlobalOptions } from './command-context.ts';
import { buildApp } from '../web/app.ts';
import { windowJobId, type JobKind } from '../jobs/types.ts';
import { catchStopSignals, type StopSignals } from './stop-signals.ts';
import { printSetupLink } from './setup-link.ts';

const STOPPED = Symbol('stopped');

export interface ServiceRoles {
  web: boolean;
  worker: boolean;
  scheduler: boolean;
}

/** Why the service could not listen, in one line naming the address, or undefined for other errors. */
export function listenProblem(err: unknown, host: string, port: number): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'EADDRINUSE')
    return `port ${port} on ${host} is already in use (another Vigie?): stop it, or choose another port with server.port or VIGIE_PORT`;
  if (code === 'EACCES')
    return `not allowed to listen on port ${port} on ${host}: choose a port above 1023 with server.port or VIGIE_PORT`;
  if (code === 'EADDRNOTAVAIL')
    return `cannot listen on ${host}: no such address on this machine (server.host)`;
  return undefined;
}

/**
 * Runs the long-lived service with the given roles and resolves with the exit code when a signal
 * has shut it down: stop accepting requests, let running jobs finish, then close the database.
 * The web server listens before any job or schedule starts, so a busy port ends the process (1)
 * with nothing polled. A signal at any stage of start-up stops it (0).
 */
export async function runService(
  opts: GlobalOptions,
  roles: ServiceRoles,
  workerOptions: { kinds?: readonly JobKind[]; concurrency?: number } = {},
  stop: StopSignals = catchStopSignals(),
): Promise<number> {
  if (stop.signal.aborted) return 0;
  const { deps, config, log } = await commandContext(opts, 'stdout');
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const shutDown = async (): Promise<void> => {
    log.info({ signal: stop.received() }, 'shutting down');
    try {
      await app?.close();
      await deps.close();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
    }
  };
  /** Awaits a start-up step, or the stop signal if it comes first (a Redis that never answers). */
  const step = async <T>(promise: Promise<T>): Promise<T | typeof STOPPED> =>
    Promise.race([promise, stop.stopped.then((): typeof STOPPED => STOPPED)]);

  await deps.syncWatches();
  // A watch created or edited in the dashboard gets its poll schedule at once.
  const onWatchesChanged = roles.scheduler
    ? async () => deps.driver.syncSchedules(await deps.schedules())
    : undefined;
  if (roles.web) {
    const built = await step(buildApp({ ...deps, onWatchesChanged }));
    if (built === STOPPED) return shutDown().then(() => 0);
    app = built;
    const { host, port } = config.server;
    try {
      if ((await step(app.listen({ host, port }))) === STOPPED) return shutDown().then(() => 0);
    } catch (err) {
      const problem = listenProblem(err, host, port);
      if (!problem) throw err;
      process.stderr.write(`vigie: ${problem}\n`);
      await deps.close();
      return 1;
    }
    const address = app.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    log.info({ host, port: bound }, `Vigie listening on http://${host}:${bound}`);
  }

  if (roles.worker && (await step(deps.driver.start(deps.handlers(), workerOptions))) === STOPPED)
    return shutDown().then(() => 0);
  if (roles.scheduler) {
    if ((await step(deps.schedules().then((s) => deps.driver.syncSchedules(s)))) === STOPPED)
      return shutDown().then(() => 0);
    // Poll once at boot: nobody should wait a full schedule period for the first results.
    for (const w of await deps.watches.listActive()) {
      const enqueued = step(
        deps.driver.enqueue(
          'poll',
          { task: 'watch', watchId: w.id },
          { jobId: windowJobId(`poll:${w.id}`, Date.now()) },
        ),
      );
      if ((await enqueued) === STOPPED) return shutDown().then(() => 0);
    }
  }
  const activeWatches = (await deps.watches.listActive()).length;
  log.info({ watches: activeWatches, driver: deps.driver.name, roles }, 'Vigie started');
  if (app && (await deps.users.list()).length === 0) {
    // A first start: nobody can sign in yet. The setup page (one-time link, this machine only by
    // default) creates the owner; the CLI stays the other way.
    printSetupLink(deps, config, app, log);
  }
  if (activeWatches === 0 && (await deps.users.list()).length > 0) {
    log.warn(
      'no watch yet: copy config/vigie.example.yaml to config/vigie.yaml, add the person to watch, and restart',
    );
  }

  await stop.stopped;
  await shutDown();
  log.info('stopped');
  return 0;
}
