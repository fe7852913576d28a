import { commandContext, type GlobalOptions } from './command-context.ts';
import { buildApp } from '../web/app.ts';
import { windowJobId, type JobKind } from '../jobs/types.ts';
import { printSetupLink } from './setup-link.ts';

export interface ServiceRoles {
  web: boolean;
  worker: boolean;
  scheduler: boolean;
}

/**
 * Runs the long-lived service with the given roles and resolves when a signal has shut it down:
 * stop accepting requests, let running jobs finish, then close the database.
 */
export async function runService(
  opts: GlobalOptions,
  roles: ServiceRoles,
  workerOptions: { kinds?: readonly JobKind[]; concurrency?: number } = {},
): Promise<number> {
  const { deps, config, log } = commandContext(opts, 'stdout');
  // Signals are caught from the start: one arriving during start-up still shuts down cleanly.
  let signalled: string | undefined;
  let onSignal: (signal: string) => void = (signal) => {
    signalled ??= signal;
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  deps.syncWatches();
  // A watch created or edited in the dashboard gets its poll schedule at once.
  const onWatchesChanged = roles.scheduler ? () => deps.driver.syncSchedules(deps.schedules()) : undefined;
  const app = roles.web ? await buildApp({ ...deps, onWatchesChanged }) : undefined;

  if (roles.worker) await deps.driver.start(deps.handlers(), workerOptions);
  if (roles.scheduler) {
    await deps.driver.syncSchedules(deps.schedules());
    // Poll once at boot: nobody should wait a full schedule period for the first results.
    for (const w of deps.watches.listActive()) {
      await deps.driver.enqueue(
        'poll',
        { task: 'watch', watchId: w.id },
        { jobId: windowJobId(`poll:${w.id}`, Date.now()) },
      );
    }
  }
  if (app) {
    await app.listen({ host: config.server.host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    log.info({ host: config.server.host, port }, `Vigie listening on http://${config.server.host}:${port}`);
  }
  log.info({ watches: deps.watches.listActive().length, driver: deps.driver.name, roles }, 'Vigie started');
  if (app && deps.users.list().length === 0) {
    // A first start: nobody can sign in yet. The setup page (one-time link, this machine only by
    // default) creates the owner; the CLI stays the other way.
    printSetupLink(deps, config, app, log);
  }
  if (deps.watches.listActive().length === 0 && deps.users.list().length > 0) {
    log.warn(
      'no watch yet: copy config/vigie.example.yaml to config/vigie.yaml, add the person to watch, and restart',
    );
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      void (async () => {
        try {
          await app?.close();
          await deps.close();
        } catch (err) {
          log.error({ err }, 'error during shutdown');
        }
        resolve();
      })();
    };
    onSignal = stop;
    if (signalled) stop(signalled);
  });
  log.info('stopped');
  return 0;
}
