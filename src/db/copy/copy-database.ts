import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../store.ts';
import { checkLedger, type LedgerCheck } from './ledger-check.ts';
import { tablesInForeignKeyOrder, type CopyTable } from './table-order.ts';

// Moving an installation from the SQLite file to PostgreSQL: every table, rows as stored (ids,
// JSON text and ledger rows byte for byte), then a check of the copy on both sides.

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  tables: TableCount[];
  ledger: { source: LedgerCheck; target: LedgerCheck };
  /** Counts equal on every table, same ledger head, and the copied chain verifies. */
  ok: boolean;
}

export class TargetNotEmptyError extends Error {}

const DEFAULT_BATCH = 500;

/**
 * Copies every table of `from` (the SQLite store) into `to` (a migrated, empty PostgreSQL store),
 * in foreign-key order and in batches, so memory stays constant whatever the size. The service
 * should be stopped meanwhile: rows written during the copy show as count differences.
 */
export async function copyDatabase(
  from: Store,
  to: Store,
  options: { batchSize?: number; onProgress?: (table: string, copied: number) => void } = {},
): Promise<CopyReport> {
  if (from.dialect !== 'sqlite') throw new Error('db copy reads an SQLite store');
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const tables = tablesInForeignKeyOrder();

  const occupied: string[] = [];
  for (const table of tables) {
    const n = await countRows(to, table.name);
    if (n > 0) occupied.push(`${table.name} (${n})`);
  }
  if (occupied.length > 0)
    throw new TargetNotEmptyError(
      `the target database already holds data: ${occupied.join(', ')}. Copy into a new, empty database.`,
    );

  // One transaction on the target: an interrupted copy leaves it empty, ready for another try.
  await to.transaction(async (tx) => {
    for (const table of tables) {
      let copied = 0;
      for await (const rows of sqliteBatches(from, table, batchSize)) {
        await tx.run(insertStatement(table, rows));
        copied += rows.length;
        options.onProgress?.(table.name, copied);
      }
      if (table.identity && to.dialect === 'postgres') {
        // Ids were copied as they were: new rows continue after the highest one.
        const id = sql.identifier(table.identity);
        await tx.run(
          sql`select setval(pg_get_serial_sequence(${table.name}, ${table.identity}), coalesce((select max(${id}) from ${sql.identifier(table.name)}), 0) + 1, false)`,
        );
      }
    }
  });

  return verifyCopy(from, to);
}

/** Counts every table on both sides and walks both ledgers. */
export async function verifyCopy(from: Store, to: Store): Promise<CopyReport> {
  const counts: TableCount[] = [];
  for (const table of tablesInForeignKeyOrder())
    counts.push({
      table: table.name,
      source: await countRows(from, table.name),
      target: await countRows(to, table.name),
    });
  const ledger = { source: await checkLedger(from), target: await checkLedger(to) };
  const ok =
    counts.every((c) => c.source === c.target) &&
    ledger.source.head === ledger.target.head &&
    ledger.source.rows === ledger.target.rows &&
    ledger.target.broken === null;
  return { tables: counts, ledger, ok };
}

async function countRows(store: Store, table: string): Promise<number> {
  const row = await store.get<{ n: unknown }>(sql`select count(*) as n from ${sql.identifier(table)}`);
  return Number(row?.n ?? 0);
}

type Row = Record<string, unknown>;

/** The rows of one SQLite table in rowid order, a page at a time (keyset: constant memory). */
async function* sqliteBatches(store: Store, table: CopyTable, size: number): AsyncGenerator<Row[]> {
  const columns = sql.join(
    table.columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  let last = -Infinity;
  for (;;) {
    const rows = await store.all<Row>(
      sql`select rowid as "__copy_rowid", ${columns} from ${sql.identifier(table.name)}
          where rowid > ${last === -Infinity ? Number.MIN_SAFE_INTEGER : last} order by rowid limit ${size}`,
    );
    if (rows.length === 0) return;
    last = rows[rows.length - 1]!.__copy_rowid as number;
    yield rows;
    if (rows.length < size) return;
  }
}

function insertStatement(table: CopyTable, rows: Row[]): SQL {
  const columns = sql.join(
    table.columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const values = rows.map(
    (row) =>
      sql`(${sql.join(
        table.columns.map((c) => {
          const v = row[c.name] ?? null;
          return sql`${c.boolean && v !== null ? Boolean(v) : v}`;
        }),
        sql`, `,
      )})`,
  );
  return sql`insert into ${sql.identifier(table.name)} (${columns}) values ${sql.join(values, sql`, `)}`;
}
