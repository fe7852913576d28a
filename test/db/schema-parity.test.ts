import { describe, expect, it } from 'vitest';
import { getTableName, is, Table } from 'drizzle-orm';
import { getTableConfig as pgConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from '../../src/db/schema/index.ts';
import * as pgSchema from '../../src/db/schema-pg/index.ts';

// schema-pg/ mirrors schema/: repositories use `store.t.<export>.<column key>` on both dialects,
// and `vigie db copy` moves rows column by column. Anything added to one must be added to the other.

type Shape = {
  name: string;
  columns: Record<string, { name: string; notNull: boolean; primary: boolean; hasDefault: boolean }>;
  uniques: string[];
  indexes: string[];
  foreignKeys: string[];
  primaryKeys: string[];
};

function tablesOf(schema: Record<string, unknown>): Record<string, Table> {
  return Object.fromEntries(Object.entries(schema).filter(([, v]) => is(v, Table))) as Record<string, Table>;
}

function shape(table: Table, dialect: 'sqlite' | 'pg'): Shape {
  const config = dialect === 'pg' ? pgConfig(table as PgTable) : sqliteConfig(table as SQLiteTable);
  const columnName = new Map(config.columns.map((c) => [c, c.name]));
  const columns: Shape['columns'] = {};
  for (const [key, column] of Object.entries(table as unknown as Record<string, unknown>)) {
    const c = config.columns.find((x) => x === column);
    if (c)
      columns[key] = {
        name: c.name,
        notNull: c.notNull,
        primary: c.primary,
        // A generated identity is PostgreSQL's autoincrement: both are "inserted without a value".
        hasDefault: c.hasDefault || c.primary,
      };
  }
  const cols = (list: readonly unknown[]) =>
    list.map((c) => columnName.get(c as never) ?? (c as { name: string }).name).join(',');
  const uniques = [
    ...config.indexes
      .filter((i) => i.config.unique)
      .map((i) => `${i.config.name}(${cols(i.config.columns)})`),
    ...config.uniqueConstraints.map((u) => `${u.getName()}(${cols(u.columns)})`),
    ...config.columns.filter((c) => c.isUnique).map((c) => `${c.uniqueName}(${c.name})`),
  ].sort();
  const indexes = config.indexes
    .filter((i) => !i.config.unique)
    .map((i) => `${i.config.name}(${cols(i.config.columns)})`)
    .sort();
  const foreignKeys = config.foreignKeys
    .map((fk) => {
      const r = fk.reference();
      return `${cols(r.columns)}->${getTableName(r.foreignTable)}(${cols(r.foreignColumns)}) on delete ${fk.onDelete ?? 'no action'}`;
    })
    .sort();
  const primaryKeys = config.primaryKeys.map((pk) => cols(pk.columns)).sort();
  return { name: config.name, columns, uniques, indexes, foreignKeys, primaryKeys };
}

describe('schema-pg mirrors schema', () => {
  const sqliteTables = tablesOf(sqliteSchema);
  const pgTables = tablesOf(pgSchema);

  it('exports the same tables under the same names', () => {
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
    expect(Object.keys(sqliteTables).length).toBeGreaterThan(25);
  });

  for (const exportName of Object.keys(tablesOf(sqliteSchema))) {
    it(`${exportName}: same SQL name, column keys and names, nullability, keys, indexes`, () => {
      const pgTable = pgTables[exportName];
      expect(pgTable, `schema-pg has no ${exportName}`).toBeDefined();
      expect(shape(pgTable!, 'pg')).toEqual(shape(sqliteTables[exportName]!, 'sqlite'));
    });
  }
});
