import { getTableName, is, Table } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import * as schemaPg from '../schema-pg/index.ts';

export interface CopyColumn {
  /** The SQL name. */
  name: string;
  /** SQLite stores booleans as 0/1; PostgreSQL wants true/false. */
  boolean: boolean;
}

export interface CopyTable {
  name: string;
  columns: CopyColumn[];
  /** The generated identity column, whose sequence restarts after the copied ids. */
  identity: string | null;
}

/**
 * Every table of the store, each after the tables its foreign keys point at, so rows can be
 * inserted in this order with every constraint checked.
 */
export function tablesInForeignKeyOrder(): CopyTable[] {
  const tables = (Object.values(schemaPg) as unknown[]).filter((v): v is PgTable => is(v, Table));
  const byName = new Map<string, PgTable>(tables.map((t) => [getTableName(t), t]));
  const ordered: CopyTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, 'visiting');
    const config = getTableConfig(byName.get(name)!);
    for (const fk of config.foreignKeys) {
      const target = getTableName(fk.reference().foreignTable);
      if (target !== name) visit(target);
    }
    state.set(name, 'done');
    ordered.push({
      name,
      columns: config.columns.map((c) => ({ name: c.name, boolean: c.columnType === 'PgBoolean' })),
      identity:
        config.columns.find((c) => (c as { generatedIdentity?: unknown }).generatedIdentity)?.name ?? null,
    });
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}
