import type { Command } from 'commander';
import {
  commandContext,
  withDeps,
  requireWatch,
  runCommand,
  UsageError,
  type GlobalOptions,
} from './run-command.ts';
import { renderTable } from './table.ts';

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

function checkFormat(format: string): void {
  if (!['table', 'jsonl'].includes(format))
    throw new UsageError(`--format: expected table or jsonl, got "${format}"`);
}

export function registerAlertsCommands(program: Command): void {
  program
    .command('digest')
    .description('send the digests that are due now (missed periods included) and retry unsent mail')
    .option('--now', 'run now (the only mode of this command)')
    .option('--watch <id>', 'only this watch')
    .action((o: { watch?: string }, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const report = await deps.alerts.runDigests({ watchId: o.watch });
          process.stdout.write(
            `digests recorded: ${report.recorded}; delivered: ${report.sent} (${deps.alerts.mailer.transport}); unconfirmed: ${report.unconfirmed}; to retry: ${report.retrying}; failed: ${report.failed}\n`,
          );
          return report.failed > 0 ? 1 : 0;
        });
      }),
    );

  program
    .command('outbox')
    .description(
      'list the messages written to the outbox folder (no SMTP configured) and any mail not confirmed as delivered',
    )
    .option('--format <format>', 'table or jsonl', 'table')
    .action((o: { format: string }, cmd: Command) =>
      runCommand(async () => {
        checkFormat(o.format);
        const { listOutbox } = await import('../alerts/outbox.ts');
        const { outboxDirOf } = await import('../alerts/mailer.ts');
        const { config, deps } = await commandContext(globals(cmd));
        const dir = outboxDirOf(config.mail, config.dataDir);
        const entries = listOutbox(dir);
        // Mail not confirmed as delivered: waiting, being retried, unconfirmed after a crash, given up.
        const open = await deps.alerts.ctx.messages.list({
          statuses: ['queued', 'sending', 'committing', 'unconfirmed', 'failed'],
          limit: 200,
        });
        await deps.close();
        if (o.format === 'jsonl') {
          for (const e of entries)
            process.stdout.write(`${JSON.stringify({ ...e, path: `${dir}/${e.file}` })}\n`);
          return 0;
        }
        process.stdout.write(
          `${renderTable(
            ['date', 'to', 'subject', 'file'],
            entries.map((e) => [e.date, e.to, e.subject, e.file]),
            70,
          )}\n`,
        );
        if (entries.length === 0) process.stdout.write(`the outbox is empty (${dir})\n`);
        if (open.length > 0) {
          const iso = (ms: number) => new Date(ms).toISOString();
          const rows = open.map((m) => [
            iso(m.createdAt),
            m.toAddress,
            m.kind,
            m.status,
            String(m.attempts),
            m.lastError ?? '',
          ]);
          process.stdout.write(
            `\nmail not confirmed as delivered:\n${renderTable(['recorded', 'to', 'kind', 'status', 'attempts', 'last problem'], rows)}\n`,
          );
        }
        return 0;
      }),
    );

  program
    .command('waves')
    .description('waves of hostile posts: start, peak, end, count, main categories')
    .option('--watch <id>', 'only this watch')
    .option('--format <format>', 'table or jsonl', 'table')
    .action((o: { watch?: string; format: string }, cmd: Command) =>
      runCommand(async () => {
        checkFormat(o.format);
        return withDeps(globals(cmd), async ({ deps }) => {
          await requireWatch(deps, o.watch);
          const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '');
          const ids = o.watch ? [o.watch] : (await deps.watches.listActive()).map((w) => w.id);
          const rows: string[][] = [];
          for (const id of ids) {
            for (const w of await deps.alerts.ctx.waves.list(id, 50)) {
              const item = {
                id: w.id,
                watch: w.watchId,
                startedAt: iso(w.startedAt),
                peakAt: iso(w.peakAt),
                peakCount: w.peakCount,
                endedAt: iso(w.endedAt) || null,
                count: w.count,
                topCategories: w.topCategories,
                baseline: w.baseline,
                threshold: w.threshold,
              };
              if (o.format === 'jsonl') process.stdout.write(`${JSON.stringify(item)}\n`);
              else
                rows.push([
                  id,
                  item.startedAt,
                  item.endedAt ?? 'ONGOING',
                  `${w.peakCount} at ${item.peakAt}`,
                  String(w.count),
                  w.topCategories.map((c) => `${c.category} ${c.count}`).join(', '),
                ]);
            }
          }
          if (o.format === 'table')
            process.stdout.write(
              `${renderTable(['watch', 'started', 'ended', 'peak/hour', 'count', 'categories'], rows)}\n`,
            );
          return 0;
        });
      }),
    );
}
