import { existsSync } from 'node:fs';
import path from 'node:path';
import { isPostgresUrl, redactDatabaseUrl } from '../../config/database-url.ts';
import { openPgStore } from '../pg-store.ts';
import { openSqliteStore } from '../sqlite-store.ts';
import type { Store } from '../store.ts';
import { copyDatabase, TargetNotEmptyError, type CopyReport } from './copy-database.ts';

export class CopyUsageError extends Error {}

/** `sqlite:PATH` (also `sqlite://PATH`) → the file's absolute path. */
export function sqlitePathOf(from: string, cwd = process.cwd()): string {
  const m = /^sqlite:(?:\/\/)?(.+)$/.exec(from);
  if (!m)
    throw new CopyUsageError(`--from: expected sqlite:PATH (the installation's vigie.db), got "${from}"`);
  return path.resolve(cwd, m[1]!);
}

/**
 * `vigie db copy`: opens both databases (migrating each to the current version first), copies,
 * writes the verification to `out`, and returns the exit code (1 when anything differs).
 */
export async function runDbCopy(
  o: { from: string; to: string },
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const file = sqlitePathOf(o.from);
  if (!existsSync(file)) throw new CopyUsageError(`--from: ${file} does not exist`);
  if (!isPostgresUrl(o.to))
    throw new CopyUsageError(`--to: expected a PostgreSQL URL (postgres://user:password@host:5432/database)`);
  const target = redactDatabaseUrl(o.to);

  let source: Store | undefined;
  let dest: Store | undefined;
  try {
    source = openSqliteStore(file);
    dest = await openPgStore(o.to, { maxConnections: 2 });
    err(`copying ${file} to ${target}…`);
    let report: CopyReport;
    try {
      let lastTable = '';
      report = await copyDatabase(source, dest, {
        onProgress: (table) => {
          if (table !== lastTable) err(`  ${table}`);
          lastTable = table;
        },
      });
    } catch (error) {
      if (error instanceof TargetNotEmptyError) throw new CopyUsageError(`--to ${target}: ${error.message}`);
      throw error;
    }
    printReport(report, out);
    return report.ok ? 0 : 1;
  } finally {
    await source?.close();
    await dest?.close();
  }
}

function printReport(report: CopyReport, out: (line: string) => void): void {
  const width = Math.max(...report.tables.map((t) => t.table.length), 5);
  out(`${'table'.padEnd(width)}  ${'source'.padStart(9)}  ${'target'.padStart(9)}`);
  for (const t of report.tables)
    out(
      `${t.table.padEnd(width)}  ${String(t.source).padStart(9)}  ${String(t.target).padStart(9)}${t.source === t.target ? '' : '  DIFFERENT'}`,
    );
  const { source, target } = report.ledger;
  out(`ledger head (source): ${source.head} (${source.rows} rows)`);
  out(`ledger head (target): ${target.head} (${target.rows} rows)`);
  if (target.broken)
    out(`ledger chain on the target: BROKEN at row ${target.broken.id}: ${target.broken.reason}`);
  else out('ledger chain on the target: verified');
  out(report.ok ? 'copy verified' : 'COPY DIFFERS from the source');
}
