import type { Command } from 'commander';
import {
  commandContext,
  withDeps,
  parseIsoDate,
  requireWatch,
  runCommand,
  UsageError,
  type GlobalOptions,
} from './run-command.ts';
import { renderTable } from './table.ts';
import { jsonLine } from '../text/json-line.ts';
import type { Logger } from '../logger.ts';
import { catchStopSignals } from '../app/stop-signals.ts';
import type { OnceDriver } from '../jobs/once-driver.ts';

// Only commander definitions load with this file; what a command runs is imported in its action.

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

export function registerCoreCommands(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: web dashboard, scheduler and jobs')
    .action((_o, cmd: Command) =>
      runCommand(async () => {
        const stop = catchStopSignals(); // first: a signal during the imports below still stops
        const { runService } = await import('../app/run-service.ts');
        return runService(globals(cmd), { web: true, worker: true, scheduler: true }, {}, stop);
      }),
    );

  program
    .command('migrate')
    .description('create or upgrade the database, then exit')
    .action((_o, cmd: Command) =>
      runCommand(async () => {
        const { deps, config } = await commandContext(globals(cmd));
        await deps.close();
        const { databaseUrlOf } = await import('../db/open-store.ts');
        const { redactDatabaseUrl } = await import('../config/database-url.ts');
        const url = databaseUrlOf(config);
        // Where the rows are: the PostgreSQL server (without its password), or the data folder's file.
        process.stdout.write(
          url ? `database ready: ${redactDatabaseUrl(url)}\n` : `database ready in ${config.dataDir}\n`,
        );
      }),
    );

  program
    .command('poll')
    .description(
      'poll every source of every watch (or one watch) once, run what follows (alerts, archives), then exit',
    )
    .option('--once', 'poll once and exit (the only mode of this command)')
    .option('--watch <id>', 'only this watch')
    .option('--format <format>', 'table or jsonl', 'table')
    .action((o: { watch?: string; format: string }, cmd: Command) =>
      runCommand(async () => {
        if (!['table', 'jsonl'].includes(o.format))
          throw new UsageError(`--format: expected table or jsonl, got "${o.format}"`);
        const { pollSource } = await import('../ingest/poll-source.ts');
        const { createOnceDriver } = await import('../jobs/once-driver.ts');
        let once: OnceDriver | undefined;
        // The jobs the after-store rule enqueues (immediate alerts, archives, look-alike alerts)
        // run here, with the service's handlers, before the command exits: a system cron running
        // `poll --once` alerts as the service would.
        const driver = (deps: { log: Logger }) => (once = createOnceDriver(deps));
        return withDeps(
          globals(cmd),
          async ({ deps }) => {
            await deps.syncWatches();
            await requireWatch(deps, o.watch);
            await deps.driver.start(deps.handlers());
            const outcomes = [];
            for (const s of await deps.sources.listEnabled(o.watch)) outcomes.push(await pollSource(deps, s.id));
            await deps.driver.idle();
            const report = once?.report();
            if (o.format === 'jsonl') {
              for (const r of outcomes) process.stdout.write(`${jsonLine(r)}\n`);
            } else {
              const rows = outcomes.map((r) => [
                r.watchId,
                r.kind,
                r.target,
                r.ok ? 'ok' : 'FAILED',
                String(r.fetched),
                String(r.stored),
                String(r.hostile),
                r.error ?? r.warnings.join('; '),
              ]);
              process.stdout.write(
                `${renderTable(['watch', 'source', 'target', 'status', 'fetched', 'new', 'hostile', 'problem'], rows)}\n`,
              );
              if (outcomes.length === 0)
                process.stdout.write('no source configured: add watches to the config file\n');
              const ran = Object.entries(report?.ran ?? {}).map(([kind, n]) => `${kind} ×${n}`);
              if (report && (ran.length > 0 || report.deferred > 0 || report.failed > 0))
                process.stdout.write(
                  `then: ${ran.join(', ') || 'nothing'} run; ${report.deferred} left for the next run; ${report.failed} failed\n`,
                );
            }
            // Source failures are recorded and printed; they do not make the command fail.
            return 0;
          },
          { driver },
        );
      }),
    );

  program
    .command('mentions')
    .description('print stored mentions')
    .option('--format <format>', 'jsonl or table', 'jsonl')
    .option('--watch <id>', 'only this watch')
    .option('--since <iso>', 'only posts published (or first seen) since this date')
    .option('--search <text>', 'full-text search (accents ignored)')
    .option('--limit <n>', 'at most this many')
    .action(
      (
        o: { format: string; watch?: string; since?: string; search?: string; limit?: string },
        cmd: Command,
      ) =>
        runCommand(async () => {
          if (!['jsonl', 'table'].includes(o.format))
            throw new UsageError(`--format: expected jsonl or table, got "${o.format}"`);
          const since = o.since ? parseIsoDate(o.since, '--since') : undefined;
          const limit = o.limit ? Number(o.limit) : undefined;
          if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
            throw new UsageError('--limit: expected a positive integer');
          const { postJsonCore } = await import('../db/repositories/post-json.ts');
          return withDeps(
            globals(cmd),
            async ({ deps }) => {
              await requireWatch(deps, o.watch);
              const rows: string[][] = [];
              for await (const p of deps.posts.iterateMentions({
                watchId: o.watch,
                since,
                search: o.search,
                limit,
              })) {
                const item = {
                  id: p.id,
                  watch: p.watchId,
                  source: p.sourceKind,
                  ...postJsonCore(p),
                  score: p.score,
                  level: p.level,
                  hostile: p.hostile,
                  categories: p.categories ?? [],
                };
                if (o.format === 'jsonl') {
                  if (!process.stdout.write(`${jsonLine(item)}\n`))
                    await new Promise((r) => process.stdout.once('drain', r));
                } else {
                  rows.push([
                    String(p.id),
                    p.watchId,
                    p.sourceKind,
                    item.createdAt ?? item.firstSeenAt,
                    p.level ?? '',
                    p.authorHandle ?? p.authorName ?? '',
                    p.text,
                  ]);
                }
              }
              if (o.format === 'table')
                process.stdout.write(
                  `${renderTable(['id', 'watch', 'source', 'time', 'level', 'author', 'text'], rows)}\n`,
                );
            },
            { readOnly: true },
          );
        }),
    );

  program
    .command('sources')
    .description('health of every source')
    .option('--format <format>', 'table or jsonl', 'table')
    .action((o: { format: string }, cmd: Command) =>
      runCommand(async () => {
        // Read-only: shows the database as the last writing command left it (works on a full disk).
        return withDeps(globals(cmd), async ({ deps }) => {
          const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '');
          const list = await deps.sources.listHealth();
          if (o.format === 'jsonl') {
            for (const s of list) {
              const { state: _state, ...rest } = s;
              process.stdout.write(
                `${jsonLine({ ...rest, status: s.consecutiveFailures > 0 ? 'failing' : s.lastSuccessAt ? 'ok' : 'never polled' })}\n`,
              );
            }
          } else {
            const rows = list.map((s) => [
              s.watchId,
              s.kind,
              s.target,
              !s.enabled
                ? 'disabled'
                : s.consecutiveFailures > 0
                  ? `FAILING ×${s.consecutiveFailures} since ${iso(s.failingSince)}`
                  : s.lastSuccessAt
                    ? 'ok'
                    : 'never polled',
              iso(s.lastSuccessAt),
              s.lastError && s.consecutiveFailures > 0 ? s.lastError : (s.lastWarning ?? ''),
            ]);
            process.stdout.write(
              `${renderTable(['watch', 'source', 'target', 'status', 'last success', 'last problem'], rows)}\n`,
            );
          }
        });
      }),
    );

  program
    .command('score')
    .description('score JSON Lines {"id","text","lang"?} from stdin; one result line per input line')
    .option('--learned', 'add the learned layer to the rules (see README: more found, more false alarms)')
    .action((o: { learned?: boolean }) =>
      runCommand(async () => {
        const { RULES_ONLY, runScoreStream, WITH_LEARNED } = await import('../scoring/index.ts');
        const { failed } = await runScoreStream(
          process.stdin,
          process.stdout,
          undefined,
          o.learned === true ? WITH_LEARNED : RULES_ONLY,
        );
        return failed > 0 ? 1 : 0;
      }),
    );

  program
    .command('rescore')
    .description(
      'score again the posts scored by an older scorer version (after a lexicon or custom-word change)',
    )
    .option('--watch <id>', 'only this watch')
    .action((o: { watch?: string }, cmd: Command) =>
      runCommand(async () => {
        const { rescoreWatch } = await import('../ingest/rescore.ts');
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const ids = o.watch ? [o.watch] : (await deps.watches.listActive()).map((w) => w.id);
          for (const id of ids) process.stdout.write(`${id}: ${await rescoreWatch(deps, id)} posts rescored\n`);
        });
      }),
    );
}
