import type { Command } from 'commander';
import { runCommand, UsageError } from './run-command.ts';

// Only the definitions load with this file: the copy (both database drivers) is imported when it runs.

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database: move an installation');

  db.command('copy')
    .description(
      'copy the SQLite database of an installation into an empty PostgreSQL database, then verify the copy (row counts, custody ledger head); stop Vigie first',
    )
    .requiredOption('--from <sqlite:PATH>', "the installation's SQLite file, e.g. sqlite:data/vigie.db")
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database')
    .action((o: { from: string; to: string }) =>
      runCommand(async () => {
        const { runDbCopy, CopyUsageError } = await import('../db/copy/copy-command.ts');
        try {
          return await runDbCopy(
            o,
            (line) => process.stdout.write(`${line}\n`),
            (line) => process.stderr.write(`${line}\n`),
          );
        } catch (error) {
          if (error instanceof CopyUsageError) throw new UsageError(error.message);
          throw error;
        }
      }),
    );
}
