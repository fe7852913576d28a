import type { Command } from 'commander';
import { withDeps, requireWatch, runCommand, UsageError, type GlobalOptions } from './run-command.ts';
import { renderTable } from './table.ts';
import type { LookalikeRow } from '../identity/identity-repo.ts';

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

function parseId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1)
    throw new UsageError(`expected a candidate id (a positive integer), got "${value}"`);
  return id;
}

function toItem(c: LookalikeRow) {
  const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
  return {
    id: c.id,
    watch: c.watchId,
    platform: c.platform,
    accountId: c.accountId,
    handle: c.handle,
    name: c.name,
    reason: c.reason,
    similarity: c.similarity,
    foundBy: c.foundBy,
    status: c.status,
    firstSeenAt: iso(c.firstSeenAt),
    lastSeenAt: iso(c.lastSeenAt),
    decidedAt: iso(c.decidedAt),
  };
}

// JSON keeps bidi overrides and line separators raw: escaped so a handle cannot reorder a terminal line.
const safeJson = (v: unknown) =>
  JSON.stringify(v).replace(
    /[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

export function registerIdentityCommands(program: Command): void {
  const lookalikes = program
    .command('lookalikes')
    .description('accounts that look like the watched person (impersonation candidates)')
    .option('--watch <id>', 'the watch (required)')
    .option('--format <format>', 'jsonl or table', 'table')
    .option('--all', 'include dismissed candidates')
    .action((o: { watch?: string; format: string; all?: boolean }, cmd: Command) =>
      runCommand(async () => {
        if (!o.watch) throw new UsageError('--watch: required');
        if (!['jsonl', 'table'].includes(o.format))
          throw new UsageError(`--format: expected jsonl or table, got "${o.format}"`);
        return withDeps(globals(cmd), async ({ deps }) => {
          await requireWatch(deps, o.watch);
          const list = (
            await deps.identity.list(o.watch as string, { includeDismissed: o.all === true })
          ).map(toItem);
          if (o.format === 'jsonl') {
            for (const item of list) process.stdout.write(`${safeJson(item)}\n`);
          } else if (list.length === 0) {
            process.stdout.write('no look-alike accounts to review\n');
          } else {
            const rows = list.map((c) => [
              String(c.id),
              c.platform,
              c.handle ?? '',
              c.name ?? '',
              c.similarity.toFixed(2),
              c.status,
              c.reason,
            ]);
            process.stdout.write(
              `${renderTable(['id', 'platform', 'handle', 'name', 'similarity', 'status', 'reason'], rows, 80)}\n`,
            );
          }
        });
      }),
    );

  lookalikes
    .command('scan')
    .description('check every known author of the watch, and search accounts by name on Bluesky / Mastodon')
    .requiredOption('--watch <id>', 'the watch')
    .action((o: { watch: string }, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const authors = await deps.identity.scanAuthors(o.watch);
          const searched = await deps.identity.searchAccounts(o.watch);
          process.stdout.write(
            `${authors.checked} authors checked, ${authors.candidates} look-alike(s) among them; ${searched} found by account search\n`,
          );
        });
      }),
    );

  for (const [name, description] of [
    ['confirm', 'confirm an impersonation: recorded as evidence, proxies alerted'],
    ['dismiss', 'not an impersonation: never shown again'],
  ] as const) {
    lookalikes
      .command(`${name} <id>`)
      .description(description)
      .option('--actor <who>', 'who decided (for the custody log)', 'cli')
      .action((id: string, o: { actor: string }, cmd: Command) =>
        runCommand(async () => {
          const candidate = parseId(id);
          return withDeps(globals(cmd), async ({ deps }) => {
            if (!(await deps.identity.get(candidate)))
              throw new UsageError(`no look-alike candidate ${candidate}`);
            const row =
              name === 'confirm'
                ? await deps.identity.confirm(candidate, o.actor)
                : await deps.identity.dismiss(candidate);
            process.stdout.write(`candidate ${row.id}: ${row.status}\n`);
          });
        }),
      );
  }
}
