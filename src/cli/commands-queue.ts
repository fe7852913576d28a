import type { Command } from 'commander';
import { runCommand, UsageError, type GlobalOptions } from './run-command.ts';
import { renderTable } from './table.ts';
import { JOB_KINDS, type JobKind } from '../jobs/types.ts';
import { catchStopSignals } from '../app/stop-signals.ts';

// Only commander definitions load with this file; what a command runs is imported in its action.
const app = async () => ({
  ...(await import('../app/run-service.ts')),
  ...(await import('../app/job-driver.ts')),
  ...(await import('../config/load.ts')),
});

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

const NEEDS_REDIS =
  'this command needs distributed mode: set REDIS_URL (or queue.redisUrl in the config file) to a Redis server shared by every Vigie process';

export function parseKinds(value: string | undefined): JobKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const unknown = kinds.filter((k) => !(JOB_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--queues: expected a comma-separated list of ${JOB_KINDS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  return kinds as JobKind[];
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError('--concurrency: expected an integer from 1 to 256');
  return n;
}

/** The BullMQ driver for operations commands (no database needed), or a usage error. */
async function bullmqDriver(opts: GlobalOptions) {
  const { operationsDriver } = await import('../app/command-context.ts');
  const driver = await operationsDriver(opts);
  if (!driver) throw new UsageError(NEEDS_REDIS);
  return driver;
}

export function registerQueueCommands(program: Command): void {
  program
    .command('web')
    .description(
      'run the dashboard and API, and keep the schedules (distributed mode: jobs go to the workers)',
    )
    .action((_o, cmd: Command) =>
      runCommand(async () => {
        const stop = catchStopSignals(); // first: a signal during the imports below still stops
        const { loadConfig, isDistributed, runService } = await app();
        const { config } = loadConfig({ configPath: globals(cmd).config });
        // In embedded mode nobody would consume the jobs of this process: it serves pages only.
        const distributed = isDistributed(config);
        if (!distributed)
          process.stderr.write(
            'vigie: embedded mode (no REDIS_URL): the dashboard runs without polling; use `vigie start` to also poll\n',
          );
        return runService(globals(cmd), { web: true, worker: false, scheduler: distributed }, {}, stop);
      }),
    );

  program
    .command('worker')
    .description('consume jobs from the shared queues (distributed mode; run as many as you need)')
    .option('--queues <kinds>', `only these queues, comma-separated (${JOB_KINDS.join(',')})`)
    .option('--concurrency <n>', 'jobs at once per queue in this process (default: jobs.concurrency)')
    .action((o: { queues?: string; concurrency?: string }, cmd: Command) =>
      runCommand(async () => {
        const kinds = parseKinds(o.queues);
        const concurrency = parseConcurrency(o.concurrency);
        const stop = catchStopSignals(); // first: a signal during the imports below still stops
        const { loadConfig, isDistributed, runService } = await app();
        const { config } = loadConfig({ configPath: globals(cmd).config });
        if (!isDistributed(config))
          throw new UsageError(
            `worker: ${NEEDS_REDIS}; in embedded mode \`vigie start\` runs the jobs itself`,
          );
        return runService(
          globals(cmd),
          { web: false, worker: true, scheduler: false },
          { kinds, concurrency },
          stop,
        );
      }),
    );

  const queues = program
    .command('queues')
    .description('jobs per queue and state, and the failed ones with their error (distributed mode)')
    .option('--failed <n>', 'failed jobs to show per queue', '10')
    .action((o: { failed: string }, cmd: Command) =>
      runCommand(async () => {
        const limit = Number(o.failed);
        if (!Number.isInteger(limit) || limit < 0)
          throw new UsageError('--failed: expected a non-negative integer');
        const driver = await bullmqDriver(globals(cmd));
        try {
          const states = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'];
          const rows = (await driver.counts()).map((q) => [
            q.kind,
            ...states.map((s) => String(q.counts[s] ?? 0)),
          ]);
          process.stdout.write(`${renderTable(['queue', ...states], rows)}\n`);
          const schedulers = await driver.schedulers();
          process.stdout.write(`\n${schedulers.length} schedule(s)\n`);
          if (limit > 0) {
            const failed = await driver.failedJobs(limit);
            if (failed.length > 0) {
              const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '');
              const failedRows = failed.map((f) => [
                f.kind,
                f.logicalId ?? f.id,
                String(f.attempts),
                iso(f.failedAt),
                f.error,
              ]);
              process.stdout.write(
                `\nfailed jobs\n${renderTable(['queue', 'job', 'attempts', 'failed at', 'error'], failedRows, 100)}\n`,
              );
            }
          }
        } finally {
          await driver.stop();
        }
      }),
    );

  queues
    .command('retry-failed')
    .description('run the failed jobs again (all queues, or --queues)')
    .option('--queues <kinds>', 'only these queues, comma-separated')
    .action((o: { queues?: string }, cmd: Command) =>
      runCommand(async () => {
        const kinds = parseKinds(o.queues);
        const driver = await bullmqDriver(globals(cmd));
        try {
          const n = await driver.retryFailed(kinds);
          process.stdout.write(`${n} failed job(s) moved back to waiting\n`);
        } finally {
          await driver.stop();
        }
      }),
    );
}
