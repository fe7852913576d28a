import { describe, expect, it } from 'vitest';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { parseWatchIds, watchIdsOfUserSql } from '../../src/web/auth/watch-list-sql.ts';

// An account's watches read in one column: NUL-joined text on SQLite, an array on PostgreSQL.

describe('watch ids of an account in one column', () => {
  it('reads both forms sorted, and nothing as no watch', () => {
    expect(parseWatchIds('bob\u0000alice')).toEqual(['alice', 'bob']);
    expect(parseWatchIds(['zed', 'alice'])).toEqual(['alice', 'zed']);
    expect(parseWatchIds(null)).toEqual([]);
    expect(parseWatchIds('')).toEqual([]);
  });

  it('aggregates with each dialect’s own function', () => {
    const sqlite = new SQLiteSyncDialect().sqlToQuery(
      watchIdsOfUserSql({ dialect: 'sqlite' }, sql`u.id`),
    ).sql;
    const pg = new PgDialect().sqlToQuery(watchIdsOfUserSql({ dialect: 'postgres' }, sql`u.id`)).sql;
    expect(sqlite).toContain('group_concat(w.watch_id, char(0))');
    expect(pg).toContain('array_agg(w.watch_id)');
    expect(pg).not.toContain('char(0)');
  });
});
